from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "boai.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from boai.core.registry import NavItem, NavSection, register_nav, register_section

        register_section(NavSection("org", _("Organisation"), order=10))
        register_nav(NavItem("org", _("Organisation tree"), "orgs:tree", "orgs.view", "diagram-3", 10))

        from boai.core.tabular.spec import register_kind
        from boai.orgs.tabular import OrgsKind

        register_kind(OrgsKind())
