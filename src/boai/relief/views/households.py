"""Relief pages: households under monitoring (list, export, detail, forms for every service), the
alert inbox of the grassroots units, and the map."""

from __future__ import annotations

import django_filters
from django import forms as django_forms
from django.http import FileResponse, Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.views_base import (
    Column,
    DetailPage,
    ExportPage,
    ListPage,
    ObjectActionPage,
    PermissionMixin,
    ScopedObjectMixin,
    ServiceFormPage,
)
from boai.relief import forms_households as forms
from boai.relief.models.households import (
    Alert,
    AlertKind,
    Category,
    Household,
    HouseholdMember,
    HouseholdStatus,
    RiskLevel,
    VisitPhoto,
)
from boai.relief.selectors import households as selectors
from boai.relief.services import households as services

# --- list, filters, export -------------------------------------------------------------------------


class HouseholdFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, method="with_category")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HouseholdStatus.choices)
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskLevel.choices)
    overdue = django_filters.BooleanFilter(label=_("Review overdue"), method="review_overdue",
                                           widget=django_forms.CheckboxInput)
    org = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=None, method="in_subtree")

    class Meta:
        model = Household
        fields = ["status", "risk_level", "org"]

    def __init__(self, *args, request=None, **kwargs):
        from boai.orgs.selectors import org_choices_for

        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = org_choices_for(user).only("id", "name", "path") if user else None

    def with_category(self, queryset, name, value):
        return queryset.filter(categories__contains=f",{value},") if value else queryset

    def review_overdue(self, queryset, name, value):
        return selectors.overdue(queryset) if value else queryset

    def in_subtree(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path) if value else queryset


def _categories(h: Household) -> str:
    return "、".join(h.get_categories_display())


COLUMNS = (
    Column("number", _("Household number"), link=True),
    Column("head", _("Head of household"), accessor="head.name", link=True),
    Column("id_number", _("ID number"), accessor="head.id_number_masked"),
    Column("categories", _("Categories"), accessor=_categories),
    Column("size", _("Members")),
    Column("monthly_income", _("Monthly income (yuan)")),
    Column("risk_level", _("Risk level"), accessor="get_risk_level_display"),
    Column("review_due", _("Next review")),
    Column("org", _("Responsible unit"), accessor="org.name"),
)


class _HouseholdSearch:
    model = Household
    filterset_class = HouseholdFilter
    search_placeholder = _("Household number, name or ID number")

    def base_queryset(self):
        return selectors.households_for(self.request.user, self.action)

    def search(self, queryset, term):
        return selectors.search(queryset, term)


class HouseholdListPage(_HouseholdSearch, ListPage):
    title = _("Households under monitoring")
    columns = COLUMNS
    export_url_name = "relief:household-export"
    create_url_name = "relief:household-create"
    create_permission = "relief.add"
    import_kind = "relief_households"
    empty_text = _("No households yet. Grassroots units register the households they look after.")


class HouseholdExportPage(_HouseholdSearch, ExportPage):
    export_columns = (
        *COLUMNS,
        Column("address", _("Address"), accessor="address_masked"),
        Column("region", _("Region code")),
        Column("status", _("Status"), accessor="get_status_display"),
        Column("last_assessed_on", _("Last assessed")),
        Column("last_visited_on", _("Last visited")),
    )
    filename = "households"


# --- detail ----------------------------------------------------------------------------------------


class HouseholdDetailPage(DetailPage):
    model = Household
    template_name = "relief/households/detail.html"

    def base_queryset(self):
        return selectors.households_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        household, user = self.object, self.request.user
        visits = household.visits.prefetch_related("photos").select_related("visitor")
        ctx.update(
            members=selectors.members(household),
            assessments=household.assessments.select_related("assessor")[:50],
            visits=visits[:30],
            alerts=household.alerts.select_related("resolved_by")[:30],
            relief=selectors.relief_received(household, user),
            active=household.status == HouseholdStatus.ACTIVE,
            overdue=bool(household.review_due and household.review_due < timezone.localdate()),
            can_add=user.has_perm("relief.add"), can_change=user.has_perm("relief.change"),
            can_reveal=user.has_perm("relief.reveal"),
        )
        return ctx


