"""Activities and sign-ups.

Capacity is never overbooked, even under concurrent sign-ups: every change to an activity's places
locks the activity row first (`select_for_update`, always in the order activity → sign-up rows), the
count of places taken lives on that row, and a CHECK constraint refuses `taken > capacity` should
anything else ever try. A volunteer signs up at most once per activity (unique constraint); a full
activity puts them on the waiting list, first come first served, and a freed place goes to the head
of the list at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.notifications import notify
from boai.core.scoping import org_in_scope
from boai.volunteers.codes import Skill, Speciality, from_codes, to_codes
from boai.volunteers.models import Activity, Signup, Team, Volunteer
from boai.volunteers.services.common import own_volunteer, require

MAX_CAPACITY = 10_000


@dataclass
class ActivityData:
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    activity_type: str = Speciality.COMMUNITY
    description: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    team: Team | None = None
    recruitment: str = Activity.Recruitment.OPEN
    needs_approval: bool = False
    signup_deadline: dt.datetime | None = None
    required_skills: list[str] = field(default_factory=list)
    leaders: list[Volunteer] = field(default_factory=list)

    def clean(self, org) -> dict:
        errors: dict[str, list] = {}

        def err(key, message):
            errors.setdefault(key, []).append(message)

        title, place = " ".join((self.title or "").split()), " ".join((self.place or "").split())
        if not title:
            err("title", _("Enter a title."))
        if not place:
            err("place", _("Enter the place."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            err("ends_at", _("The activity must end after it starts."))
        if self.ends_at and self.starts_at and self.ends_at - self.starts_at > dt.timedelta(days=31):
            err("ends_at", _("An activity lasts at most 31 days: split longer service into several."))
        if not self.capacity or not 0 < self.capacity <= MAX_CAPACITY:
            err("capacity", _("The number of places must be between 1 and %(n)d.") % {"n": MAX_CAPACITY})
        if self.activity_type not in Speciality.values:
            err("activity_type", _("Choose the activity type."))
        if self.signup_deadline and self.starts_at and self.signup_deadline > self.starts_at:
            err("signup_deadline", _("Sign-up must close before the activity starts."))
        if (self.latitude is None) != (self.longitude is None):
            err("latitude", _("Give both latitude and longitude, or neither."))
        if self.latitude is not None and not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            err("latitude", _("This is not a point on the map."))
        if self.recruitment == Activity.Recruitment.TEAM and self.team is None:
            err("team", _("Choose the team whose members may sign up."))
        if self.team is not None and not self.team.org.path.startswith(org.path[:8]):
            err("team", _("The team must belong to the organiser's branch."))
        for leader in self.leaders:
            if leader.status != Volunteer.Status.ACTIVE:
                err("leaders", _("%(name)s is not an active volunteer.") % {"name": leader.person.name})
        if errors:
            raise ValidationError(errors)
        return {"title": title[:120], "place": place[:200], "starts_at": self.starts_at, "ends_at": self.ends_at,
                "capacity": self.capacity, "activity_type": self.activity_type,
                "description": self.description.strip(), "latitude": self.latitude, "longitude": self.longitude,
                "team": self.team, "recruitment": self.recruitment, "needs_approval": self.needs_approval,
                "signup_deadline": self.signup_deadline, "required_skills": to_codes(self.required_skills, Skill)}


def _check_leaders(actor, leaders) -> None:
    if actor is None:
        return
    for leader in leaders:
        if not org_in_scope(leader.org, actor):
            raise ValidationError({"leaders": _("A leader must be a volunteer within your scope.")})


@transaction.atomic
def activity_create(*, actor, org, data: ActivityData, publish: bool = False) -> Activity:
    require(actor, "volunteers.add", org)
    fields = data.clean(org)
    _check_leaders(actor, data.leaders)
    activity = Activity.objects.create(org=org, created_by=actor,
                                       status=Activity.Status.PUBLISHED if publish else Activity.Status.DRAFT,
                                       **fields)
    activity.leaders.set(data.leaders)
    audit_record(actor=actor, action="volunteers.activity.create", obj=activity,
                 after={**activity.snapshot(), "leaders": [v.pk for v in data.leaders]})
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("org", "team").get(pk=activity.pk)


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: ActivityData) -> Activity:
    activity = _locked(activity)
    require(actor, "volunteers.change", activity.org)
    if activity.status in (Activity.Status.CANCELLED, Activity.Status.CLOSED):
        raise ValidationError(_("A cancelled or closed activity cannot be changed."))
    fields = data.clean(activity.org)
    _check_leaders(actor, data.leaders)
    if fields["capacity"] < activity.taken:
        raise ValidationError({"capacity": _("%(n)d places are taken already: cancel sign-ups first.")
                               % {"n": activity.taken}})
    before = activity.snapshot()
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.save()
    activity.leaders.set(data.leaders)
    _promote(activity, actor)
    old, new = diff(before, activity.snapshot())
    audit_record(actor=actor, action="volunteers.activity.update", obj=activity, before=old, after=new)
    return activity


@transaction.atomic
def activity_set_status(*, actor, activity: Activity, status: str, reason: str = "") -> Activity:
    """Publish a draft, cancel (everyone signed up is told), or close after the event."""
    activity = _locked(activity)
    require(actor, "volunteers.change", activity.org)
    moves = {Activity.Status.PUBLISHED: {Activity.Status.DRAFT},
             Activity.Status.CANCELLED: {Activity.Status.DRAFT, Activity.Status.PUBLISHED},
             Activity.Status.CLOSED: {Activity.Status.PUBLISHED}}
    if activity.status not in moves.get(status, set()):
        raise ValidationError(_("An activity that is “%(old)s” cannot become “%(new)s”.")
                              % {"old": activity.get_status_display(), "new": Activity.Status(status).label})
    if status == Activity.Status.CANCELLED and len(" ".join(reason.split())) < 2:
        raise ValidationError({"reason": _("Give the reason: everyone signed up will read it.")})
    old = activity.status
    activity.status = status
    activity.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"volunteers.activity.{status}", obj=activity, before={"status": old},
                 after={"status": status}, reason=reason)
    if status == Activity.Status.CANCELLED:
        signed = Signup.objects.filter(activity=activity, status__in=[*Signup.HOLDS_PLACE, Signup.Status.WAITING])
        users = [s.volunteer.user for s in signed.select_related("volunteer__user") if s.volunteer.user_id]
        notify(recipients=users, category="volunteers.activity",
               title=_("Activity cancelled: %(title)s") % {"title": activity.title}, body=reason,
               url=reverse("volunteers:my-activity", args=[activity.pk]))
    return activity


# --- sign-ups ------------------------------------------------------------------------------------

def eligibility_error(activity: Activity, volunteer: Volunteer, now: dt.datetime) -> str | None:
    """Why this volunteer cannot sign up now (None: they can)."""
    if volunteer.status != Volunteer.Status.ACTIVE:
        return _("Only active volunteers can sign up; your registration is not active.")
    if activity.status != Activity.Status.PUBLISHED:
        return _("This activity is not open for sign-up.")
    if now >= (activity.signup_deadline or activity.starts_at):
        return _("Sign-up for this activity has closed.")
    if activity.recruitment == Activity.Recruitment.TEAM and not volunteer.team_memberships.filter(
            team_id=activity.team_id, left_on__isnull=True).exists():
        return _("Only members of %(team)s can sign up.") % {"team": activity.team.name}
    missing = set(from_codes(activity.required_skills)) - set(from_codes(volunteer.skills))
    if missing:
        names = dict(Skill.choices)
        return _("This activity needs: %(skills)s.") % {"skills": "、".join(str(names[m]) for m in sorted(missing))}
    return None


def _queue_status(activity: Activity) -> str:
    if activity.taken < activity.capacity:
        activity.taken += 1
        return Signup.Status.PENDING if activity.needs_approval else Signup.Status.CONFIRMED
    return Signup.Status.WAITING


@transaction.atomic
def signup_create(*, actor, activity: Activity) -> Signup:
    """The volunteer (the actor) signs up: a place if one is left, otherwise the waiting list."""
    volunteer = own_volunteer(actor)
    activity = _locked(activity)
    now = timezone.now()
    problem = eligibility_error(activity, volunteer, now)
    if problem:
        raise ValidationError(problem)
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    if signup is not None and signup.status not in (Signup.Status.CANCELLED,):
        raise ValidationError(_("You have signed up for this activity already.") if signup.status != "rejected"
                              else _("The leader did not accept your sign-up for this activity."))
    status = _queue_status(activity)
    try:
        with transaction.atomic():
            if signup is None:
                signup = Signup.objects.create(activity=activity, volunteer=volunteer, status=status, queued_at=now)
            else:
                signup.status, signup.queued_at, signup.decided_at, signup.reason = status, now, None, ""
                signup.save(update_fields=["status", "queued_at", "decided_at", "reason"])
            activity.save(update_fields=["taken"])
    except IntegrityError:  # the same volunteer in two tabs at once: the unique constraint decides
        raise ValidationError(_("You have signed up for this activity already.")) from None
    audit_record(actor=actor, action="volunteers.signup.create", obj=activity, after={
        "volunteer": volunteer.pk, "status": status, "taken": activity.taken})
    return signup


def _release(activity: Activity, *, held: bool, actor) -> None:
    """A sign-up that held a place gives it back, and the head of the waiting list gets it."""
    if held:
        activity.taken -= 1
        activity.save(update_fields=["taken"])
    _promote(activity, actor)


def _promote(activity: Activity, actor) -> list[Signup]:
    promoted = []
    while activity.taken < activity.capacity:
        head = (Signup.objects.select_for_update(of=("self",)).filter(activity=activity, status=Signup.Status.WAITING)
                .order_by("queued_at", "id").select_related("volunteer__user").first())
        if head is None:
            break
        head.status = _queue_status(activity)
        head.decided_at = timezone.now()
        head.save(update_fields=["status", "decided_at"])
        activity.save(update_fields=["taken"])
        promoted.append(head)
        audit_record(actor=actor, action="volunteers.signup.promote", obj=activity,
                     after={"volunteer": head.volunteer_id, "status": head.status})
        if head.volunteer.user_id:
            notify(recipients=[head.volunteer.user], category="volunteers.activity",
                   title=_("A place is free for you: %(title)s") % {"title": activity.title},
                   body=_("You were first on the waiting list."),
                   url=reverse("volunteers:my-activity", args=[activity.pk]))
    return promoted


def _leader_check(actor, activity: Activity) -> None:
    if actor is not None and not Activity.objects.led_by(actor).filter(pk=activity.pk).exists():
        raise ValidationError(_("Only the organiser or a leader of this activity can do this."))


@transaction.atomic
def signup_cancel(*, actor, signup: Signup, reason: str = "") -> Signup:
    """Cancelled by the volunteer themself (before the start) or by the activity's leader."""
    activity = _locked(signup.activity)
    signup = Signup.objects.select_for_update(of=("self",)).select_related("volunteer").get(pk=signup.pk)
    is_self = actor is not None and signup.volunteer.user_id == actor.pk
    if not is_self:
        _leader_check(actor, activity)
    elif timezone.now() >= activity.starts_at:
        raise ValidationError(_("The activity has started: ask the leader."))
    if signup.status not in (*Signup.HOLDS_PLACE, Signup.Status.WAITING):
        raise ValidationError(_("This sign-up is not active."))
    old = signup.status
    signup.status, signup.decided_at, signup.reason = Signup.Status.CANCELLED, timezone.now(), reason[:200]
    signup.decided_by = None if is_self else actor
    signup.save(update_fields=["status", "decided_at", "reason", "decided_by"])
    _release(activity, held=old in Signup.HOLDS_PLACE, actor=actor)
    audit_record(actor=actor, action="volunteers.signup.cancel", obj=activity,
                 before={"volunteer": signup.volunteer_id, "status": old}, after={"status": signup.status},
                 reason=reason)
    return signup


