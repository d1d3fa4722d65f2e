"""Staff pages for the person-based side: enrolments, results, certificates, instructors."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from boai.core.audit import audit_record
from boai.core.views_base import (
    Column,
    DetailPage,
    ExportPage,
    ListPage,
    ObjectActionPage,
    ScopedObjectMixin,
    ServiceFormPage,
)
from boai.firstaid import services_training as svc
from boai.firstaid.forms import (
    AssessForm,
    AssignInstructorForm,
    EnrolPersonForm,
    InstructorForm,
    ResultForm,
    RevokeForm,
)
from boai.firstaid.models import Certificate, CertificateStatus, Enrolment, Instructor, Result, Session
from boai.firstaid.views import UserFormMixin


def _person_by_id(user, number: str):
    from boai.people.selectors import by_id_number, people_for

    person = by_id_number(people_for(user, "view"), number).first()
    if person is None:
        raise ValidationError({"id_number": _("No registered person with this ID number in your scope.")})
    return person


# --- enrolments ---------------------------------------------------------------------------------

class EnrolmentFilter(django_filters.FilterSet):
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices)
    session = django_filters.CharFilter(label=_("Session number"), field_name="session__code")

    class Meta:
        model = Enrolment
        fields = ["result"]


ENROLMENT_COLUMNS = (
    Column("person", _("Trainee"), accessor="person.name"),
    Column("id", _("ID number"), accessor="person.id_number_masked"),
    Column("session", _("Session"), accessor="session.code"),
    Column("source", _("Source"), accessor="get_source_display"),
    Column("attendance_percent", _("Attendance (%)")),
    Column("theory_score", _("Theory score")),
    Column("practical_passed", _("Practical passed")),
    Column("result", _("Result"), accessor="get_result_display"),
)


class EnrolmentListPage(ListPage):
    model = Enrolment
    title = _("Enrolments and results")
    filterset_class = EnrolmentFilter
    columns = ENROLMENT_COLUMNS
    select_related = ("person", "session")
    search_fields = ("person__name__startswith", "session__code__iexact")
    export_url_name = "firstaid:enrolment-export"


class EnrolmentExportPage(ExportPage):
    model = Enrolment
    filterset_class = EnrolmentFilter
    select_related = ("person", "session")
    search_fields = EnrolmentListPage.search_fields
    export_columns = (*ENROLMENT_COLUMNS, Column("employer", _("Employer or school")))
    filename = "enrolments"


class EnrolPersonPage(ObjectActionPage):
    model = Session
    action = "change"
    form_class = EnrolPersonForm
    title = _("Enrol a registered person")
    service = svc.enrol_staff
    object_kwarg = "session"

    def service_kwargs(self, form) -> dict:
        return {"person": _person_by_id(self.request.user, form.cleaned_data["id_number"]),
                "employer": form.cleaned_data["employer"]}


class AssignInstructorPage(UserFormMixin, ObjectActionPage):
    model = Session
    action = "change"
    form_class = AssignInstructorForm
    title = _("Assign an instructor")
    service = svc.session_assign_instructor
    object_kwarg = "session"


class ResultPage(ObjectActionPage):
    """Attendance and marks of one trainee; a pass issues the certificate."""

    model = Enrolment
    action = "change"
    form_class = ResultForm
    title = _("Attendance and result")
    success_message = _("Result recorded.")
    service = svc.result_record
    object_kwarg = "enrolment"

    def get_initial(self):
        e = self.get_object()
        return {"attendance_percent": e.attendance_percent, "theory_score": e.theory_score,
                "practical_passed": e.practical_passed}

    def get_success_url(self) -> str:
        return self.result.session.get_absolute_url()


class EnrolmentCancelPage(ObjectActionPage):
    """Remove a trainee who will not attend: the place is free again."""

    model = Enrolment
    action = "change"
    form_class = RevokeForm
    title = _("Remove trainee")
    submit_label = _("Remove trainee")
    success_message = _("Trainee removed; the place is free again.")
    service = svc.enrol_cancel
    object_kwarg = "enrolment"

    def get_success_url(self) -> str:
        return self.get_object().session.get_absolute_url()


# --- certificates -------------------------------------------------------------------------------

class CertificateFilter(django_filters.FilterSet):
    course_type = django_filters.CharFilter(label=_("Course code"), field_name="course_type__code")
    issued_after = django_filters.DateFilter(label=_("Issued from"), field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(label=_("Issued to"), field_name="issued_on", lookup_expr="lte")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CertificateStatus.choices, method="by_status")
    expiring = django_filters.BooleanFilter(label=_("Expiring soon"), method="by_expiring")

    class Meta:
        model = Certificate
        fields = []

    def by_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == CertificateStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, valid_until__lt=today)
        return queryset.filter(revoked_at__isnull=True, valid_until__gte=today)

    def by_expiring(self, queryset, name, value):
        from django.conf import settings

        if not value:
            return queryset
        today = timezone.localdate()
        limit = today + timezone.timedelta(days=settings.BOAI_CERTIFICATE_REMINDER_DAYS)
        return queryset.filter(revoked_at__isnull=True, valid_until__gte=today, valid_until__lte=limit)


CERT_COLUMNS = (
    Column("number", _("Certificate number"), link=True),
    Column("person", _("Holder"), accessor="person.name"),
    Column("course_type", _("Course"), accessor="course_type.name"),
    Column("issued_on", _("Issued on")),
    Column("valid_until", _("Valid until")),
    Column("status", _("Status"), accessor="get_status_display"),
)


class CertificateListPage(ListPage):
    model = Certificate
    title = _("Certificates")
    filterset_class = CertificateFilter
    columns = CERT_COLUMNS
    select_related = ("person", "course_type")
    search_fields = ("number__iexact", "person__name__startswith")
    export_url_name = "firstaid:certificate-export"


class CertificateExportPage(ExportPage):
    model = Certificate
    filterset_class = CertificateFilter
    select_related = ("person", "course_type", "org")
    search_fields = CertificateListPage.search_fields
    export_columns = (*CERT_COLUMNS, Column("id_number", _("ID number"), accessor="person.id_number_masked"),
                      Column("org", _("Issued by"), accessor="org.name"),
                      Column("revoke_reason", _("Reason for revocation")))
    filename = "certificates"


class CertificateDetailPage(DetailPage):
    model = Certificate
    select_related = ("person", "course_type", "org", "session")
    template_name = "firstaid/certificate_detail.html"

    def get_context_data(self, **kwargs):
        from boai.firstaid.pdf import verification_url

        ctx = super().get_context_data(**kwargs)
        ctx.update(can_change=self.request.user.has_perm("firstaid.change"),
                   verify_url=verification_url(self.object))
        return ctx


class CertificatePdfView(ScopedObjectMixin, View):
    model = Certificate
    action = "view"

    def get(self, request, pk):
        from boai.firstaid.pdf import certificate_pdf

        cert = get_object_or_404(self.base_queryset().select_related("person", "course_type", "org"), pk=pk)
        audit_record(actor=request.user, action="firstaid.certificate.pdf", obj=cert, org=cert.org)
        response = HttpResponse(certificate_pdf(cert), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
        return response


class CertificateRevokePage(ObjectActionPage):
    model = Certificate
    action = "change"
    form_class = RevokeForm
    title = _("Revoke certificate")
    success_message = _("Certificate revoked.")
    service = svc.certificate_revoke
    object_kwarg = "certificate"


# --- instructors --------------------------------------------------------------------------------

class InstructorFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Instructor._meta.get_field("level").choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))
    expires_before = django_filters.DateFilter(label=_("Expires before"), field_name="expires_on",
                                               lookup_expr="lt")

    class Meta:
        model = Instructor
        fields = ["level", "is_active"]


INSTRUCTOR_COLUMNS = (
    Column("qualification_no", _("Qualification number"), link=True),
    Column("person", _("Name"), accessor="person.name", link=True),
    Column("level", _("Level"), accessor="get_level_display"),
    Column("org", _("Organisation"), accessor="org.name"),
    Column("expires_on", _("Qualification expires")),
    Column("is_active", _("Active")),
)


class InstructorListPage(ListPage):
    model = Instructor
    title = _("Instructors")
    filterset_class = InstructorFilter
    columns = INSTRUCTOR_COLUMNS
    select_related = ("person", "org")
    search_fields = ("qualification_no__iexact", "person__name__startswith")
    export_url_name = "firstaid:instructor-export"
    create_url_name = "firstaid:instructor-create"
    create_permission = "firstaid.add"


class InstructorExportPage(ExportPage):
    model = Instructor
    filterset_class = InstructorFilter
    select_related = ("person", "org")
    search_fields = InstructorListPage.search_fields
    export_columns = (*INSTRUCTOR_COLUMNS, Column("qualified_on", _("Qualified on")))
    filename = "instructors"


class InstructorCreatePage(UserFormMixin, ServiceFormPage):
    permission = "firstaid.add"
    form_class = InstructorForm
    title = _("Register an instructor")

    def perform(self, form):
        data = dict(form.cleaned_data)
        person = _person_by_id(self.request.user, data.pop("id_number"))
        return svc.instructor_create(actor=self.request.user, person=person, **data)


class InstructorDetailPage(DetailPage):
    model = Instructor
    select_related = ("person", "org")
    template_name = "firstaid/instructor_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        teaching = self.object.teaching.select_related("session__course_type").order_by("-session__starts_on")
        ctx.update(teaching=teaching[:30], hours=teaching.aggregate(h=Sum("hours"))["h"] or 0,
                   assessments=self.object.assessments.all(),
                   can_change=self.request.user.has_perm("firstaid.change"))
        return ctx


class InstructorAssessPage(ObjectActionPage):
    model = Instructor
    action = "change"
    form_class = AssessForm
    title = _("Record an assessment")
    service = svc.instructor_assess
    object_kwarg = "instructor"

    def get_initial(self):
        return {"year": timezone.localdate().year}
