from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "boai.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")

    def ready(self) -> None:
        from boai.core.notifications import register_category
        from boai.core.registry import (
            NavItem,
            NavSection,
            PublicService,
            register_nav,
            register_public,
            register_section,
        )
        from boai.core.tabular.spec import register_kind
        from boai.wishes.notices import CATEGORIES
        from boai.wishes.tabular import WishKind

        register_section(NavSection("relief", _("Relief"), order=40))
        register_nav(
            NavItem("relief", _("Micro-wishes"), "wishes:list", "relief.view", "stars", 450),
            NavItem("relief", _("Micro-wishes to review"), "wishes:inbox", "relief.approve", "inbox", 451),
        )
        register_public(PublicService(_("Micro-wishes"), _("Make a child's or an elder's small wish come true."),
                                      "wishes:public-list", "stars", 30))
        for code, label in CATEGORIES.items():
            register_category(code, label)
        register_kind(WishKind())
