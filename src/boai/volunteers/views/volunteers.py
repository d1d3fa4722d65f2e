"""Staff pages: volunteers (list, export, entry, profile, review, status) and teams."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, ServiceFormPage
from boai.volunteers import selectors, services
from boai.volunteers.codes import Skill, TimeSlot, Weekday, labels
from boai.volunteers.filters import TeamFilter, VolunteerFilter
from boai.volunteers.forms import (
    PastRecordForm,
    PeriodForm,
    ProfileForm,
    ReviewForm,
    StatusForm,
    TeamForm,
    TeamMemberForm,
    VolunteerCreateForm,
    VolunteerUpdateForm,
)
from boai.volunteers.models import Team, TeamMembership, Volunteer
from boai.volunteers.views.common import ObjectActionPage, person_search


def _stars(level: int) -> str:
    return "★" * level if level else "—"


VOLUNTEER_COLUMNS = (
    Column("name", pgettext_lazy("person", "Name"), accessor="person.name", link=True),
    Column("id_number", _("ID number"), accessor="person.id_number_masked"),
    Column("org", _("Organisation"), accessor="org.name"),
    Column("status", _("Status"), accessor="get_status_display"),
    Column("hours", _("Certified hours"), accessor="certified_hours"),
    Column("stars", _("Stars"), accessor=lambda v: _stars(v.star_level)),
    Column("skills", _("Skills"), accessor=lambda v: "、".join(labels(v.skills, Skill))),
)


class VolunteerQueryset:
    model = Volunteer

    def base_queryset(self):
        return selectors.volunteers_for(self.request.user, self.action)

    def search(self, queryset, term):
        return person_search(queryset, term)


class VolunteerListPage(VolunteerQueryset, ListPage):
    title = _("Volunteers")
    filterset_class = VolunteerFilter
    columns = VOLUNTEER_COLUMNS
    search_placeholder = _("Name, or a full ID number or mobile number")
    export_url_name = "volunteers:volunteer-export"
    create_url_name = "volunteers:volunteer-create"
    create_permission = "volunteers.add"
    empty_text = _("No volunteers here yet.")
    template_name = "volunteers/volunteer_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["export_url_name"] = self.export_url_name if user.has_perm("volunteers.export") else None
        ctx["pending"] = selectors.pending_review_count(user) if user.has_perm("volunteers.review") else 0
        return ctx


class VolunteerExportPage(VolunteerQueryset, ExportPage):
    filterset_class = VolunteerFilter
    export_columns = (*VOLUNTEER_COLUMNS, Column("mobile", _("Mobile number"), accessor="person.mobile_masked"),
                      Column("points", _("Points"), accessor="points_balance"),
                      Column("joined", _("Joined"), accessor="joined_on"),
                      Column("via", _("Registered through"), accessor="get_registered_via_display"))
    filename = "volunteers"


class VolunteerDetailPage(DetailPage):
    model = Volunteer
    template_name = "volunteers/volunteer_detail.html"
    select_related = ("person", "org", "user", "reviewed_by")

    def get_context_data(self, **kwargs):
        v, user = self.object, self.request.user
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            skills=labels(v.skills, Skill), days=labels(v.available_days, Weekday),
            slots=labels(v.available_slots, TimeSlot), consents=v.consents.all(),
            teams=v.team_memberships.select_related("team").order_by("-joined_on"),
            records=v.records.select_related("activity", "org")[:20],
            signups=v.signups.select_related("activity").order_by("-created_at")[:20],
            stars=v.star_awards.all(), points=v.points.all()[:20], certificates=v.certificates.all(),
            honours=v.honours.select_related("org"),
            can_change=user.has_perm("volunteers.change"), can_review=user.has_perm("volunteers.review"),
        )
        return ctx


class VolunteerCreatePage(ServiceFormPage):
    permission = "volunteers.add"
    form_class = VolunteerCreateForm
    title = _("Register a volunteer (paper form)")
    success_message = _("The volunteer is registered.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.volunteer_create(actor=self.request.user, org=d["org"], name=d["name"], id_type=d["id_type"],
                                         id_number=d["id_number"], mobile=d["mobile"],
                                         profile=form.profile(note=d["note"]), paper_consent_on=d["paper_consent_on"])


class VolunteerUpdatePage(ObjectActionPage):
    model = Volunteer
    action = "change"
    form_class = VolunteerUpdateForm
    title = _("Edit volunteer profile")

    def get_initial(self):
        return {**ProfileForm.initial_for(self.get_object()), "note": self.get_object().note}

    def perform(self, form):
        return services.volunteer_update(actor=self.request.user, volunteer=self.get_object(),
                                         profile=form.profile(note=form.cleaned_data["note"]))


class VolunteerReviewPage(ObjectActionPage):
    model = Volunteer
    action = "review"
    form_class = ReviewForm
    title = _("Review registration")
    success_message = _("The volunteer has been told.")

    def perform(self, form):
        return services.volunteer_review(actor=self.request.user, volunteer=self.get_object(),
                                         approve=form.cleaned_data["decision"] == "approve",
                                         reason=form.cleaned_data["reason"])


class VolunteerStatusPage(ObjectActionPage):
    model = Volunteer
    action = "change"
    form_class = StatusForm
    title = _("Change status")
    service = services.volunteer_set_status
    object_kwarg = "volunteer"


class VolunteerRecordPage(ObjectActionPage):
    """Hours served outside a registered activity, entered by staff for certification."""

    model = Volunteer
    action = "change"
    form_class = PastRecordForm
    title = _("Record hours outside an activity")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        services.record_create_past(actor=self.request.user, volunteer=self.get_object(), **form.cleaned_data)
        return self.get_object()


class VolunteerCertificatePage(ObjectActionPage):
    model = Volunteer
    action = "change"
    form_class = PeriodForm
    title = _("Issue a service certificate")
    success_message = _("The certificate is issued.")
    service = services.certificate_issue
    object_kwarg = "volunteer"

    def get_success_url(self):
        return self.result.get_absolute_url()


# --- teams -------------------------------------------------------------------------------------------

TEAM_COLUMNS = (
    Column("name", _("Name"), link=True),
    Column("org", _("Organisation"), accessor="org.name"),
    Column("speciality", _("Speciality"), accessor="get_speciality_display"),
    Column("members", _("Members"), accessor="member_count"),
    Column("is_active", _("Active")),
)


class TeamListPage(ListPage):
    model = Team
    title = _("Volunteer teams")
    filterset_class = TeamFilter
    columns = TEAM_COLUMNS
    search_fields = ("name__icontains",)
    create_url_name = "volunteers:team-create"
    create_permission = "volunteers.add"
    select_related = ("org",)
    empty_text = _("No teams yet.")

    def base_queryset(self):
        from django.db.models import Count, Q

        return super().base_queryset().annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))


class TeamDetailPage(DetailPage):
    model = Team
    template_name = "volunteers/team_detail.html"
    select_related = ("org",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        memberships = self.object.memberships.select_related("volunteer__person").defer(
            *(f"volunteer__{f}" for f in selectors.PERSON_FIELDS))
        ctx.update(current=[m for m in memberships if m.left_on is None],
                   former=[m for m in memberships if m.left_on is not None],
                   activities=self.object.activities.order_by("-starts_at")[:10],
                   can_change=self.request.user.has_perm("volunteers.change"))
        return ctx


class TeamCreatePage(ServiceFormPage):
    permission = "volunteers.add"
    form_class = TeamForm
    title = _("New team")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.team_create(actor=self.request.user, org=d["org"], name=d["name"],
                                    speciality=d["speciality"], description=d["description"],
                                    founded_on=d["founded_on"])


class TeamUpdatePage(ObjectActionPage):
    model = Team
    action = "change"
    form_class = TeamForm
    title = _("Edit team")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Team.objects.get(
            pk=self.get_object().pk)}

    def perform(self, form):
        d = form.cleaned_data
        return services.team_update(actor=self.request.user, team=self.get_object(), name=d["name"],
                                    speciality=d["speciality"], description=d["description"],
                                    founded_on=d["founded_on"], is_active=d["is_active"])


class TeamMemberAddPage(ObjectActionPage):
    model = Team
    action = "change"
    form_class = TeamMemberForm
    title = _("Add a team member")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        services.team_member_add(actor=self.request.user, team=self.get_object(), **form.cleaned_data)
        return self.get_object()


class TeamMemberLeavePage(ObjectActionPage):
    model = TeamMembership
    action = "change"
    title = _("Leave the team")
    select_related = ("team", "volunteer__person")

    def get_form_class(self):
        from boai.volunteers.forms import ReasonForm

        return ReasonForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().team.get_absolute_url()
        ctx["subject"] = self.get_object().volunteer.person.name
        return ctx

    def perform(self, form):
        membership = services.team_member_leave(actor=self.request.user, membership=self.get_object(),
                                                reason=form.cleaned_data["reason"])
        return membership.team

    def get_success_url(self):
        return self.result.get_absolute_url()