@transaction.atomic
def signup_decide(*, actor, signup: Signup, approve: bool, reason: str = "") -> Signup:
    """A leader accepts or refuses a sign-up waiting for approval (its place was held meanwhile)."""
    activity = _locked(signup.activity)
    signup = Signup.objects.select_for_update(of=("self",)).select_related("volunteer__user").get(pk=signup.pk)
    _leader_check(actor, activity)
    if signup.status != Signup.Status.PENDING:
        raise ValidationError(_("This sign-up is not waiting for approval."))
    if not approve and len(" ".join(reason.split())) < 2:
        raise ValidationError({"reason": _("Give the reason: the volunteer will read it.")})
    signup.decided_at, signup.decided_by, signup.reason = timezone.now(), actor, reason[:200]
    if approve:
        signup.status = Signup.Status.CONFIRMED
        signup.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    else:
        signup.status = Signup.Status.REJECTED
        signup.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        _release(activity, held=True, actor=actor)
    audit_record(actor=actor, action="volunteers.signup.approve" if approve else "volunteers.signup.reject",
                 obj=activity, after={"volunteer": signup.volunteer_id, "status": signup.status}, reason=reason)
    if signup.volunteer.user_id:
        title = (_("Your sign-up is confirmed: %(title)s") if approve
                 else _("Your sign-up was not accepted: %(title)s")) % {"title": activity.title}
        notify(recipients=[signup.volunteer.user], category="volunteers.activity", title=title, body=reason,
               url=reverse("volunteers:my-activity", args=[activity.pk]))
    return signup
