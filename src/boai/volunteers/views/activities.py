"""Staff and leader pages of activities: list, publish, roster and approvals, the rotating QR code on
the leader's phone, manual attendance, certification of hours; service records and corrections."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from boai.core.audit import audit_record
from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, PermissionMixin, ServiceFormPage
from boai.volunteers import exports, qr, selectors, services
from boai.volunteers.codes import Skill, labels
from boai.volunteers.filters import ActivityFilter, RecordFilter
from boai.volunteers.forms import (
    ActivityForm,
    CorrectForm,
    DecideForm,
    ManualAttendanceForm,
    ReasonForm,
    StatusChangeForm,
)
from boai.volunteers.models import Activity, ServiceRecord, Signup
from boai.volunteers.views.common import LeaderMixin, ObjectActionPage, person_search

ACTIVITY_COLUMNS = (
    Column("title", _("Title"), link=True),
    Column("org", _("Organiser"), accessor="org.name"),
    Column("starts_at", _("Starts")),
    Column("type", _("Type"), accessor="get_activity_type_display"),
    Column("places", _("Places"), accessor=lambda a: f"{a.taken}/{a.capacity}"),
    Column("status", _("Status"), accessor="get_status_display"),
)


class ActivityListPage(ListPage):
    model = Activity
    title = _("Activities")
    filterset_class = ActivityFilter
    columns = ACTIVITY_COLUMNS
    search_fields = ("title__icontains", "place__icontains")
    create_url_name = "volunteers:activity-create"
    create_permission = "volunteers.add"
    select_related = ("org",)
    empty_text = _("No activities yet.")


class ActivityDetailPage(DetailPage):
    model = Activity
    template_name = "volunteers/activity_detail.html"
    select_related = ("org", "team", "created_by")

    def get_context_data(self, **kwargs):
        a, user = self.object, self.request.user
        ctx = super().get_context_data(**kwargs)
        signups = list(selectors.roster(a))
        records = ServiceRecord.objects.filter(activity=a).select_related("volunteer__person").defer(
            *(f"volunteer__{f}" for f in selectors.PERSON_FIELDS)).order_by("volunteer__person__name", "id")
        ctx.update(signups=signups, records=records, skills=labels(a.required_skills, Skill),
                   leaders=a.leaders.select_related("person"),
                   waiting=[s for s in signups if s.status == Signup.Status.WAITING],
                   can_change=user.has_perm("volunteers.change"),
                   to_certify=sum(1 for r in records if r.status == ServiceRecord.Status.RECORDED),
                   hours=sum((r.hours for r in records if r.status == ServiceRecord.Status.CERTIFIED), Decimal(0)))
        return ctx


class ActivityCreatePage(ServiceFormPage):
    permission = "volunteers.add"
    form_class = ActivityForm
    title = _("New activity")
    template_name = "volunteers/activity_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.activity_create(actor=self.request.user, org=form.cleaned_data["org"],
                                        data=form.data_object(), publish=form.cleaned_data["publish"])


class ActivityUpdatePage(ObjectActionPage):
    model = Activity
    action = "change"
    form_class = ActivityForm
    title = _("Edit activity")
    template_name = "volunteers/activity_form.html"

    def get_initial(self):
        return ActivityForm.initial_for(self.get_object())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "activity": self.get_object()}

    def perform(self, form):
        return services.activity_update(actor=self.request.user, activity=self.get_object(), data=form.data_object())


class ActivityStatusPage(ObjectActionPage):
    model = Activity
    action = "change"
    form_class = StatusChangeForm
    title = _("Publish, cancel or close")
    service = services.activity_set_status
    object_kwarg = "activity"


# --- leader pages ------------------------------------------------------------------------------------

class ActivityQrPage(LeaderMixin, TemplateView):
    """The leader's phone shows this: the QR code refreshes itself (htmx polling) every window."""

    template_name = "volunteers/activity_qr.html"

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        return super().get_context_data(activity=activity, code=_qr_context(self.request, activity),
                                        refresh=max(2, qr.conf.qr_window_seconds() // 3), **kwargs)


def _qr_context(request, activity) -> dict:
    import segno

    path = qr.checkin_path(activity)
    url = request.build_absolute_uri(path)
    return {"url": url, "path": path, "svg": segno.make(url, error="m").svg_inline(scale=6, border=2)}


class ActivityQrCodePartial(LeaderMixin, TemplateView):
    template_name = "volunteers/_qr_code.html"

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        checked_in = ServiceRecord.objects.filter(activity=activity, corrects__isnull=True)
        return super().get_context_data(activity=activity, code=_qr_context(self.request, activity),
                                        present=checked_in.filter(status=ServiceRecord.Status.OPEN).count(),
                                        done=checked_in.exclude(status=ServiceRecord.Status.OPEN).count(), **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class ActivityAttendancePage(LeaderMixin, ServiceFormPage):
    form_class = ManualAttendanceForm
    title = _("Enter attendance by hand")
    success_message = _("Attendance saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.get_activity()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("volunteers:activity-qr", args=[self.get_activity().pk]),
                                        **kwargs)

    def perform(self, form):
        d = form.cleaned_data
        services.attendance_manual(actor=self.request.user, activity=self.get_activity(),
                                   volunteer=d["signup"].volunteer, check_in_at=d["check_in_at"],
                                   check_out_at=d["check_out_at"], note=d["note"])
        return None

    def get_success_url(self):
        return reverse("volunteers:activity-qr", args=[self.get_activity().pk])


class SignupDecidePage(LeaderMixin, ServiceFormPage):
    form_class = DecideForm
    title = _("Approve or reject a sign-up")

    def get_signup(self) -> Signup:
        if not hasattr(self, "_signup"):
            led = Activity.objects.led_by(self.request.user)
            self._signup = get_object_or_404(Signup.objects.filter(activity__in=led).select_related(
                "volunteer__person", "activity"), pk=self.kwargs["pk"])
        return self._signup

    def get_activity(self) -> Activity:
        return self.get_signup().activity

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.get_signup().volunteer.person.name,
                                        cancel_url=self.get_activity().get_absolute_url(), **kwargs)

    def perform(self, form):
        services.signup_decide(actor=self.request.user, signup=self.get_signup(), **form.cleaned_data)
        return self.get_activity()


class SignupCancelPage(SignupDecidePage):
    form_class = ReasonForm
    title = _("Cancel a sign-up")

    def perform(self, form):
        services.signup_cancel(actor=self.request.user, signup=self.get_signup(), **form.cleaned_data)
        return self.get_activity()


class ActivityCertifyView(PermissionMixin, View):
    """POST: certify every checked-out record of the activity at once (the organiser's attestation)."""

    permission = "volunteers.change"

    def post(self, request, pk):
        activity = get_object_or_404(Activity.objects.restrict(request.user, "change"), pk=pk)
        records = ServiceRecord.objects.filter(activity=activity, status=ServiceRecord.Status.RECORDED)
        ids = request.POST.getlist("record")
        if ids:
            records = records.filter(pk__in=[i for i in ids if i.isdigit()])
        try:
            done = services.records_certify(actor=request.user, records=list(records))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _t("%(n)d records certified.") % {"n": len(done)})
        return redirect(activity.get_absolute_url())


# --- service records -------------------------------------------------------------------------------

RECORD_COLUMNS = (
    Column("id", _("No."), link=True),
    Column("volunteer", _("Volunteer"), accessor="volunteer.person.name"),
    Column("activity", _("Activity"), accessor=lambda r: r.activity.title if r.activity_id else r.note),
    Column("date", _("Date"), accessor="service_date"),
    Column("hours", _("Hours")),
    Column("status", _("Status"), accessor="get_status_display"),
    Column("org", _("Organiser"), accessor="org.name"),
)


class RecordQueryset:
    model = ServiceRecord

    def base_queryset(self):
        return (ServiceRecord.objects.restrict(self.request.user, self.action)
                .select_related("volunteer__person", "activity", "org")
                .defer(*(f"volunteer__{f}" for f in selectors.PERSON_FIELDS), "volunteer__emergency_phone"))

    def search(self, queryset, term):
        return person_search(queryset, term, prefix="volunteer__person__")


class RecordListPage(RecordQueryset, ListPage):
    title = _("Service records")
    filterset_class = RecordFilter
    columns = RECORD_COLUMNS
    template_name = "volunteers/record_list.html"
    export_url_name = "volunteers:record-export"
    search_placeholder = _("Volunteer name, or a full ID number")
    empty_text = _("No service records.")

    def get_queryset(self):
        qs = super().get_queryset()
        if "status" not in self.request.GET:
            qs = qs.filter(status=ServiceRecord.Status.RECORDED)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["export_url_name"] = self.export_url_name if user.has_perm("volunteers.export") else None
        ctx["can_national"] = user.has_perm("volunteers.national_export")
        ctx["can_certify"] = user.has_perm("volunteers.change")
        return ctx


class RecordExportPage(RecordQueryset, ExportPage):
    filterset_class = RecordFilter
    export_columns = (*RECORD_COLUMNS, Column("check_in_at", _("Checked in")),
                      Column("check_out_at", _("Checked out")), Column("source", _("Source"),
                                                                       accessor="get_source_display"),
                      Column("corrects", _("Corrects"), accessor="corrects_id"),
                      Column("certified_at", _("Certified")))
    filename = "service-records"


class RecordDetailPage(DetailPage):
    model = ServiceRecord
    template_name = "volunteers/record_detail.html"
    select_related = ("volunteer__person", "activity", "org", "corrects", "recorded_by", "certified_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["corrections"] = self.object.corrections.all()
        ctx["can_change"] = self.request.user.has_perm("volunteers.change")
        return ctx


class RecordsCertifyView(PermissionMixin, View):
    """POST from the list of records waiting: certify the ticked ones."""

    permission = "volunteers.change"

    def post(self, request):
        ids = [i for i in request.POST.getlist("record") if i.isdigit()]
        records = list(ServiceRecord.objects.restrict(request.user, "change").filter(pk__in=ids))
        if not records:
            messages.warning(request, _t("Tick the records to certify."))
        else:
            try:
                services.records_certify(actor=request.user, records=records)
                messages.success(request, _t("%(n)d records certified.") % {"n": len(records)})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect(reverse("volunteers:record-list"))


class RecordRejectPage(ObjectActionPage):
    model = ServiceRecord
    action = "change"
    form_class = ReasonForm
    title = _("Reject these hours")
    service = services.record_reject
    object_kwarg = "record"


class RecordCorrectPage(ObjectActionPage):
    model = ServiceRecord
    action = "change"
    form_class = CorrectForm
    title = _("Correct a record")
    success_message = _("The correction is recorded; certify it to make it count.")

    def get_initial(self):
        r = self.get_object()
        return {"check_in_at": timezone.localtime(r.check_in_at),
                "check_out_at": timezone.localtime(r.check_out_at) if r.check_out_at else None}
    service = services.record_correct
    object_kwarg = "record"


class NationalExportView(ListPage):
    """The national volunteer system's flat CSV (UTF-8 with BOM): certified records with full ID numbers,
    which that system matches volunteers by. A separate permission; every export is audited."""

    permission = "volunteers.national_export"
    model = ServiceRecord
    action = "view"
    filterset_class = RecordFilter

    def base_queryset(self):
        return exports.national_queryset(ServiceRecord.objects.restrict(self.request.user, "view"))

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        audit_record(actor=request.user, action="volunteers.national_export", object_type="volunteers.servicerecord",
                     object_repr=_t("National volunteer system export"), after={"filters": request.GET.dict()},
                     reason=_t("Reporting to the national volunteer service system"))
        response = StreamingHttpResponse(exports.national_csv(queryset), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="national-volunteer-hours-{stamp}.csv"'
        return response

