"""Members (会员): registration with a member number, dues payments that extend the term,
exemptions, honours, reminders before expiry and lapsing (daily jobs)."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from boai.core.audit import audit_record, diff
from boai.core.notifications import notify
from boai.orgs.models import Kind, Org
from boai.orgs.selectors import branch_of
from boai.people.identity import check_mobile, mask_mobile
from boai.volunteers import conf
from boai.volunteers.models import (
    DuesExemption,
    DuesPayment,
    Honour,
    Member,
    MemberNumberCounter,
    MemberReminder,
    Volunteer,
)
from boai.volunteers.services.common import require, staff_to_notify
from boai.volunteers.services.volunteers import link_or_create_person

MAX_TERM_YEARS = 10


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _prefix_and_format(pattern: str, values: dict) -> tuple[str, str]:
    """The pattern with everything but {seq} filled in: (counter key, format string for seq)."""
    parts = []
    has_seq = False
    for literal, name, spec, _conv in string.Formatter().parse(pattern):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name == "seq":
            has_seq = True
            parts.append("{seq" + (":" + spec if spec else "") + "}")
        elif name in values:
            parts.append(format(values[name], spec))
        else:
            raise ValidationError(_("Unknown placeholder {%(name)s} in the member number pattern.") % {"name": name})
    if not has_seq:
        raise ValidationError(_("The member number pattern needs a {seq} placeholder."))
    template = "".join(parts)
    return template.replace("{seq", "#{seq").split("#")[0], template


def next_member_no(*, org: Org, kind: str, on: dt.date) -> str:
    """Draw the next number for this pattern prefix (the counter row is locked: numbers never repeat)."""
    branch = branch_of(org) or org
    values = {"division": branch.division_code or branch.code, "year": on.year,
              "kind": "G" if kind == Member.Kind.GROUP else "P", "branch": branch.code}
    key, template = _prefix_and_format(conf.member_no_pattern(), values)
    counter, _created = MemberNumberCounter.objects.select_for_update(of=("self",)).get_or_create(prefix=key[:32])
    while True:
        counter.last += 1
        number = template.format(seq=counter.last)
        if not Member.objects.filter(member_no=number).exists():  # imported numbers may sit in the sequence
            break
    counter.save(update_fields=["last"])
    return number


def _clean_group(group_name: str, credit_code: str, contact_name: str, contact_mobile: str) -> dict:
    errors: dict[str, list] = {}
    group_name = " ".join(group_name.split())
    if not group_name:
        errors["group_name"] = [_("Enter the organisation's name.")]
    code = credit_code.strip().upper()
    if code:
        try:
            code = uscc.validate(code)
        except StdnumError:
            errors["credit_code"] = [_("This is not a valid unified social credit code (GB 32100).")]
    mobile = ""
    if contact_mobile:
        try:
            mobile = check_mobile(contact_mobile)
        except ValidationError as exc:
            errors["contact_mobile"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {"group_name": group_name[:100], "credit_code": code, "contact_name": contact_name.strip()[:50],
            "contact_mobile": mobile, "contact_mobile_masked": mask_mobile(mobile) if mobile else ""}


@transaction.atomic
def member_create(*, actor, org: Org, kind: str, joined_on: dt.date, years: int = 1, name: str = "",
                  id_type: str = "resident", id_number: str = "", mobile: str = "", group_name: str = "",
                  credit_code: str = "", contact_name: str = "", contact_mobile: str = "",
                  note: str = "") -> Member:
    require(actor, "volunteers.add", org)
    if org.kind == Kind.SITE:
        raise ValidationError({"org": _("Members join the society, a branch or a grassroots unit.")})
    if not 1 <= years <= MAX_TERM_YEARS:
        raise ValidationError({"years": _("A term is 1 to %(n)d years.") % {"n": MAX_TERM_YEARS}})
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The joining date cannot be in the future.")})
    fields: dict = {}
    if kind == Member.Kind.INDIVIDUAL:
        person = person_for_member(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number,
                                   mobile=mobile)
        fields["person"] = person
    elif kind == Member.Kind.GROUP:
        fields.update(_clean_group(group_name, credit_code, contact_name, contact_mobile))
    else:
        raise ValidationError({"kind": _("Choose individual or group.")})
    member = Member.objects.create(org=org, kind=kind, joined_on=joined_on, term_end=add_years(joined_on, years),
                                   member_no=next_member_no(org=org, kind=kind, on=joined_on),
                                   card_code=secrets.token_urlsafe(18), note=note.strip()[:300], **fields)
    audit_record(actor=actor, action="volunteers.member.create", obj=member, after=member.snapshot())
    return member


def person_for_member(*, actor, org, name, id_type, id_number, mobile):
    """The registry's person (linked if known, created otherwise), who must not be a member yet."""
    person = link_or_create_person(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number,
                                   mobile=mobile)
    if Member.objects.filter(person=person).exists():
        raise ValidationError({"id_number": _("This person is a member already.")})
    return person


