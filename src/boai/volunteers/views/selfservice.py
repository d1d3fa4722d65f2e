"""The volunteer's phone pages and the public pages (registration, verification, notices).

Every self-service page reads through `selectors.for_self(request.user)`: the user's own volunteer
row and what hangs off it, never a filter written in a view.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from boai.core.ratelimit import ratelimit
from boai.core.views_base import _add_service_errors
from boai.volunteers import conf, selectors, services
from boai.volunteers.codes import Skill, labels
from boai.volunteers.forms import PeriodForm, ProfileForm, RegistrationForm
from boai.volunteers.models import Certificate, Member, Signup, StarAward
from boai.volunteers.views.incentives import pdf_response
from boai.volunteers.views.members import card_context


class SelfMixin(LoginRequiredMixin):
    """Any logged-in user; the data is theirs only (`self.me`)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.me = selectors.for_self(request.user)
        return super().dispatch(request, *args, **kwargs)

    def volunteer_or_404(self):
        if not self.me.exists:
            raise Http404
        return self.me.volunteer


class JoinPage(FormView):
    template_name = "volunteers/join.html"
    form_class = RegistrationForm

    @ratelimit("volunteers.public")
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice_version=conf.privacy_notice_version(), **kwargs)

    def form_valid(self, form):
        from boai.orgs.models import Org

        d = form.cleaned_data
        consents = services.Consents(privacy=d["privacy_consent"], sensitive=d["sensitive_consent"],
                                     guardian_name=d["guardian_name"], guardian_relation=d["guardian_relation"],
                                     guardian=d["guardian_consent"])
        try:
            volunteer = services.volunteer_register(
                unit=Org.objects.filter(pk=d["unit"]).first(), name=d["name"], id_type=d["id_type"],
                id_number=d["id_number"], mobile=d["mobile"], password=d["password"], email=d["email"],
                profile=form.profile(), consents=consents)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        auth_login(self.request, volunteer.user, backend="boai.accounts.backends.RoleBackend")
        messages.success(self.request, _("Thank you for registering. Your unit will review it soon."))
        return redirect("volunteers:me")


class MePage(SelfMixin, TemplateView):
    template_name = "volunteers/me.html"

    def get_context_data(self, **kwargs):
        me = self.me
        ctx = super().get_context_data(me=me, **kwargs)
        if me.exists:
            v = me.volunteer
            policy = services.policy_for()
            level = services.level_for(v.certified_hours, policy.star_thresholds)
            thresholds = policy.star_thresholds
            ctx.update(
                signups=me.signups().filter(status__in=[*Signup.HOLDS_PLACE, Signup.Status.WAITING],
                                            activity__ends_at__gte=timezone.now()).order_by("activity__starts_at"),
                notice=me.star_awards().filter(status=StarAward.Status.NOTICE).order_by("-level").first(),
                next_threshold=thresholds[level] if level < len(thresholds) else None,
                skills=labels(v.skills, Skill), led=me.led_activities()[:10], member=me.member)
        return ctx


class MyProfilePage(SelfMixin, FormView):
    template_name = "volunteers/phone_form.html"
    form_class = ProfileForm

    def get(self, request, *args, **kwargs):
        if not self.me.exists:  # not a volunteer: the page says so and offers registration
            return self.render_to_response({"me": self.me, "title": _("My profile"), "not_volunteer": True})
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return ProfileForm.initial_for(self.volunteer_or_404())

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("My profile"), **kwargs)

    def form_valid(self, form):
        try:
            services.volunteer_update_self(actor=self.request.user, profile=form.profile())
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("volunteers:me")