# --- forms -----------------------------------------------------------------------------------------


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class HouseholdCreatePage(UserFormMixin, ServiceFormPage):
    permission = "relief.add"
    form_class = forms.HouseholdForm
    title = _("Register a household")
    success_message = _("Household registered.")

    def perform(self, form):
        return services.household_create(actor=self.request.user, **form.service_fields())


class HouseholdActionPage(ObjectActionPage):
    """A form page acting on one household in scope (404 outside it), or on a part of one."""

    model = Household
    action = "add"
    template_name = "relief/households/action.html"
    object_kwarg = "household"

    def household(self) -> Household:
        return self.get_object()

    def get_context_data(self, **kwargs):
        return super().get_context_data(household=self.household(), **kwargs)


class HouseholdUpdatePage(UserFormMixin, HouseholdActionPage):
    action = "change"
    form_class = forms.HouseholdEditForm
    title = _("Edit household")
    service = services.household_update

    def get_initial(self):
        h = self.get_object()
        return {"org": h.org, "region": h.region, "latitude": h.latitude, "longitude": h.longitude,
                "situation": h.situation}

    def service_kwargs(self, form) -> dict:
        return form.service_fields()


class MemberAddPage(HouseholdActionPage):
    form_class = forms.MemberForm
    title = _("Add a member")
    success_message = _("Member added.")
    service = services.member_add


class MemberRemovePage(HouseholdActionPage):
    model = HouseholdMember
    action = "change"
    select_related = ("household", "person")
    object_kwarg = "member"
    form_class = forms.ReasonForm
    title = _("Remove a member")
    submit_label = _("Remove")
    success_message = _("The person is no longer a member.")
    service = services.member_remove

    def household(self) -> Household:
        return self.get_object().household

    def get_success_url(self) -> str:
        return self.household().get_absolute_url()


class AssessmentPage(HouseholdActionPage):
    form_class = forms.AssessmentForm
    title = _("Record an assessment")
    success_message = _("Assessment recorded.")
    service = services.assessment_record

    def get_initial(self):
        h = self.get_object()
        return {"assessed_on": timezone.localdate(), "categories": h.category_list,
                "monthly_income": h.monthly_income, "risk_level": h.risk_level}


class VisitPage(HouseholdActionPage):
    form_class = forms.VisitForm
    title = _("Record a home visit")
    success_message = _("Visit recorded.")
    service = services.visit_record

    def get_initial(self):
        return {"visited_on": timezone.localdate()}


class ReviewDatePage(HouseholdActionPage):
    action = "change"
    form_class = forms.ReviewDateForm
    title = _("Set the next review date")
    service = services.household_set_review

    def get_initial(self):
        return {"review_due": self.get_object().review_due}


class HouseholdClosePage(HouseholdActionPage):
    action = "change"
    form_class = forms.ReasonForm
    title = _("Close the household")
    submit_label = _("Close")
    success_message = _("Monitoring of the household stopped.")
    service = services.household_deactivate


class RevealPage(HouseholdActionPage):
    """Shows the plaintext address or mobile number once, on this page, after a reason (audited)."""

    action = "reveal"
    form_class = forms.RevealForm
    title = _("Show the full address or mobile number")
    submit_label = _("Show")

    def form_valid(self, form):
        from django.core.exceptions import ValidationError

        from boai.core.views_base import _add_service_errors

        try:
            value = services.household_reveal(actor=self.request.user, household=self.get_object(),
                                              **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        response = self.render_to_response(self.get_context_data(form=form, revealed=value))
        response["Cache-Control"] = "no-store"
        return response


class VisitPhotoView(ScopedObjectMixin, View):
    model = VisitPhoto

    def get(self, request, pk: int):
        photo = self.get_object()
        if not photo.image:
            raise Http404
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=600"
        return response


# --- alerts and map --------------------------------------------------------------------------------


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AlertKind.choices)
    closed = django_filters.BooleanFilter(label=_("Show closed alerts"), method="with_closed",
                                          widget=django_forms.CheckboxInput)

    class Meta:
        model = Alert
        fields = ["kind"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)

    def with_closed(self, queryset, name, value):
        return queryset if value else queryset.filter(resolved_at__isnull=True)


