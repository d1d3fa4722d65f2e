from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "boai.ledger"
    label = "ledger"
    verbose_name = _("Transparency log")

    def ready(self) -> None:
        from boai.core.registry import (
            NavItem,
            NavSection,
            PublicService,
            register_nav,
            register_public,
            register_section,
        )
        from boai.ledger import checks  # noqa: F401  (registers deployment checks)

        register_section(NavSection("finance", _("Money and goods"), order=40))
        register_nav(
            NavItem("finance", _("Transparency log"), "ledger:staff-leaves", "ledger.view", "journal-text", 60),
            NavItem("finance", _("Log checkpoints"), "ledger:staff-checkpoints", "ledger.view", "patch-check", 61),
        )
        register_public(
            PublicService(_("Flow of funds"), _("Follow every donation to the relief it paid for."),
                          "ledger:flows-page", "diagram-3", 30),
            PublicService(_("Verify our books"), _("The public, tamper-evident log of every yuan and every item."),
                          "ledger:public", "shield-check", 31),
        )
