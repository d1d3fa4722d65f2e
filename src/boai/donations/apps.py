from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "boai.donations"
    label = "donations"
    verbose_name = _("Donations")

    def ready(self) -> None:
        from boai.core.notifications import register_category
        from boai.core.registry import NavSection, register_section

        register_section(NavSection("donations", _("Donations"), order=40))
        _register_nav()
        _register_public()
        register_category("donations.approval", _("Payments awaiting my approval"))
        register_category("donations.disclosure", _("Disclosure deadlines"))
        register_category("donations.reconciliation", _("Payment reconciliation mismatches"))
        from boai.donations.widgets import register

        register()
        from importlib.util import find_spec

        if find_spec("boai.core.tabular.spec") is not None:
            from boai.donations.tabular import register_kinds

            register_kinds()


def _register_nav() -> None:
    from boai.core.registry import NavItem, register_nav

    items = [
        ("Gifts", "donations:gift-list", "donations.view", "gift", 41),
        ("Donors", "donations:donor-list", "donations.view", "person-heart", 42),
        ("Funds", "donations:fund-list", "donations.view", "safe", 43),
        ("Projects", "donations:project-list", "donations.view", "kanban", 44),
        ("Campaigns", "donations:campaign-list", "donations.view", "megaphone", 45),
        ("Allocations", "donations:allocation-list", "donations.view", "arrow-left-right", 46),
        ("Spending", "donations:spending-list", "donations.view", "cash-coin", 47),
        ("Charity alliance", "donations:alliance-list", "donations.view", "buildings", 48),
        ("Disclosure calendar", "donations:disclosure-calendar", "donations.view", "calendar-check", 49),
        ("Reconciliation", "donations:reconciliation", "finance.reconcile", "check2-square", 50),
    ]
    labels = {
        "Gifts": _("Gifts"), "Donors": _("Donors"), "Funds": _("Funds"), "Projects": _("Projects"),
        "Campaigns": _("Campaigns"), "Allocations": _("Allocations"), "Spending": _("Spending"),
        "Charity alliance": _("Charity alliance"), "Disclosure calendar": _("Disclosure calendar"),
        "Reconciliation": _("Reconciliation"),
    }
    register_nav(*(NavItem("donations", labels[label], url, perm, icon, order)
                   for label, url, perm, icon, order in items))


def _register_public() -> None:
    from boai.core.registry import PublicService, register_public

    register_public(
        PublicService(_("Give"), _("Support a project or a giving day online."), "donations:give-home", "heart", 10),
        PublicService(_("Where the money went"), _("Income and spending of every fund and project."),
                      "donations:disclosure", "bar-chart", 11),
        PublicService(_("My gifts"), _("Log in with your mobile number to follow each gift."),
                      "donations:donor-login", "person-check", 12),
    )
