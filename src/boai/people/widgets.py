"""Dashboard widget: how many people each branch (or each unit under the user's node) has registered."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from boai.core.scoping import user_scope_path
from boai.orgs.models import Org
from boai.people.models import Person


def people_per_node(user) -> list[tuple[str, int]]:
    """(child of the user's node, people in its subtree) pairs: one aggregate query over the people,
    one small query for the names of the child nodes."""
    root = user_scope_path(user)
    if root is None:
        return []
    counts = Person.objects.restrict(user, "view").values("org__path").annotate(n=Count("id")).order_by()
    width = len(root) + Org.steplen
    totals: dict[str, int] = {}
    for row in counts:
        key = row["org__path"][:width]
        totals[key] = totals.get(key, 0) + row["n"]
    names = dict(Org.objects.filter(path__in=list(totals)).values_list("path", "name"))
    pairs = [(_label(names.get(path, ""), direct=path == root), n) for path, n in totals.items()]
    return sorted(pairs, key=lambda p: -p[1])


def _label(name: str, *, direct: bool) -> str:
    return _("%(name)s (directly)") % {"name": name} if direct else name


def people_per_branch(user) -> dict:
    pairs = people_per_node(user)
    option = {
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [name for name, _n in pairs]},
        "series": [{"type": "bar", "data": [n for _name, n in pairs], "itemStyle": {"color": "#c8102e"},
                    "label": {"show": True, "position": "right"}}],
    }
    return {"option": option, "pairs": pairs, "total": sum(n for _name, n in pairs)}
