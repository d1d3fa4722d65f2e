"""Incentives: star levels with a public notice period, points and their redemption, the rules
themselves (thresholds, notice, points, active-volunteer rule, hours rules), and certificates."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import LOUTER
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_cte import CTE, with_cte

from boai.core.audit import audit_record, diff
from boai.core.notifications import notify
from boai.orgs.models import Org
from boai.volunteers.models import (
    Certificate,
    HoursRule,
    IncentivePolicy,
    PointEntry,
    Redemption,
    Reward,
    ServiceRecord,
    StarAward,
    Volunteer,
)
from boai.volunteers.models.incentives import DEFAULT_STAR_THRESHOLDS
from boai.volunteers.services.common import own_volunteer, require

STAR_LEVELS = 5


def policy_for() -> IncentivePolicy:
    """The society's policy, or the national defaults when none has been saved."""
    policy = IncentivePolicy.objects.filter(org__depth=1).first()
    return policy or IncentivePolicy(star_thresholds=list(DEFAULT_STAR_THRESHOLDS))


def level_for(hours: Decimal, thresholds: Sequence) -> int:
    return sum(1 for t in thresholds if hours >= Decimal(str(t)))


def points_for(hours: Decimal, policy: IncentivePolicy) -> int:
    return int(hours * policy.points_per_hour)


def _notice(volunteer: Volunteer, level: int, policy: IncentivePolicy, today: dt.date) -> StarAward:
    return StarAward(volunteer=volunteer, level=level, hours_at=volunteer.certified_hours, notice_starts=today,
                     notice_ends=today + dt.timedelta(days=policy.notice_days))


def stars_check(*, volunteer: Volunteer, policy: IncentivePolicy, actor=None) -> StarAward | None:
    """After this volunteer's hours changed: open a public notice for a newly reached level, and
    withdraw notices for levels no longer reached (a correction took hours away)."""
    level = level_for(volunteer.certified_hours, policy.star_thresholds)
    StarAward.objects.filter(volunteer=volunteer, status=StarAward.Status.NOTICE, level__gt=level).update(
        status=StarAward.Status.WITHDRAWN, decided_at=timezone.now(), reason=_("Hours corrected below the threshold"))
    reached = StarAward.objects.filter(volunteer=volunteer).exclude(status=StarAward.Status.WITHDRAWN).aggregate(
        m=Max("level"))["m"] or 0
    if level <= max(reached, volunteer.star_level):
        return None
    award = _notice(volunteer, level, policy, timezone.localdate())
    award.save()
    audit_record(actor=actor, action="volunteers.star.notice", obj=volunteer, after={
        "level": level, "hours": volunteer.certified_hours, "notice_ends": award.notice_ends})
    if policy.notice_days == 0:
        _award([award], actor)
    return award


def _award(awards: list[StarAward], actor) -> int:
    now = timezone.now()
    for award in awards:
        StarAward.objects.filter(pk=award.pk).update(status=StarAward.Status.AWARDED, decided_at=now)
        Volunteer.objects.filter(pk=award.volunteer_id, star_level__lt=award.level).update(star_level=award.level)
    if awards:
        audit_record(actor=actor, action="volunteers.star.award", object_type="volunteers.staraward",
                     object_repr=_("%(n)d star levels") % {"n": len(awards)},
                     after={"awards": [[a.volunteer_id, a.level] for a in awards]})
        users = Volunteer.objects.filter(pk__in=[a.volunteer_id for a in awards], user__isnull=False)
        for volunteer in users.select_related("user"):
            notify(recipients=[volunteer.user], category="volunteers.hours",
                   title=_("You are now a %(n)d-star volunteer") % {"n": volunteer.star_level},
                   url=reverse("volunteers:me"))
    return len(awards)


@transaction.atomic
def stars_finalise(*, actor=None, today: dt.date | None = None) -> int:
    """Award every level whose public notice has ended without withdrawal (a daily job)."""
    today = today or timezone.localdate()
    due = list(StarAward.objects.select_for_update(of=("self",))
               .filter(status=StarAward.Status.NOTICE, notice_ends__lt=today).order_by("volunteer_id", "level"))
    return _award(due, actor)