@transaction.atomic
def member_update(*, actor, member: Member, group_name: str = "", credit_code: str = "", contact_name: str = "",
                  contact_mobile: str | None = None, note: str = "") -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=member.pk)
    require(actor, "volunteers.change", member.org)
    before = member.snapshot()
    if member.kind == Member.Kind.GROUP:
        mobile = member.contact_mobile if contact_mobile is None else contact_mobile
        for key, value in _clean_group(group_name, credit_code, contact_name, mobile).items():
            setattr(member, key, value)
    member.note = note.strip()[:300]
    member.save()
    old, new = diff(before, member.snapshot())
    audit_record(actor=actor, action="volunteers.member.update", obj=member, before=old, after=new)
    return member


@transaction.atomic
def member_withdraw(*, actor, member: Member, reason: str) -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    require(actor, "volunteers.change", member.org)
    if member.status == Member.Status.WITHDRAWN:
        raise ValidationError(_("This member has withdrawn already."))
    if len(" ".join(reason.split())) < 2:
        raise ValidationError({"reason": _("Give the reason.")})
    old = member.status
    member.status = Member.Status.WITHDRAWN
    member.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="volunteers.member.withdraw", obj=member, before={"status": old},
                 after={"status": member.status}, reason=reason)
    return member


@transaction.atomic
def dues_pay(*, actor, member: Member, amount: Decimal, paid_on: dt.date, years: int = 1, method: str = "transfer",
             receipt_no: str = "") -> DuesPayment:
    """Record dues; the term is extended by `years` from its current end (or from today if it lapsed)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    require(actor, "volunteers.change", member.org)
    errors = {}
    if member.status == Member.Status.WITHDRAWN:
        errors["amount"] = [_("This member has withdrawn.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    if not 1 <= years <= MAX_TERM_YEARS:
        errors["years"] = [_("A payment covers 1 to %(n)d years.") % {"n": MAX_TERM_YEARS}]
    if method not in DuesPayment.Method.values:
        errors["method"] = [_("Choose the payment method.")]
    if errors:
        raise ValidationError(errors)
    start = max(member.term_end, paid_on)
    payment = DuesPayment.objects.create(member=member, amount=amount, paid_on=paid_on, period_start=start,
                                         period_end=add_years(start, years), method=method,
                                         receipt_no=receipt_no.strip()[:40], recorded_by=actor)
    old = {"term_end": member.term_end, "status": member.status}
    member.term_end, member.status = payment.period_end, Member.Status.ACTIVE
    member.save(update_fields=["term_end", "status", "updated_at"])
    audit_record(actor=actor, action="volunteers.member.dues", obj=member, before=old, after={
        "term_end": member.term_end, "status": member.status, "amount": amount, "receipt_no": payment.receipt_no})
    return payment


@transaction.atomic
def exemption_grant(*, actor, member: Member, reason: str, starts_on: dt.date, ends_on: dt.date) -> DuesExemption:
    """Dues waived for a period (hardship, honorary members...): the membership does not lapse meanwhile."""
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    require(actor, "volunteers.review", member.org)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    if len(" ".join(reason.split())) < 2:
        raise ValidationError({"reason": _("Give the reason for the exemption.")})
    exemption = DuesExemption.objects.create(member=member, reason=reason.strip()[:200], starts_on=starts_on,
                                             ends_on=ends_on, granted_by=actor)
    if member.status == Member.Status.LAPSED and starts_on <= timezone.localdate() <= ends_on:
        member.status = Member.Status.ACTIVE
        member.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="volunteers.member.exemption", obj=member,
                 after={"starts_on": starts_on, "ends_on": ends_on}, reason=reason)
    return exemption


@transaction.atomic
def honour_award(*, actor, org: Org, title: str, year: int, awarded_on: dt.date, member: Member | None = None,
                 volunteer: Volunteer | None = None, note: str = "") -> Honour:
    require(actor, "volunteers.change", org)
    holder = member or volunteer
    if holder is None:
        raise ValidationError(_("Choose who receives the honour."))
    if not holder.org.path.startswith(org.path):
        raise ValidationError({"org": _("The awarding unit must be above the holder's unit.")})
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Name the honour, for example 会员之星.")})
    if not 1950 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Enter a plausible year.")})
    honour = Honour.objects.create(org=org, member=member, volunteer=volunteer, title=title[:60], year=year,
                                   awarded_on=awarded_on, note=note.strip()[:200], created_by=actor)
    audit_record(actor=actor, action="volunteers.honour.award", obj=honour, after={
        "title": honour.title, "year": year, "member": getattr(member, "pk", None),
        "volunteer": getattr(volunteer, "pk", None)})
    return honour


# --- daily jobs ------------------------------------------------------------------------------------

def _exempt_on(day: dt.date):
    return Exists(DuesExemption.objects.filter(member=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day))


def member_user(member: Member):
    """The login of an individual member, when the person also volunteers with one."""
    volunteer = getattr(member.person, "volunteer", None) if member.person_id else None
    return volunteer.user if volunteer is not None and volunteer.user_id else None


def members_remind(*, today: dt.date | None = None) -> int:
    """Remind members (and their unit's staff) before the term ends; each reminder is sent once."""
    today = today or timezone.localdate()
    sent = 0
    days = conf.member_reminder_days()
    for d in sorted(days):
        reminded = MemberReminder.objects.filter(member=OuterRef("pk"), term_end=OuterRef("term_end"),
                                                 days_before__lte=d)
        due = (Member.objects.filter(status=Member.Status.ACTIVE, term_end__gte=today,
                                     term_end__lte=today + dt.timedelta(days=d))
               .exclude(_exempt_on(today)).exclude(Exists(reminded)).select_related("org", "person__volunteer__user"))
        for member in due:
            with transaction.atomic():
                MemberReminder.objects.bulk_create(
                    [MemberReminder(member=member, term_end=member.term_end, days_before=x) for x in days if x >= d],
                    ignore_conflicts=True)
                _remind(member)
            sent += 1
    return sent


def _remind(member: Member) -> None:
    title = _("Membership %(no)s expires on %(date)s") % {"no": member.member_no, "date": member.term_end}
    user = member_user(member)
    if user is not None:
        notify(recipients=[user], category="volunteers.membership", title=title,
               body=_("Pay the membership dues to your unit to stay a member."), url=reverse("volunteers:my-card"))
    notify(recipients=staff_to_notify(member.org), category="volunteers.membership", title=title,
           body=member.display_name, url=reverse("volunteers:member-detail", args=[member.pk]))


@transaction.atomic
def members_lapse(*, today: dt.date | None = None) -> int:
    """Active members whose term ended and who are not exempt today become lapsed (one audit record)."""
    today = today or timezone.localdate()
    due = Member.objects.filter(status=Member.Status.ACTIVE, term_end__lt=today).exclude(_exempt_on(today))
    ids = list(due.values_list("pk", flat=True))
    if ids:
        Member.objects.filter(pk__in=ids).update(status=Member.Status.LAPSED, updated_at=timezone.now())
        audit_record(actor=None, action="volunteers.member.lapse", object_type="volunteers.member",
                     object_repr=_("%(n)d members") % {"n": len(ids)}, after={"members": ids[:1000], "count": len(ids)})
    return len(ids)
