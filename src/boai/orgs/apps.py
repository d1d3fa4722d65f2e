from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "boai.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from boai.core.registry import NavItem, NavSection, Widget, register_nav, register_section, register_widget

        register_section(NavSection("org", _("Organisation"), order=10))
        register_nav(NavItem("org", _("Organisation tree"), "orgs:tree", "orgs.view", "diagram-3", 10))
        register_widget(Widget("orgs/widget_units.html", "orgs.view", _units_widget, order=50))

        from boai.core.tabular.spec import register_kind
        from boai.orgs.tabular import OrgsKind

        register_kind(OrgsKind())


def _units_widget(user) -> dict:
    from boai.orgs.selectors import units_per_branch

    rows = units_per_branch(user=user)
    if not rows:
        return {"option": None}
    names = [r["branch"].removesuffix("红十字会") for r in rows]
    return {"option": {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "bottom": 60, "top": 30},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": str(_("Grassroots units")), "type": "bar", "stack": "u", "data": [r["grassroots"] for r in rows]},
            {"name": str(_("Sites")), "type": "bar", "stack": "u", "data": [r["site"] for r in rows]},
        ],
    }}