@transaction.atomic
def star_withdraw(*, actor, award: StarAward, reason: str) -> StarAward:
    """An objection during the public notice upheld: the level is not awarded."""
    award = StarAward.objects.select_for_update(of=("self",)).select_related("volunteer__org").get(pk=award.pk)
    require(actor, "volunteers.review", award.volunteer.org)
    if award.status != StarAward.Status.NOTICE:
        raise ValidationError(_("Only a level in public notice can be withdrawn."))
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    award.status, award.decided_at, award.decided_by, award.reason = (StarAward.Status.WITHDRAWN, timezone.now(),
                                                                     actor, reason[:200])
    award.save()
    audit_record(actor=actor, action="volunteers.star.withdraw", obj=award.volunteer,
                 after={"level": award.level}, reason=reason)
    return award


def level_case(thresholds: Sequence, field: str) -> Case:
    """The star level of an hours expression, computed in the database."""
    whens = [When(**{f"{field}__gte": Decimal(str(t))}, then=Value(level))
             for level, t in sorted(enumerate(thresholds, start=1), reverse=True)]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def stars_recompute_all(*, actor=None, batch: int = 500) -> dict:
    """Recompute every volunteer's certified hours from the records and open public notices for newly
    reached levels (nightly, and after imports). One query (the records aggregated per volunteer in a
    common table expression, django-cte, joined to the volunteers) returns only the volunteers whose
    stored hours differ or who reached a higher level; the writes are for those few."""
    policy = policy_for()
    totals = CTE(ServiceRecord.objects.filter(status=ServiceRecord.Status.CERTIFIED).order_by()
                 .values("volunteer_id").annotate(h=Sum("hours")), name="totals")
    joined = totals.join(Volunteer.objects.order_by(), id=totals.col.volunteer_id, _join_type=LOUTER)
    rows = list(with_cte(totals, select=joined)
                .annotate(total=Coalesce(totals.col.h, Value(Decimal("0.00"))))
                .annotate(level=level_case(policy.star_thresholds, "total"))
                .filter(~Q(total=F("certified_hours")) | Q(level__gt=F("star_level")))
                .values_list("pk", "total", "certified_hours", "star_level", "level"))
    changed = [Volunteer(pk=pk, certified_hours=total) for pk, total, stored, _s, _l in rows if total != stored]
    rising = {pk: (total, level) for pk, total, _h, star, level in rows if level > star}
    reached = dict(StarAward.objects.filter(volunteer_id__in=list(rising)).exclude(status=StarAward.Status.WITHDRAWN)
                   .order_by().values_list("volunteer_id").annotate(m=Max("level"))) if rising else {}
    today = timezone.localdate()
    notices = [_notice(Volunteer(pk=pk, certified_hours=total), level, policy, today)
               for pk, (total, level) in rising.items() if level > reached.get(pk, 0)]
    with transaction.atomic():
        # small batches: each UPDATE carries a CASE over its rows, which the database scans per row
        Volunteer.objects.bulk_update(changed, ["certified_hours"], batch_size=batch)
        StarAward.objects.bulk_create(notices, batch_size=batch)
        audit_record(actor=actor, action="volunteers.star.recompute", object_type="volunteers.volunteer",
                     object_repr=_("all volunteers"), after={"hours_changed": len(changed), "notices": len(notices)})
        if policy.notice_days == 0 and notices:
            _award(list(StarAward.objects.filter(status=StarAward.Status.NOTICE)), actor)
    return {"hours_changed": len(changed), "notices": len(notices)}


# --- rules ---------------------------------------------------------------------------------------

@transaction.atomic
def policy_update(*, actor, org: Org, star_thresholds: list, notice_days: int, points_per_hour: int,
                  active_hours_per_month: Decimal, active_window_months: int,
                  active_min_months: int | None) -> IncentivePolicy:
    require(actor, "volunteers.configure", org)
    if org.depth != 1:
        raise ValidationError(_("The incentive policy is set by the society."))
    errors = {}
    thresholds = [Decimal(str(t)) for t in star_thresholds]
    if len(thresholds) != STAR_LEVELS or any(t <= 0 for t in thresholds) or thresholds != sorted(set(thresholds)):
        errors["star_thresholds"] = [_("Give five increasing positive numbers of hours.")]
    if not 1 <= active_window_months <= 60:
        errors["active_window_months"] = [_("Between 1 and 60 months.")]
    if active_min_months is not None and not 1 <= active_min_months <= active_window_months:
        errors["active_min_months"] = [_("At most the number of months in the window.")]
    if errors:
        raise ValidationError(errors)
    policy = IncentivePolicy.objects.select_for_update(of=("self",)).filter(org=org).first() or IncentivePolicy(org=org)
    before = policy.snapshot() if policy.pk else {}
    policy.star_thresholds = [int(t) if t == int(t) else float(t) for t in thresholds]
    policy.notice_days, policy.points_per_hour = notice_days, points_per_hour
    policy.active_hours_per_month, policy.active_window_months = active_hours_per_month, active_window_months
    policy.active_min_months = active_min_months
    policy.save()
    old, new = diff(before, policy.snapshot())
    audit_record(actor=actor, action="volunteers.policy.update", obj=policy, org=org, before=old, after=new)
    return policy


