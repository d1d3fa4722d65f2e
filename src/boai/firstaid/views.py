"""Staff pages: course types, sessions, bases, targets, AEDs (lists with search, filters, export)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
from boai.firstaid import selectors, services
from boai.firstaid.filters import (
    AEDFilter,
    BaseFilter,
    CourseTypeFilter,
    InspectionFilter,
    SessionFilter,
    TargetFilter,
    UsageFilter,
)
from boai.firstaid.forms import (
    AED_FIELDS,
    AEDForm,
    AEDStatusForm,
    CourseTypeForm,
    InspectionForm,
    OpenDayForm,
    SessionForm,
    TargetForm,
    TrainingBaseForm,
    UsageForm,
)
from boai.firstaid.models import AED, AEDInspection, AEDUsage, CourseType, Session, Target, TrainingBase


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


def _display(field: str):
    return f"get_{field}_display"


# --- AEDs ---------------------------------------------------------------------------------------

AED_COLUMNS = (
    Column("code", _("Device code"), link=True),
    Column("name", _("Location"), link=True),
    Column("address", _("Address")),
    Column("place_type", _("Place type"), accessor=_display("place_type")),
    Column("org", _("Responsible unit"), accessor="org.name"),
    Column("status", _("Status"), accessor=_display("status")),
    Column("battery_expiry", _("Battery expiry")),
    Column("adult_pads_expiry", _("Adult pads expiry")),
    Column("last_inspected_on", _("Last inspected")),
)


class AEDListPage(ListPage):
    model = AED
    title = _("AEDs")
    filterset_class = AEDFilter
    columns = AED_COLUMNS
    select_related = ("org",)
    search_fields = ("code__iexact", "name__icontains", "address__icontains", "serial_number__iexact")
    export_url_name = "firstaid:aed-export"
    create_url_name = "firstaid:aed-create"
    create_permission = "firstaid.add"
    template_name = "firstaid/aed_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = selectors.aed_summary(self.base_queryset())
        return ctx


class AEDExportPage(ExportPage):
    model = AED
    filterset_class = AEDFilter
    select_related = ("org",)
    search_fields = AEDListPage.search_fields
    export_columns = (
        *AED_COLUMNS, Column("latitude", _("Latitude")), Column("longitude", _("Longitude")),
        Column("floor", _("Floor")), Column("indoor", _("Indoor")), Column("opening_hours", _("Opening hours")),
        Column("owner", _("Owner")), Column("funding", _("Funding"), accessor=_display("funding")),
        Column("maker", _("Maker")), Column("device_model", _("Model")), Column("serial_number", _("Serial number")),
        Column("installed_on", _("Installed on")), Column("child_pads_expiry", _("Child pads expiry")),
    )
    filename = "aeds"


class AEDDetailPage(DetailPage):
    model = AED
    select_related = ("org",)
    template_name = "firstaid/aed_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        aed = self.object
        today = timezone.localdate()
        ctx.update(
            inspections=aed.inspections.all()[:12], usages=aed.usages.all()[:10], open_now=aed.is_open(),
            expiring=aed.expiring_parts(on=today, within_days=30), today=today,
            can_change=self.request.user.has_perm("firstaid.change"),
            can_add=self.request.user.has_perm("firstaid.add"),
        )
        return ctx


class AEDCreatePage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.add"
    form_class = AEDForm
    title = _("New AED")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "org" and (k != "photo" or v)}
        return services.aed_create(actor=self.request.user, org=form.cleaned_data["org"], **data)


class AEDUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = AED
    action = "change"
    form_class = AEDForm
    title = _("Edit AED")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def perform(self, form):
        aed = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])
        fields = {k: v for k, v in form.cleaned_data.items() if k in AED_FIELDS}
        if not fields.get("photo"):
            fields.pop("photo", None)
        return services.aed_update(actor=self.request.user, aed=aed, **fields)


class AEDActionPage(ObjectActionPage):
    model = AED
    object_kwarg = "aed"


class AEDStatusPage(AEDActionPage):
    action = "change"
    form_class = AEDStatusForm
    title = _("Change AED status")
    service = services.aed_set_status


class InspectionCreatePage(AEDActionPage):
    """Recorded on a phone at the device: the form is one column on small screens."""

    action = "add"
    form_class = InspectionForm
    title = _("Record an inspection")
    success_message = _("Inspection recorded.")
    service = services.inspection_record

    def get_initial(self):
        return {"inspected_on": timezone.localdate()}

    def service_kwargs(self, form) -> dict:
        fields = {k: v for k, v in form.cleaned_data.items() if not k.endswith("_replaced_until")}
        if not fields.get("photo"):
            fields.pop("photo", None)
        return {**fields, "new_expiry": form.new_expiry()}


class UsageCreatePage(AEDActionPage):
    action = "add"
    form_class = UsageForm
    title = _("Report a use in a rescue")
    service = services.usage_record


INSPECTION_COLUMNS = (
    Column("aed", _("AED"), accessor=lambda i: str(i.aed)),
    Column("inspected_on", _("Inspected on")),
    Column("inspector_name", _("Inspector")),
    Column("passed", _("Passed")),
    Column("notes", _("Notes")),
)


class InspectionListPage(ListPage):
    model = AEDInspection
    title = _("AED inspections")
    filterset_class = InspectionFilter
    columns = INSPECTION_COLUMNS
    select_related = ("aed",)
    search_fields = ("aed__code__iexact", "aed__name__icontains", "inspector_name__icontains")
    export_url_name = "firstaid:inspection-export"


class InspectionExportPage(ExportPage):
    model = AEDInspection
    filterset_class = InspectionFilter
    select_related = ("aed",)
    search_fields = InspectionListPage.search_fields
    export_columns = (*INSPECTION_COLUMNS, Column("battery_ok", _("Battery OK")), Column("pads_ok", _("Pads OK")))
    filename = "aed-inspections"


USAGE_COLUMNS = (
    Column("aed", _("AED"), accessor=lambda u: str(u.aed)),
    Column("used_at", _("Used at")),
    Column("rescuer", _("Rescuer")),
    Column("shock_delivered", _("Shock delivered")),
    Column("outcome", _("Outcome"), accessor=_display("outcome")),
)


class UsageListPage(ListPage):
    model = AEDUsage
    title = _("AED usage reports")
    filterset_class = UsageFilter
    columns = USAGE_COLUMNS
    select_related = ("aed",)
    search_fields = ("aed__code__iexact", "aed__name__icontains", "rescuer__icontains")
    export_url_name = "firstaid:usage-export"


class UsageExportPage(ExportPage):
    model = AEDUsage
    filterset_class = UsageFilter
    select_related = ("aed",)
    search_fields = UsageListPage.search_fields
    export_columns = (*USAGE_COLUMNS, Column("notes", _("Account")))
    filename = "aed-usage"


# --- Course types -------------------------------------------------------------------------------

COURSE_COLUMNS = (
    Column("code", _("Code"), link=True),
    Column("name", _("Name"), link=True),
    Column("kind", _("Kind"), accessor=_display("kind")),
    Column("hours", _("Hours")),
    Column("certificate_name", _("Certificate")),
    Column("validity_years", _("Validity (years)")),
    Column("is_active", _("Active")),
)


class CourseTypeListPage(ListPage):
    model = CourseType
    title = _("Course types")
    filterset_class = CourseTypeFilter
    columns = COURSE_COLUMNS
    search_fields = ("code__iexact", "name__icontains")
    export_url_name = "firstaid:coursetype-export"
    create_url_name = "firstaid:coursetype-create"
    create_permission = "firstaid.add"


class CourseTypeExportPage(ExportPage):
    model = CourseType
    filterset_class = CourseTypeFilter
    search_fields = CourseTypeListPage.search_fields
    export_columns = (*COURSE_COLUMNS, Column("theory_pass_score", _("Theory pass mark")),
                      Column("syllabus", _("Syllabus")))
    filename = "course-types"


class CourseTypeDetailPage(DetailPage):
    model = CourseType
    select_related = ("org",)
    template_name = "firstaid/coursetype_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = CourseType.objects.restrict(self.request.user, "change").filter(pk=self.object.pk).exists()
        return ctx


class CourseTypeCreatePage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.add"
    form_class = CourseTypeForm
    title = _("New course type")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
        return services.coursetype_create(actor=self.request.user, org=form.cleaned_data["org"], **data)


class CourseTypeUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = CourseType
    action = "change"
    form_class = CourseTypeForm
    title = _("Edit course type")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def perform(self, form):
        course = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])
        return services.coursetype_update(actor=self.request.user, course=course, **form.cleaned_data)


# --- Training bases -----------------------------------------------------------------------------

BASE_COLUMNS = (
    Column("org", _("Training base"), accessor="org.name", link=True),
    Column("demonstration_level", _("Demonstration level"), accessor=_display("demonstration_level")),
    Column("classroom_seats", _("Classroom seats")),
    Column("manikins", _("CPR manikins")),
    Column("planned_open_days", _("Planned open days")),
    Column("is_active", _("Active")),
)


class BaseListPage(ListPage):
    model = TrainingBase
    title = _("Training bases")
    filterset_class = BaseFilter
    columns = BASE_COLUMNS
    select_related = ("org",)
    search_fields = ("org__name__icontains", "org__code__iexact")
    export_url_name = "firstaid:base-export"
    create_url_name = "firstaid:base-create"
    create_permission = "firstaid.add"


class BaseExportPage(ExportPage):
    model = TrainingBase
    filterset_class = BaseFilter
    select_related = ("org",)
    search_fields = BaseListPage.search_fields
    export_columns = (*BASE_COLUMNS, Column("facilities", _("Facilities")), Column("address", _("Address"),
                                                                                   accessor="org.address"))
    filename = "training-bases"


class BaseDetailPage(DetailPage):
    model = TrainingBase
    select_related = ("org",)
    template_name = "firstaid/base_detail.html"

    def get_context_data(self, **kwargs):
        from boai.firstaid.selectors_training import base_statistics

        ctx = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        ctx.update(year=year, stats=base_statistics(self.object, year=year),
                   open_days=self.object.open_days.all()[:20],
                   can_change=self.request.user.has_perm("firstaid.change"))
        return ctx


class BaseCreatePage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.add"
    form_class = TrainingBaseForm
    title = _("Register a training base")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "org"}
        return services.base_create(actor=self.request.user, org=form.cleaned_data["org"], **data)


class BaseUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = TrainingBase
    action = "change"
    form_class = TrainingBaseForm
    title = _("Edit training base")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def perform(self, form):
        base = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])
        return services.base_update(actor=self.request.user, base=base, **form.cleaned_data)


class OpenDayCreatePage(ObjectActionPage):
    model = TrainingBase
    action = "change"
    form_class = OpenDayForm
    title = _("Record an open day")
    service = services.open_day_record
    object_kwarg = "base"


# --- Sessions -----------------------------------------------------------------------------------

SESSION_COLUMNS = (
    Column("code", _("Session number"), link=True),
    Column("course_type", _("Course"), accessor="course_type.name"),
    Column("org", _("Organiser"), accessor="org.name"),
    Column("starts_on", _("Starts on")),
    Column("venue_kind", _("Venue"), accessor=_display("venue_kind")),
    Column("capacity", _("Capacity")),
    Column("status", _("Status"), accessor=_display("status")),
)


class SessionListPage(ListPage):
    model = Session
    title = _("Training sessions")
    filterset_class = SessionFilter
    columns = SESSION_COLUMNS
    select_related = ("course_type", "org")
    search_fields = ("code__iexact", "title__icontains", "course_type__name__icontains")
    export_url_name = "firstaid:session-export"
    create_url_name = "firstaid:session-create"
    create_permission = "firstaid.add"


class SessionExportPage(ExportPage):
    model = Session
    filterset_class = SessionFilter
    select_related = ("course_type", "org", "base__org")
    search_fields = SessionListPage.search_fields
    export_columns = (*SESSION_COLUMNS, Column("ends_on", _("Ends on")),
                      Column("venue_address", _("Venue address")),
                      Column("awareness_count", _("Awareness trainees counted")))
    filename = "training-sessions"


class SessionCreatePage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.add"
    form_class = SessionForm
    title = _("New training session")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("org", "course_type")}
        return services.session_create(actor=self.request.user, org=form.cleaned_data["org"],
                                       course_type=form.cleaned_data["course_type"], **data)


class SessionUpdatePage(UserFormMixin, ScopedObjectMixin, ServiceFormPage):
    model = Session
    action = "change"
    form_class = SessionForm
    title = _("Edit training session")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def perform(self, form):
        session = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])
        data = dict(form.cleaned_data)
        if not data.get("code"):
            data.pop("code", None)
        return services.session_update(actor=self.request.user, session=session, **data)


# --- Targets and progress -----------------------------------------------------------------------

TARGET_COLUMNS = (
    Column("org", _("Branch"), accessor="org.name"),
    Column("year", _("Year")),
    Column("certified", _("Certified trainees")),
    Column("awareness", _("Awareness trainees")),
)


class TargetListPage(ListPage):
    model = Target
    title = _("Yearly targets")
    filterset_class = TargetFilter
    columns = TARGET_COLUMNS
    select_related = ("org",)
    search_fields = ("org__name__icontains",)
    export_url_name = "firstaid:target-export"
    create_url_name = "firstaid:target-set"
    create_permission = "firstaid.change"


class TargetExportPage(ExportPage):
    model = Target
    filterset_class = TargetFilter
    select_related = ("org",)
    search_fields = TargetListPage.search_fields
    export_columns = TARGET_COLUMNS
    filename = "firstaid-targets"


class TargetSetPage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.change"
    form_class = TargetForm
    title = _("Set a yearly target")

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def perform(self, form):
        return services.target_set(actor=self.request.user, **form.cleaned_data)


class ProgressPage(PermissionMixin, TemplateView):
    """Targets against achievement by branch and month, ranked, with charts."""

    permission = "firstaid.view"
    template_name = "firstaid/progress.html"

    def get_context_data(self, **kwargs):
        try:
            year = int(self.request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        year = min(max(year, 2000), 2100)
        rows = selectors.progress(user=self.request.user, year=year)
        return super().get_context_data(year=year, rows=rows, charts=selectors.progress_charts(rows, year=year),
                                        months=range(1, 13), **kwargs)


class SessionDetailPage(DetailPage):
    model = Session
    select_related = ("course_type", "org", "base__org")
    template_name = "firstaid/session_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = self.request.user.has_perm("firstaid.change")
        ctx.update(self.training_context())
        return ctx

    def training_context(self) -> dict:
        from boai.firstaid.models import Enrolment

        enrolments = Enrolment.objects.filter(session=self.object).select_related("person", "certificate")
        teaching = self.object.teaching.select_related("instructor__person")
        return {"enrolments": enrolments, "teaching": teaching, "training_template": "firstaid/session_training.html",
                "enrolled": sum(1 for e in enrolments if not e.cancelled)}


class AEDGeoJSONExport(AEDExportPage):
    """The filtered, scoped AEDs as a GeoJSON FeatureCollection; properties use the schema-dae names."""

    filename = "aeds"

    def get(self, request, *args, **kwargs):
        import json

        from django.http import HttpResponse

        from boai.core.audit import audit_record
        from boai.firstaid.schemadae import feature

        queryset = self.get_queryset()[: self.max_rows]
        audit_record(actor=request.user, action="firstaid.export", object_type="firstaid.aed",
                     object_repr="AED GeoJSON", after={"filters": request.GET.dict()})
        body = {"type": "FeatureCollection", "features": [feature(a) for a in queryset.iterator(chunk_size=2000)]}
        response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str),
                                content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}.geojson"'
        return response