class MyActivitiesPage(SelfMixin, TemplateView):
    template_name = "volunteers/my_activities.html"

    def get_context_data(self, **kwargs):
        me = self.me
        upcoming = Paginator(me.upcoming(), 20).get_page(self.request.GET.get("page"))
        mine = {s.activity_id: s for s in me.signups().filter(activity__in=[a.pk for a in upcoming])}
        return super().get_context_data(me=me, page_obj=upcoming, rows=[(a, mine.get(a.pk)) for a in upcoming],
                                        history=me.signups().order_by("-activity__starts_at")[:20], **kwargs)


class MyActivityPage(SelfMixin, TemplateView):
    template_name = "volunteers/my_activity.html"

    def get_context_data(self, **kwargs):
        activity = get_object_or_404(self.me.activities(), pk=self.kwargs["pk"])
        volunteer = self.volunteer_or_404()
        signup = self.me.signups().filter(activity=activity).first()
        problem = services.eligibility_error(activity, volunteer, timezone.now())
        record = self.me.records().filter(activity=activity, corrects__isnull=True).first()
        waiting_ahead = None
        if signup and signup.status == Signup.Status.WAITING:
            waiting_ahead = Signup.objects.filter(activity=activity, status=Signup.Status.WAITING,
                                                  queued_at__lt=signup.queued_at).count()
        return super().get_context_data(activity=activity, signup=signup, problem=problem, record=record,
                                        skills=labels(activity.required_skills, Skill), waiting_ahead=waiting_ahead,
                                        **kwargs)


class MySignupView(SelfMixin, View):
    def post(self, request, pk):
        activity = get_object_or_404(self.me.activities(), pk=pk)
        try:
            signup = services.signup_create(actor=request.user, activity=activity)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, {Signup.Status.CONFIRMED: _("You are signed up."),
                                       Signup.Status.PENDING: _("Signed up: the leader will confirm."),
                                       Signup.Status.WAITING: _("The activity is full: you are on the waiting list."),
                                       }[signup.status])
        return redirect("volunteers:my-activity", pk=activity.pk)


class MyCancelView(SelfMixin, View):
    def post(self, request, pk):
        signup = get_object_or_404(self.me.signups(), activity_id=pk)
        try:
            services.signup_cancel(actor=request.user, signup=signup)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your sign-up is cancelled."))
        return redirect("volunteers:my-activity", pk=pk)


