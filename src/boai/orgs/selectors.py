"""Reads of the organisation tree."""

from __future__ import annotations

from django.db.models import QuerySet

from boai.orgs.models import Kind, Org


def org_subtree(*, root: Org, include_inactive: bool = True) -> QuerySet[Org]:
    """The node and everything under it, in tree order: one indexed prefix query at any depth."""
    qs = Org.objects.filter(path__startswith=root.path)
    return qs if include_inactive else qs.filter(is_active=True)


def org_tree(*, user, max_depth: int | None = None) -> list[dict]:
    """The user's visible tree as nested dicts, built from one query."""
    qs = Org.objects.restrict(user, "view").only("id", "name", "code", "kind", "subtype", "path", "depth",
                                                  "is_active", "numchild")
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for org in qs.order_by("path"):
        parent = nodes.get(org.path[: -Org.steplen])
        node = {"org": org, "children": [], "level": parent["level"] + 1 if parent else 0}
        nodes[org.path] = node
        (parent["children"] if parent else roots).append(node)
    return roots


def branches(*, under: Org | None = None) -> QuerySet[Org]:
    qs = Org.objects.filter(kind=Kind.BRANCH)
    return qs.filter(path__startswith=under.path) if under else qs


def branch_of(org: Org) -> Org | None:
    """The branch (or society) that a node reports to."""
    if org.kind in (Kind.SOCIETY, Kind.BRANCH):
        return org
    ancestors = [org.path[: i * Org.steplen] for i in range(1, org.depth)]
    return Org.objects.filter(path__in=ancestors, kind=Kind.BRANCH).first()


def org_choices_for(user, *, kinds: tuple[str, ...] | None = None) -> QuerySet[Org]:
    qs = Org.objects.restrict(user, "view").filter(is_active=True)
    return qs.filter(kind__in=kinds) if kinds else qs


def units_per_branch(*, user) -> list[dict]:
    """Grassroots units and sites under each visible branch (two aggregate queries in all)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    prefix_len = 2 * Org.steplen
    visible = Org.objects.restrict(user, "view")
    names = dict(visible.filter(kind=Kind.BRANCH).values_list("path", "name"))
    counts = (
        visible.filter(depth__gt=2, kind__in=[Kind.GRASSROOTS, Kind.SITE])
        .annotate(branch=Substr("path", 1, prefix_len))
        .values("branch", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = {path: {"branch": name, Kind.GRASSROOTS: 0, Kind.SITE: 0} for path, name in names.items()}
    for row in counts:
        if row["branch"] in rows:
            rows[row["branch"]][row["kind"]] = row["n"]
    return [rows[path] for path in sorted(rows)]