@transaction.atomic
def hours_rule_save(*, actor, org: Org, activity_type: str, rounding_minutes: int, rounding: str,
                    minimum_minutes: int, daily_cap_hours: Decimal | None) -> HoursRule:
    require(actor, "volunteers.configure", org)
    if rounding_minutes not in (0, 15, 30, 60):
        raise ValidationError({"rounding_minutes": _("Round to 15, 30 or 60 minutes, or not at all.")})
    if daily_cap_hours is not None and not Decimal("0.5") <= daily_cap_hours <= 24:
        raise ValidationError({"daily_cap_hours": _("A daily cap is between 0.5 and 24 hours.")})
    if minimum_minutes > 24 * 60:
        raise ValidationError({"minimum_minutes": _("The minimum cannot exceed a day.")})
    rule = HoursRule.objects.select_for_update(of=("self",)).filter(org=org, activity_type=activity_type).first()
    before = rule.snapshot() if rule else {}
    rule = rule or HoursRule(org=org, activity_type=activity_type)
    rule.rounding_minutes, rule.rounding, rule.minimum_minutes = rounding_minutes, rounding, minimum_minutes
    rule.daily_cap_hours = daily_cap_hours
    rule.save()
    old, new = diff(before, rule.snapshot())
    audit_record(actor=actor, action="volunteers.hours_rule.save", obj=rule, before=old, after=new)
    return rule


@transaction.atomic
def hours_rule_delete(*, actor, rule: HoursRule) -> None:
    require(actor, "volunteers.configure", rule.org)
    audit_record(actor=actor, action="volunteers.hours_rule.delete", obj=rule, before=rule.snapshot())
    rule.delete()


# --- points and rewards --------------------------------------------------------------------------

@transaction.atomic
def reward_save(*, actor, org: Org, name: str, points_cost: int, description: str = "", stock: int | None = None,
                is_active: bool = True, reward: Reward | None = None) -> Reward:
    require(actor, "volunteers.configure", reward.org if reward else org)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Name the reward.")})
    if points_cost <= 0:
        raise ValidationError({"points_cost": _("A reward costs at least one point.")})
    before = reward.snapshot() if reward else {}
    reward = reward or Reward(org=org)
    reward.name, reward.points_cost, reward.description = name[:80], points_cost, description.strip()[:300]
    reward.stock, reward.is_active = stock, is_active
    reward.save()
    old, new = diff(before, reward.snapshot())
    audit_record(actor=actor, action="volunteers.reward.save", obj=reward, before=old, after=new)
    return reward


@transaction.atomic
def redemption_request(*, actor, reward: Reward) -> Redemption:
    """The volunteer exchanges points for a reward of their branch (or the city's); points are held at once."""
    volunteer = own_volunteer(actor)
    volunteer = Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer.pk)
    reward = Reward.objects.select_for_update(of=("self",)).get(pk=reward.pk)
    if not reward.is_active or not volunteer.org.path.startswith(reward.org.path):
        raise ValidationError(_("This reward is not available to you."))
    if reward.stock is not None and reward.stock < 1:
        raise ValidationError(_("This reward is out of stock."))
    if volunteer.points_balance < reward.points_cost:
        raise ValidationError(_("You need %(need)d points; you have %(have)d.") % {
            "need": reward.points_cost, "have": volunteer.points_balance})
    redemption = Redemption.objects.create(volunteer=volunteer, reward=reward, points=reward.points_cost)
    PointEntry.objects.create(volunteer=volunteer, delta=-reward.points_cost, kind=PointEntry.Kind.REDEMPTION,
                              redemption=redemption, created_by=actor)
    Volunteer.objects.filter(pk=volunteer.pk).update(points_balance=F("points_balance") - reward.points_cost)
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
    audit_record(actor=actor, action="volunteers.redemption.request", obj=redemption, org=volunteer.org,
                 after={"reward": reward.pk, "points": reward.points_cost})
    return redemption