class AlertInboxPage(ListPage):
    model = Alert
    title = _("Monitoring alerts")
    filterset_class = AlertFilter
    template_name = "relief/households/alerts.html"
    search_placeholder = _("Household number")
    empty_text = _("No open alerts.")

    def base_queryset(self):
        return selectors.alerts_for(self.request.user, open_only=False)

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET.get("closed"):
            qs = qs.filter(resolved_at__isnull=True)
        return qs

    def search(self, queryset, term):
        return queryset.filter(household__number__iexact=term) if term else queryset


class AlertClosePage(HouseholdActionPage):
    model = Alert
    action = "add"
    select_related = ("household",)
    object_kwarg = "alert"
    form_class = forms.ResolutionForm
    title = _("Close the alert")
    submit_label = _("Close the alert")
    success_message = _("Alert closed.")
    service = services.alert_close

    def household(self) -> Household:
        return self.get_object().household

    def get_context_data(self, **kwargs):
        return super().get_context_data(alert=self.get_object(), **kwargs)

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("relief:household-alerts")


class HouseholdMapPage(PermissionMixin, TemplateView):
    permission = "relief.view"
    template_name = "relief/households/map.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings
        from django.urls import reverse

        level = self.request.GET.get("risk", "")
        level = level if level in RiskLevel.values else ""
        points, total = selectors.map_points(self.request.user, risk=level, limit=selectors.MAP_LIMIT)
        labels = dict(RiskLevel.choices)
        for p in points:
            p["level"] = p.pop("risk_level")
            p["risk"] = str(labels.get(p["level"], ""))
            p["url"] = reverse("relief:household-detail", args=[p["id"]])
        levels = [("", _("All"))] + [(code, label) for code, label in reversed(RiskLevel.choices)]
        return super().get_context_data(
            title=_("Households on the map"), points=points, total=total, level=level, levels=levels,
            truncated=total > len(points),
            map_config={"points": points, "tiles": settings.BOAI_MAP_TILE_URL,
                        "attribution": settings.BOAI_MAP_TILE_ATTRIBUTION}, **kwargs)



urlpatterns: list = [
    path("households/", HouseholdListPage.as_view(), name="household-list"),
    path("households/export/", HouseholdExportPage.as_view(), name="household-export"),
    path("households/new/", HouseholdCreatePage.as_view(), name="household-create"),
    path("households/map/", HouseholdMapPage.as_view(), name="household-map"),
    path("households/alerts/", AlertInboxPage.as_view(), name="household-alerts"),
    path("households/alerts/<int:pk>/close/", AlertClosePage.as_view(), name="household-alert-close"),
    path("households/<int:pk>/", HouseholdDetailPage.as_view(), name="household-detail"),
    path("households/<int:pk>/edit/", HouseholdUpdatePage.as_view(), name="household-update"),
    path("households/<int:pk>/members/new/", MemberAddPage.as_view(), name="household-member-add"),
    path("households/members/<int:pk>/remove/", MemberRemovePage.as_view(), name="household-member-remove"),
    path("households/<int:pk>/assess/", AssessmentPage.as_view(), name="household-assess"),
    path("households/<int:pk>/visit/", VisitPage.as_view(), name="household-visit"),
    path("households/<int:pk>/review/", ReviewDatePage.as_view(), name="household-review"),
    path("households/<int:pk>/close/", HouseholdClosePage.as_view(), name="household-close"),
    path("households/<int:pk>/reveal/", RevealPage.as_view(), name="household-reveal"),
    path("households/photos/<int:pk>/", VisitPhotoView.as_view(), name="household-photo"),
]


def register() -> None:
    """Navigation, Excel kind, notification category and periodic jobs of this area."""
    from boai.core.notifications import register_category
    from boai.core.registry import NavItem, register_nav
    from boai.core.tabular.spec import register_kind
    from boai.relief import tasks_households  # noqa: F401 - registers the periodic jobs
    from boai.relief.tabular.households import HouseholdKind

    register_nav(
        NavItem("relief", _("Households"), "relief:household-list", "relief.view", "house-heart", 410),
        NavItem("relief", _("Monitoring alerts"), "relief:household-alerts", "relief.view", "bell", 411),
        NavItem("relief", _("Households on the map"), "relief:household-map", "relief.view", "map", 412),
    )
    for code, label in services.NOTIFICATION_CATEGORIES.items():
        register_category(code, label)
    register_kind(HouseholdKind())
