"""Organisation tree writes: create, update, move (with its subtree), deactivate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.orgs.models import KIND_LEVEL, SUBTYPES_BY_KIND, Kind, Org


def _check_placement(*, kind: str, subtype: str, parent: Org | None) -> None:
    if subtype not in {s.value for s in SUBTYPES_BY_KIND[Kind(kind)]}:
        raise ValidationError({"subtype": _("This type does not belong to the chosen kind.")})
    if parent is None:
        if kind != Kind.SOCIETY:
            raise ValidationError({"parent": _("Only a Red Cross society can be the top of the tree.")})
        return
    nested_grassroots = kind == parent.kind == Kind.GRASSROOTS  # a community under its sub-district
    if KIND_LEVEL[Kind(kind)] <= KIND_LEVEL[Kind(parent.kind)] and not nested_grassroots:
        raise ValidationError(
            {"parent": _("A %(kind)s cannot be placed under a %(parent)s.")
             % {"kind": Kind(kind).label, "parent": Kind(parent.kind).label}}
        )


def _require(actor, perm: str, org: Org | None) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm) or org is None or not org_in_scope(org, actor):
        raise ValidationError(_("This organisation is outside your scope."))


@transaction.atomic
def org_create(*, actor, parent: Org | None, name: str, code: str, kind: str, subtype: str, **fields) -> Org:
    """Add a node. The actor must be able to change the parent (it sits in their subtree)."""
    _require(actor, "orgs.add", parent)
    _check_placement(kind=kind, subtype=subtype, parent=parent)
    if Org.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used by another organisation.")})
    org = Org(name=name, code=code, kind=kind, subtype=subtype, **fields)
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        org = Org.objects.add_root(instance=org)
    else:
        parent.refresh_from_db()
        org = Org.objects.add_child(parent, instance=org)
    audit_record(actor=actor, action="orgs.org.create", obj=org, org=org, after=org.snapshot())
    return org


@transaction.atomic
def org_update(*, actor, org: Org, **fields) -> Org:
    _require(actor, "orgs.change", org)
    before = org.snapshot()
    if "kind" in fields and fields["kind"] != org.kind:
        raise ValidationError({"kind": _("The kind of an organisation cannot change; create a new one.")})
    for name, value in fields.items():
        setattr(org, name, value)
    _check_placement(kind=org.kind, subtype=org.subtype, parent=Org.objects.get_parent(org))
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    old, new = diff(before, org.snapshot())
    audit_record(actor=actor, action="orgs.org.update", obj=org, org=org, before=old, after=new)
    return org


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org) -> Org:
    """Move a node under another parent; its whole subtree follows (one path rewrite)."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require(actor, "orgs.change", org)
    _require(actor, "orgs.change", new_parent)
    if actor is not None and org.path == actor.scope_path:
        raise ValidationError(_("You cannot move the organisation you act for."))
    if new_parent.path.startswith(org.path):
        raise ValidationError({"new_parent": _("An organisation cannot be moved under itself or its own subtree.")})
    _check_placement(kind=org.kind, subtype=org.subtype, parent=new_parent)
    old_parent = Org.objects.get_parent(org)
    old_path = org.path
    Org.objects.move(org, new_parent, pos="last-child")
    org.refresh_from_db()
    audit_record(
        actor=actor, action="orgs.org.move", obj=org, org=org,
        before={"parent": old_parent.pk if old_parent else None, "path": old_path},
        after={"parent": new_parent.pk, "path": org.path},
    )
    return org


@transaction.atomic
def org_set_active(*, actor, org: Org, active: bool) -> Org:
    _require(actor, "orgs.change", org)
    if not active and actor is not None and org.path == actor.scope_path:
        raise ValidationError(_("You cannot deactivate the organisation you act for."))
    if org.is_active == active:
        return org
    org.is_active = active
    org.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="orgs.org.activate" if active else "orgs.org.deactivate", obj=org, org=org)
    return org
