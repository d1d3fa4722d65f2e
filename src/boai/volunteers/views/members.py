"""Staff pages of the membership registry (会员)."""

from __future__ import annotations

import segno
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, ServiceFormPage
from boai.volunteers import services
from boai.volunteers.filters import MemberFilter
from boai.volunteers.forms import DuesForm, ExemptionForm, HonourForm, MemberForm, MemberUpdateForm, ReasonForm
from boai.volunteers.models import Member
from boai.volunteers.views.common import ObjectActionPage, person_search

MEMBER_COLUMNS = (
    Column("member_no", _("Member number"), link=True),
    Column("name", pgettext_lazy("person", "Name"), accessor="display_name"),
    Column("kind", pgettext_lazy("member", "Kind"), accessor="get_kind_display"),
    Column("org", _("Joining unit"), accessor="org.name"),
    Column("term_end", _("Valid until")),
    Column("status", _("Status"), accessor="get_status_display"),
)


class MemberQueryset:
    model = Member

    def base_queryset(self):
        return (Member.objects.restrict(self.request.user, self.action).select_related("org", "person")
                .defer("person__id_number", "person__mobile", "person__address", "contact_mobile"))

    def search(self, queryset, term):
        term = term.strip()
        if not term:
            return queryset
        by_person = person_search(queryset, term)
        return queryset.filter(Q(pk__in=by_person.values("pk")) | Q(member_no__iexact=term)
                               | Q(group_name__contains=term))


class MemberListPage(MemberQueryset, ListPage):
    title = _("Members")
    filterset_class = MemberFilter
    columns = MEMBER_COLUMNS
    export_url_name = "volunteers:member-export"
    create_url_name = "volunteers:member-create"
    create_permission = "volunteers.add"
    search_placeholder = _("Name, member number, or a full ID number")
    empty_text = _("No members here yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_url_name"] = self.export_url_name if self.request.user.has_perm("volunteers.export") else None
        return ctx


class MemberExportPage(MemberQueryset, ExportPage):
    filterset_class = MemberFilter
    export_columns = (*MEMBER_COLUMNS, Column("joined_on", _("Joined")),
                      Column("id_number", _("ID number"), accessor=lambda m: m.person.id_number_masked
                             if m.person_id else ""),
                      Column("credit_code", _("Unified social credit code")),
                      Column("contact", _("Contact person"), accessor="contact_name"))
    filename = "members"


class MemberDetailPage(DetailPage):
    model = Member
    template_name = "volunteers/member_detail.html"
    select_related = ("org", "person")

    def get_context_data(self, **kwargs):
        m = self.object
        ctx = super().get_context_data(**kwargs)
        ctx.update(payments=m.payments.all(), exemptions=m.exemptions.all(), honours=m.honours.select_related("org"),
                   can_change=self.request.user.has_perm("volunteers.change"),
                   can_review=self.request.user.has_perm("volunteers.review"))
        return ctx


class MemberCardPage(DetailPage):
    """The member card as a phone-sized page (staff view); the member sees the same at /v/me/card/."""

    model = Member
    template_name = "volunteers/member_card_staff.html"
    select_related = ("org", "person")

    def get_context_data(self, **kwargs):
        return super().get_context_data(card=card_context(self.request, self.object), **kwargs)


def card_context(request, member: Member) -> dict:
    from django.urls import reverse

    url = request.build_absolute_uri(reverse("volunteers:member-verify", args=[member.card_code]))
    return {"member": member, "qr": segno.make(url, error="m").svg_inline(scale=4, border=1), "url": url}


class MemberCreatePage(ServiceFormPage):
    permission = "volunteers.add"
    form_class = MemberForm
    title = _("New member")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.member_create(actor=self.request.user, **form.cleaned_data)


class MemberUpdatePage(ObjectActionPage):
    model = Member
    action = "change"
    form_class = MemberUpdateForm
    title = _("Edit member")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.get_object()}

    def get_initial(self):
        m = self.get_object()
        return {"group_name": m.group_name, "credit_code": m.credit_code, "contact_name": m.contact_name,
                "note": m.note}

    def perform(self, form):
        d = dict(form.cleaned_data)
        if "contact_mobile" in d:
            d["contact_mobile"] = d["contact_mobile"] or None
        return services.member_update(actor=self.request.user, member=self.get_object(), **d)


class MemberDuesPage(ObjectActionPage):
    model = Member
    action = "change"
    form_class = DuesForm
    title = _("Record membership dues")
    success_message = _("Payment recorded; the membership is extended.")

    def perform(self, form):
        services.dues_pay(actor=self.request.user, member=self.get_object(), **form.cleaned_data)
        return self.get_object()


class MemberExemptionPage(ObjectActionPage):
    model = Member
    action = "review"
    form_class = ExemptionForm
    title = _("Exempt from dues")

    def perform(self, form):
        services.exemption_grant(actor=self.request.user, member=self.get_object(), **form.cleaned_data)
        return self.get_object()


class MemberHonourPage(ObjectActionPage):
    model = Member
    action = "change"
    form_class = HonourForm
    title = _("Award an honour")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        services.honour_award(actor=self.request.user, member=self.get_object(), **form.cleaned_data)
        return self.get_object()


class MemberWithdrawPage(ObjectActionPage):
    model = Member
    action = "change"
    form_class = ReasonForm
    title = _("Record withdrawal from membership")
    service = services.member_withdraw
    object_kwarg = "member"
