from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FirstaidConfig(AppConfig):
    name = "boai.firstaid"
    label = "firstaid"
    verbose_name = _("First aid")

    def ready(self) -> None:
        from boai.core.registry import (
            NavItem,
            NavSection,
            PublicService,
            Widget,
            register_nav,
            register_public,
            register_section,
            register_widget,
        )
        from boai.firstaid.selectors import dashboard_widget_context

        register_section(NavSection("firstaid", _("First aid"), order=50))
        register_nav(
            NavItem("firstaid", _("Progress"), "firstaid:progress", "firstaid.view", "graph-up", 500),
            NavItem("firstaid", _("Course types"), "firstaid:coursetype-list", "firstaid.view", "journal-medical", 510),
            NavItem("firstaid", pgettext_lazy("first-aid training", "Sessions"), "firstaid:session-list",
                    "firstaid.view", "calendar-event", 520),
            NavItem("firstaid", _("Enrolments"), "firstaid:enrolment-list", "firstaid.view", "person-check", 530),
            NavItem("firstaid", _("Certificates"), "firstaid:certificate-list", "firstaid.view", "award", 540),
            NavItem("firstaid", _("Instructors"), "firstaid:instructor-list", "firstaid.view", "person-video3", 550),
            NavItem("firstaid", _("Training bases"), "firstaid:base-list", "firstaid.view", "building", 560),
            NavItem("firstaid", _("Yearly targets"), "firstaid:target-list", "firstaid.view", "bullseye", 570),
            NavItem("firstaid", _("AEDs"), "firstaid:aed-list", "firstaid.view", "heart-pulse", 580),
            NavItem("firstaid", _("AED inspections"), "firstaid:inspection-list", "firstaid.view", "clipboard-check",
                    590),
            NavItem("firstaid", _("AED usage reports"), "firstaid:usage-list", "firstaid.view", "activity", 595),
        )
        register_public(
            PublicService(_("Find the nearest AED"), _("AEDs near you, open now, with walking directions."),
                          "firstaid:public-aed-map", "heart-pulse", 20),
            PublicService(_("First-aid training"), _("Enrol in free CPR + AED and first-aid courses."),
                          "firstaid:public-sessions", "bandaid", 21),
            PublicService(_("Verify a first-aid certificate"), _("Check a certificate by number or QR code."),
                          "firstaid:public-verify", "patch-check", 22),
        )
        register_widget(Widget("firstaid/widget_progress.html", "firstaid.view", dashboard_widget_context, 50))

        from boai.core.tabular.spec import register_kind
        from boai.firstaid.tabular import AEDKind, AEDSchemaDaeKind, EnrolmentKind

        for kind in (AEDKind(), AEDSchemaDaeKind(), EnrolmentKind()):
            register_kind(kind)
