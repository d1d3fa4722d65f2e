"""Permission-matrix entries of the volunteers module (see boai.testing.matrix).

Self-service routes are `login_only`: any logged-in user, their own data only. Their object
factories make the object *for the requesting user* in the own case (the user's volunteer profile
is created on first use) and someone else's in the other branch, which must be a 404. Public
verification pages are global: their "other" case is an unknown code (404)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from boai.testing.matrix import Route
from boai.volunteers.models import (
    HoursRule,
    Redemption,
    Reward,
    StarAward,
    TeamMembership,
    Volunteer,
)
from boai.volunteers.testing import (
    make_activity,
    make_certificate,
    make_member,
    make_record,
    make_signup,
    make_team,
    make_volunteer,
    volunteer_for,
)


def _own(unit, user) -> bool:
    return bool(user.org_id) and unit.path.startswith(user.org.path)


def _membership(unit):
    return TeamMembership.objects.create(team=make_team(unit), volunteer=make_volunteer(unit),
                                         joined_on=timezone.localdate())


def _star(unit):
    volunteer = make_volunteer(unit)
    today = timezone.localdate()
    return StarAward.objects.create(volunteer=volunteer, level=1, hours_at=100, notice_starts=today,
                                    notice_ends=today + dt.timedelta(days=7))


def _pending_signup(unit):
    activity = make_activity(unit, needs_approval=True)
    return make_signup(activity, make_volunteer(unit), status="pending")


def _redemption(unit):
    reward = Reward.objects.create(org=unit, name="徽章", points_cost=1)
    return Redemption.objects.create(volunteer=make_volunteer(unit), reward=reward, points=1)


def _my_activity(unit, user):
    """Own: an activity open to the user's volunteer profile, with their sign-up. Other: another branch's."""
    activity = make_activity(unit)
    if _own(unit, user):
        make_signup(activity, volunteer_for(user, unit))
    return activity


def _my_certificate(unit, user):
    return make_certificate(volunteer_for(user, unit) if _own(unit, user) else make_volunteer(unit))


def _public(factory, attr):
    def make(unit, user):
        if _own(unit, user):
            return factory(unit)
        return type(factory(unit))(**{attr: "unknown-code-0000"})  # an unknown code: 404 like a missing one
    return make


OBJECTS = {
    "volunteer": lambda unit: make_volunteer(unit),
    "pending_volunteer": lambda unit: make_volunteer(unit, status=Volunteer.Status.PENDING),
    "team": lambda unit: make_team(unit),
    "membership": _membership,
    "activity": lambda unit: make_activity(unit),
    "signup": _pending_signup,
    "record": lambda unit: make_record(make_volunteer(unit)),
    "certified_record": lambda unit: make_record(make_volunteer(unit), status="certified"),
    "star": _star,
    "volunteer_certificate": lambda unit: make_certificate(make_volunteer(unit)),
    "rule": lambda unit: HoursRule.objects.get_or_create(org=unit, activity_type="first_aid")[0],
    "reward": lambda unit: Reward.objects.create(org=unit, name="荣誉证书", points_cost=10),
    "redemption": _redemption,
    "member": lambda unit: make_member(unit),
    "my_activity": _my_activity,
    "my_certificate": _my_certificate,
    "public_certificate": _public(lambda unit: make_certificate(make_volunteer(unit)), "code"),
    "public_member": _public(lambda unit: make_member(unit), "card_code"),
}


def _name(obj) -> str:
    return obj.person.name


def _volunteer_name(obj) -> str:
    return obj.volunteer.person.name


V = "volunteers:"
ROUTES = {
    f"{V}volunteer-list": Route(perm="volunteers.view", lists="volunteer", search_param="q", marker=_name),
    f"{V}volunteer-export": Route(perm="volunteers.export", lists="volunteer", search_param="q", marker=_name),
    f"{V}volunteer-create": Route(perm="volunteers.add"),
    f"{V}volunteer-detail": Route(perm="volunteers.view", obj="volunteer"),
    f"{V}volunteer-update": Route(perm="volunteers.change", obj="volunteer"),
    f"{V}volunteer-review": Route(perm="volunteers.review", obj="pending_volunteer"),
    f"{V}volunteer-status": Route(perm="volunteers.change", obj="volunteer"),
    f"{V}volunteer-record": Route(perm="volunteers.change", obj="volunteer"),
    f"{V}volunteer-certificate": Route(perm="volunteers.change", obj="volunteer"),
    f"{V}team-list": Route(perm="volunteers.view", lists="team", search_param="q", marker=lambda t: t.name),
    f"{V}team-create": Route(perm="volunteers.add"),
    f"{V}team-detail": Route(perm="volunteers.view", obj="team"),
    f"{V}team-update": Route(perm="volunteers.change", obj="team"),
    f"{V}team-member-add": Route(perm="volunteers.change", obj="team"),
    f"{V}team-member-leave": Route(perm="volunteers.change", obj="membership"),
    f"{V}activity-list": Route(perm="volunteers.view", lists="activity", search_param="q", marker=lambda a: a.title),
    f"{V}activity-create": Route(perm="volunteers.add"),
    f"{V}activity-detail": Route(perm="volunteers.view", obj="activity"),
    f"{V}activity-update": Route(perm="volunteers.change", obj="activity"),
    f"{V}activity-status": Route(perm="volunteers.change", obj="activity"),
    f"{V}activity-certify": Route(perm="volunteers.change", obj="activity", method="post", ok=(302,)),
    f"{V}activity-qr": Route(perm="volunteers.change", obj="activity"),
    f"{V}activity-qr-code": Route(perm="volunteers.change", obj="activity"),
    f"{V}activity-attendance": Route(perm="volunteers.change", obj="activity"),
    f"{V}signup-decide": Route(perm="volunteers.change", obj="signup"),
    f"{V}signup-cancel": Route(perm="volunteers.change", obj="signup"),
    f"{V}record-list": Route(perm="volunteers.view", lists="record", search_param="q", marker=_volunteer_name),
    f"{V}record-export": Route(perm="volunteers.export", lists="record", search_param="q", marker=_volunteer_name),
    f"{V}record-national": Route(perm="volunteers.national_export", lists="certified_record",
                                 marker=_volunteer_name),
    f"{V}record-certify": Route(perm="volunteers.change", method="post", ok=(302,)),
    f"{V}record-detail": Route(perm="volunteers.view", obj="record"),
    f"{V}record-reject": Route(perm="volunteers.change", obj="record"),
    f"{V}record-correct": Route(perm="volunteers.change", obj="record"),
    f"{V}star-list": Route(perm="volunteers.view", lists="star", search_param="q", marker=_volunteer_name),
    f"{V}star-withdraw": Route(perm="volunteers.review", obj="star"),
    f"{V}certificate-list": Route(perm="volunteers.view", lists="volunteer_certificate", search_param="q",
                                  marker=lambda c: c.serial),
    f"{V}certificate-detail": Route(perm="volunteers.view", obj="volunteer_certificate"),
    f"{V}certificate-pdf": Route(perm="volunteers.view", obj="volunteer_certificate"),
    f"{V}certificate-revoke": Route(perm="volunteers.change", obj="volunteer_certificate"),
    f"{V}settings": Route(perm="volunteers.configure"),
    f"{V}policy": Route(perm="volunteers.configure"),
    f"{V}rule-create": Route(perm="volunteers.configure"),
    f"{V}rule-update": Route(perm="volunteers.configure", obj="rule"),
    f"{V}rule-delete": Route(perm="volunteers.configure", obj="rule", method="post", ok=(302,)),
    f"{V}reward-create": Route(perm="volunteers.configure"),
    f"{V}reward-update": Route(perm="volunteers.configure", obj="reward"),
    f"{V}redemption-decide": Route(perm="volunteers.change", obj="redemption"),
    f"{V}reports": Route(perm="volunteers.view"),
    f"{V}member-list": Route(perm="volunteers.view", lists="member", search_param="q", marker=lambda m: m.member_no),
    f"{V}member-export": Route(perm="volunteers.export", lists="member", search_param="q",
                               marker=lambda m: m.member_no),
    f"{V}member-create": Route(perm="volunteers.add"),
    f"{V}member-detail": Route(perm="volunteers.view", obj="member"),
    f"{V}member-update": Route(perm="volunteers.change", obj="member"),
    f"{V}member-card": Route(perm="volunteers.view", obj="member"),
    f"{V}member-dues": Route(perm="volunteers.change", obj="member"),
    f"{V}member-exemption": Route(perm="volunteers.review", obj="member"),
    f"{V}member-honour": Route(perm="volunteers.change", obj="member"),
    f"{V}member-withdraw": Route(perm="volunteers.change", obj="member"),
    # the volunteer's own phone pages
    f"{V}me": Route(login_only=True),
    f"{V}my-profile": Route(login_only=True),
    f"{V}my-hours": Route(login_only=True),
    f"{V}my-certificates": Route(login_only=True),
    f"{V}my-points": Route(login_only=True),
    f"{V}my-card": Route(login_only=True),
    f"{V}my-activities": Route(login_only=True),
    f"{V}my-activity": Route(login_only=True, obj="my_activity"),
    f"{V}my-signup": Route(login_only=True, obj="my_activity", method="post", ok=(302,)),
    f"{V}my-cancel": Route(login_only=True, obj="my_activity", method="post", ok=(302,)),
    f"{V}checkin": Route(login_only=True, obj="my_activity"),
    f"{V}my-certificate-pdf": Route(login_only=True, obj="my_certificate"),
    # public
    f"{V}join": Route(public=True),
    f"{V}notices": Route(public=True),
    f"{V}certificate-lookup": Route(public=True),
    f"{V}certificate-verify": Route(public=True, obj="public_certificate", obj_kwarg="code", obj_attr="code"),
    f"{V}member-verify": Route(public=True, obj="public_member", obj_kwarg="code", obj_attr="card_code"),
    # API
    "api:volunteer-list": Route(perm="volunteers.view", api=True, lists="volunteer", search_param="search",
                                marker=_name),
    "api:volunteer-detail": Route(perm="volunteers.view", api=True, obj="volunteer"),
    "api:volunteer-review": Route(perm="volunteers.review", api=True, obj="pending_volunteer", method="post",
                                  data={"approve": True}),
    "api:volunteer-team-list": Route(perm="volunteers.view", api=True, lists="team", search_param="search",
                                     marker=lambda t: t.name),
    "api:volunteer-team-detail": Route(perm="volunteers.view", api=True, obj="team"),
    "api:volunteer-activity-list": Route(perm="volunteers.view", api=True, lists="activity", search_param="search",
                                         marker=lambda a: a.title),
    "api:volunteer-activity-detail": Route(perm="volunteers.view", api=True, obj="activity"),
    "api:volunteer-signup-list": Route(perm="volunteers.view", api=True, lists="signup", marker=_volunteer_name),
    "api:volunteer-signup-detail": Route(perm="volunteers.view", api=True, obj="signup"),
    "api:volunteer-record-list": Route(perm="volunteers.view", api=True),
    "api:volunteer-record-detail": Route(perm="volunteers.view", api=True, obj="record"),
    "api:volunteer-record-certify": Route(perm="volunteers.change", api=True, obj="record", method="post"),
    "api:member-list": Route(perm="volunteers.view", api=True, lists="member", search_param="search",
                             marker=lambda m: m.member_no),
    "api:member-detail": Route(perm="volunteers.view", api=True, obj="member"),
    "api:volunteer-certificate-list": Route(perm="volunteers.view", api=True, lists="volunteer_certificate",
                                            search_param="search", marker=lambda c: c.serial),
    "api:volunteer-certificate-detail": Route(perm="volunteers.view", api=True, obj="volunteer_certificate"),
    "api:me-list": Route(login_only=True, api=True),
    "api:me-activities": Route(login_only=True, api=True),
    "api:me-records": Route(login_only=True, api=True),
    "api:me-certificates": Route(login_only=True, api=True),
    "api:me-signup": Route(login_only=True, api=True, obj="my_activity", method="post", ok=(200, 400)),
}

