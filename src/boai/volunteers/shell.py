"""How the module plugs into the shared shell: navigation, public services, dashboard widgets,
notification categories, Excel kinds."""

from __future__ import annotations

from importlib.util import find_spec

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from boai.core.notifications import register_category
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

    register_section(NavSection("volunteers", _("Volunteers and members"), order=30))
    register_nav(
        NavItem("volunteers", _("Volunteers"), "volunteers:volunteer-list", "volunteers.view", "person-heart", 30),
        NavItem("volunteers", _("Teams"), "volunteers:team-list", "volunteers.view", "people", 31),
        NavItem("volunteers", _("Activities"), "volunteers:activity-list", "volunteers.view", "calendar-event", 32),
        NavItem("volunteers", _("Hours to certify"), "volunteers:record-list", "volunteers.view", "clock-history",
                33),
        NavItem("volunteers", _("Star levels"), "volunteers:star-list", "volunteers.view", "star", 34),
        NavItem("volunteers", _("Certificates"), "volunteers:certificate-list", "volunteers.view", "award", 35),
        NavItem("volunteers", _("Members"), "volunteers:member-list", "volunteers.view", "person-vcard", 36),
        NavItem("volunteers", _("Volunteer reports"), "volunteers:reports", "volunteers.view", "bar-chart", 37),
        NavItem("volunteers", _("Rules and rewards"), "volunteers:settings", "volunteers.configure", "sliders", 38),
    )
    register_public(
        PublicService(_("Become a volunteer"), _("Register on your phone and join activities near you."),
                      "volunteers:join", "person-plus", 20),
        PublicService(_("Verify a service certificate"), _("Check a volunteer service certificate by its number."),
                      "volunteers:certificate-lookup", "patch-check", 21),
        PublicService(_("Star volunteer notices"), _("Volunteers about to receive a star level (public notice)."),
                      "volunteers:notices", "megaphone", 22),
    )
    register_widget(
        Widget("volunteers/widget_hours.html", "volunteers.view", _hours_widget, order=30, wide=True),
        Widget("volunteers/widget_me.html", "self.volunteer", _me_widget, order=5),
    )
    register_category("volunteers.review", _("Volunteer registrations and reviews"))
    register_category("volunteers.activity", _("Volunteer activities and sign-ups"))
    register_category("volunteers.hours", _("Volunteer hours and star levels"))
    register_category("volunteers.membership", _("Membership and dues reminders"))
    if find_spec("boai.core.tabular.spec") is not None:  # the Excel engine
        from boai.core.tabular.spec import register_kind
        from boai.volunteers.tabular import MembersKind, ServiceRecordsKind, VolunteersKind

        for kind in (VolunteersKind(), MembersKind(), ServiceRecordsKind()):
            register_kind(kind)


def _hours_widget(user) -> dict:
    from boai.volunteers.reports import hours_by_branch_month, hours_chart_option

    rows = hours_by_branch_month(user=user, months=12)
    return {"option": hours_chart_option(rows) if rows else None}


def _me_widget(user) -> dict:
    from boai.volunteers.selectors import for_self

    return {"me": for_self(user)}
