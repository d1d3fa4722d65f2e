from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "boai.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from boai.core.registry import NavItem, NavSection, Widget, register_nav, register_section, register_widget
        from boai.people.widgets import people_per_branch

        register_section(NavSection("people", _("People"), order=20))
        register_nav(NavItem("people", _("Person registry"), "people:list", "people.view", "people", 20),
                     NavItem("people", _("Register a person"), "people:create", "people.add", "person-plus", 21))
        register_widget(Widget("people/widget_per_branch.html", "people.view", people_per_branch, order=20))
        from boai.core.tabular.spec import register_kind
        from boai.people.tabular import PeopleKind

        register_kind(PeopleKind())
