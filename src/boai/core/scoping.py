"""One mechanism scopes every queryset to the acting user's organisation subtree.

A model opts in by using `ScopedManager` and naming how it hangs off the organisation tree:

- ``scope_org_field = "org"``: a foreign key to the tree (the usual case);
- ``scope_path_field = "path"``: a materialised path stored on the row itself (the tree, audit).

``Model.objects.restrict(user, "view")`` then returns only what the user may see for that action:
nothing when the role lacks the permission ``<scope_permission>.<action>``, otherwise the rows of
the user's subtree. Base views, viewsets, exports and search all start from ``restrict`` (NetBox's
``RestrictedQuerySet.restrict``), so a view cannot forget it; an object outside the scope is simply
absent, which the views turn into a 404 exactly like a missing one (Zulip's ``access_*_by_id``).
"""

from __future__ import annotations

from typing import Any

from django.db import models


def permission_for(model: type[models.Model], action: str) -> str:
    prefix = getattr(model, "scope_permission", None) or model._meta.app_label
    return f"{prefix}.{action}"


def user_scope_path(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "scope_path", None) or None


def restrict(queryset: models.QuerySet, user: Any, action: str = "view") -> models.QuerySet:
    model = queryset.model
    path = user_scope_path(user)
    if path is None or not user.has_perm(permission_for(model, action)):
        return queryset.none()
    scoped = scope_to_path(queryset, path)
    if getattr(model, "scope_unowned_to_root", False) and getattr(user, "scope_is_root", False):
        # rows that belong to no unit (e.g. a failed login for an unknown name) are the city's
        scoped = scoped | queryset.filter(**{model.scope_path_field: ""})
    return scoped


def scope_to_path(queryset: models.QuerySet, path: str) -> models.QuerySet:
    """Rows of `queryset` that belong to the subtree rooted at `path` (one query, any depth)."""
    model = queryset.model
    path_field = getattr(model, "scope_path_field", None)
    if path_field:
        return queryset.filter(**{f"{path_field}__startswith": path})
    org_field = getattr(model, "scope_org_field", None)
    if not org_field:
        raise TypeError(f"{model.__name__} declares neither scope_org_field nor scope_path_field")
    org_model = model._meta.get_field(org_field.split("__")[0]).related_model
    if "__" in org_field:  # e.g. "volunteer__org": follow the chain to the tree
        return queryset.filter(**{f"{org_field}__path__startswith": path})
    subtree = org_model.objects.filter(path__startswith=path).values("pk")
    return queryset.filter(**{f"{org_field}__in": subtree})


def org_in_scope(org: Any, user: Any) -> bool:
    path = user_scope_path(user)
    return bool(path and org is not None and org.path.startswith(path))


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> ScopedQuerySet:
        return restrict(self, user, action)

    def within(self, path: str) -> ScopedQuerySet:
        return scope_to_path(self, path)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