class CheckinPage(SelfMixin, TemplateView):
    """Opened by the phone's camera from the leader's QR code. GET confirms, POST checks in or out."""

    template_name = "volunteers/checkin.html"

    def get_activity(self):
        return get_object_or_404(self.me.activities(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        activity = self.get_activity()
        record = self.me.records().filter(activity=activity, corrects__isnull=True).first()
        return super().get_context_data(activity=activity, record=record, w=self.request.GET.get("w", ""),
                                        t=self.request.GET.get("t", ""), **kwargs)

    def post(self, request, pk):
        activity = self.get_activity()
        try:
            record = services.attendance_scan(actor=request.user, activity=activity, window=request.POST.get("w"),
                                              token=request.POST.get("t", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("volunteers:my-activity", pk=pk)
        if record.check_out_at:
            messages.success(request, _("Checked out. %(hours)s hours recorded, waiting for certification.")
                             % {"hours": record.hours})
        else:
            messages.success(request, _("Checked in at %(t)s.") % {"t": timezone.localtime(record.check_in_at)
                                                                    .strftime("%H:%M")})
        return redirect("volunteers:my-activity", pk=pk)


class MyHoursPage(SelfMixin, TemplateView):
    template_name = "volunteers/my_hours.html"

    def get_context_data(self, **kwargs):
        page = Paginator(self.me.records(), 25).get_page(self.request.GET.get("page"))
        return super().get_context_data(me=self.me, page_obj=page, **kwargs)


class MyCertificatesPage(SelfMixin, FormView):
    template_name = "volunteers/my_certificates.html"
    form_class = PeriodForm

    def get_initial(self):
        first = self.me.records().filter(status="certified").order_by("service_date").values_list(
            "service_date", flat=True).first()
        return {"period_start": first or timezone.localdate(), "period_end": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(me=self.me, certificates=self.me.certificates(), **kwargs)

    def form_valid(self, form):
        try:
            certificate = services.certificate_issue(actor=self.request.user, volunteer=self.volunteer_or_404(),
                                                     **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Certificate %(s)s issued.") % {"s": certificate.serial})
        return redirect("volunteers:my-certificates")


class MyCertificatePdfView(SelfMixin, View):
    def get(self, request, pk):
        return pdf_response(get_object_or_404(self.me.certificates(), pk=pk))


class MyPointsPage(SelfMixin, TemplateView):
    template_name = "volunteers/my_points.html"

    def get_context_data(self, **kwargs):
        me = self.me
        return super().get_context_data(me=me, entries=me.points()[:50], rewards=me.rewards(),
                                        redemptions=me.redemptions()[:20], **kwargs)

    def post(self, request):
        reward = get_object_or_404(self.me.rewards(), pk=request.POST.get("reward") or 0)
        try:
            services.redemption_request(actor=request.user, reward=reward)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Requested: your unit will hand it over."))
        return redirect("volunteers:my-points")


class MyCardPage(SelfMixin, TemplateView):
    template_name = "volunteers/my_card.html"

    def get_context_data(self, **kwargs):
        member = self.me.member
        return super().get_context_data(card=card_context(self.request, member) if member else None, **kwargs)


# --- public -----------------------------------------------------------------------------------------

class NoticesPage(TemplateView):
    """The public notice (公示) of star levels about to be awarded: masked names only."""

    template_name = "volunteers/notices.html"

    @ratelimit("volunteers.public")
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        awards = (StarAward.objects.filter(status=StarAward.Status.NOTICE, notice_ends__gte=timezone.localdate())
                  .select_related("volunteer__person", "volunteer__org").only(
                      "level", "hours_at", "notice_starts", "notice_ends", "volunteer__person__name",
                      "volunteer__org__name").order_by("-notice_starts", "-level", "id"))
        page = Paginator(awards, 50).get_page(self.request.GET.get("page"))
        rows = [{"name": services.mask_name(a.volunteer.person.name), "unit": a.volunteer.org.name,
                 "level": a.level, "hours": a.hours_at, "until": a.notice_ends} for a in page]
        return super().get_context_data(page_obj=page, rows=rows, **kwargs)


class CertificateLookupPage(TemplateView):
    template_name = "volunteers/certificate_lookup.html"

    @ratelimit("volunteers.public")
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        serial = request.GET.get("serial", "").strip().upper()[:32]
        if serial:
            found = Certificate.objects.filter(serial=serial).values_list("code", flat=True).first()
            if found:
                return redirect("volunteers:certificate-verify", code=found)
            messages.error(request, _("No certificate has this number."))
        return super().get(request, *args, **kwargs)


class CertificateVerifyPage(TemplateView):
    """What anyone may know about a certificate: masked holder, hours, period, issuing unit, validity."""

    template_name = "volunteers/certificate_verify.html"

    @ratelimit("volunteers.public")
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        cert = get_object_or_404(Certificate.objects.only(
            "serial", "holder_masked", "hours", "period_start", "period_end", "unit_name", "issued_at",
            "revoked_at", "records_count"), code=self.kwargs["code"])
        return super().get_context_data(cert=cert, **kwargs)


class MemberVerifyPage(TemplateView):
    template_name = "volunteers/member_verify.html"

    @ratelimit("volunteers.public")
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        member = get_object_or_404(Member.objects.select_related("person", "org"), card_code=self.kwargs["code"])
        name = member.group_name if member.kind == Member.Kind.GROUP else services.mask_name(member.person.name)
        valid = member.status == Member.Status.ACTIVE and member.term_end >= timezone.localdate()
        return super().get_context_data(member=member, name=name, valid=valid, **kwargs)


def me_url() -> str:
    return reverse("volunteers:me")