@transaction.atomic
def redemption_decide(*, actor, redemption: Redemption, fulfil: bool) -> Redemption:
    """Handed over, or cancelled (the points and the stock come back)."""
    redemption = Redemption.objects.select_for_update(of=("self",)).select_related("volunteer__org", "reward").get(
        pk=redemption.pk)
    require(actor, "volunteers.change", redemption.volunteer.org)
    if redemption.status != Redemption.Status.REQUESTED:
        raise ValidationError(_("This redemption has been decided already."))
    redemption.status = Redemption.Status.FULFILLED if fulfil else Redemption.Status.CANCELLED
    redemption.decided_at, redemption.decided_by = timezone.now(), actor
    redemption.save()
    if not fulfil:
        PointEntry.objects.create(volunteer_id=redemption.volunteer_id, delta=redemption.points,
                                  kind=PointEntry.Kind.REFUND, redemption=redemption, created_by=actor)
        Volunteer.objects.filter(pk=redemption.volunteer_id).update(points_balance=F("points_balance") +
                                                                    redemption.points)
        Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(stock=F("stock") + 1)
    audit_record(actor=actor, action=f"volunteers.redemption.{redemption.status}", obj=redemption,
                 org=redemption.volunteer.org, after={"status": redemption.status})
    return redemption


# --- certificates --------------------------------------------------------------------------------

def mask_name(name: str) -> str:
    """张*, 欧阳** : the surname's first character stays, every other is a star."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _serial(today: dt.date) -> str:
    return f"ZYFW{today:%Y%m%d}{secrets.token_hex(3).upper()}"


@transaction.atomic
def certificate_issue(*, actor, volunteer: Volunteer, period_start: dt.date, period_end: dt.date) -> Certificate:
    """A 志愿服务证明 for the certified hours of a period. The volunteer may issue their own; staff
    issue for volunteers in their scope. The issuing unit is the volunteer's unit."""
    volunteer = Volunteer.objects.select_related("person", "org").get(pk=volunteer.pk)
    if actor is None or volunteer.user_id != actor.pk:
        require(actor, "volunteers.change", volunteer.org)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The end of the period is before its start.")})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": _("The period cannot end in the future.")})
    records = ServiceRecord.objects.filter(volunteer=volunteer, status=ServiceRecord.Status.CERTIFIED,
                                           service_date__range=(period_start, period_end))
    summary = records.aggregate(hours=Sum("hours"), n=Count("id"))
    if not summary["n"]:
        raise ValidationError(_("There are no certified hours in this period."))
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    volunteer=volunteer, org=volunteer.org, serial=_serial(today), code=secrets.token_urlsafe(18),
                    holder_name=volunteer.person.name, holder_masked=mask_name(volunteer.person.name),
                    id_masked=volunteer.person.id_number_masked, unit_name=volunteer.org.name,
                    period_start=period_start, period_end=period_end, hours=summary["hours"],
                    records_count=summary["n"], issued_at=timezone.now(), issued_by=actor)
            break
        except IntegrityError:  # a serial collision, astronomically unlikely: draw again
            continue
    else:
        raise ValidationError(_("Could not number the certificate; try again."))
    audit_record(actor=actor, action="volunteers.certificate.issue", obj=certificate, after={
        "volunteer": volunteer.pk, "hours": certificate.hours, "period": [period_start, period_end]})
    return certificate


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update(of=("self",)).select_related("org").get(pk=certificate.pk)
    require(actor, "volunteers.change", certificate.org)
    if certificate.revoked_at:
        raise ValidationError(_("This certificate is revoked already."))
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason: the public verification page shows it is revoked.")})
    certificate.revoked_at, certificate.revoke_reason = timezone.now(), reason[:200]
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    audit_record(actor=actor, action="volunteers.certificate.revoke", obj=certificate, reason=reason)
    return certificate
