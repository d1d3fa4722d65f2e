"""Services of the volunteers module: registration, review, sign-ups, attendance, certification,
corrections, stars, points, certificates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boai.core.models import AuditEntry, Notification
from boai.people.models import Person
from boai.testing.helpers import make_user
from boai.volunteers import qr, services
from boai.volunteers.models import (
    Consent,
    IncentivePolicy,
    PointEntry,
    ServiceRecord,
    Signup,
    StarAward,
    Volunteer,
)
from boai.volunteers.testing import (
    id_number,
    make_activity,
    make_person,
    make_record,
    make_signup,
    make_volunteer,
)

PASSWORD = "Str0ng-Passw0rd!"


def register(unit, number=None, name="王小明", mobile="13900001111", **consents):
    c = services.Consents(privacy=True, sensitive=True, **consents)
    return services.volunteer_register(unit=unit, name=name, id_type="resident", id_number=number or id_number(),
                                       mobile=mobile, password=PASSWORD, consents=c,
                                       profile=services.Profile(skills=["driving"]))


class TestRegistration:
    def test_creates_person_user_and_pending_volunteer(self, tree):
        reviewer = make_user(tree.branch_a, "volunteers_officer")
        volunteer = register(tree.unit_a)
        assert volunteer.status == Volunteer.Status.PENDING
        assert volunteer.person.org == tree.unit_a and volunteer.user.org == tree.unit_a
        assert volunteer.user.role_codes == {"volunteer"} and not volunteer.user.needs_second_factor
        assert {c.kind for c in volunteer.consents.all()} == {Consent.Kind.PRIVACY, Consent.Kind.SENSITIVE}
        assert AuditEntry.objects.filter(action="volunteers.volunteer.register", actor_id=volunteer.user.pk).exists()
        assert Notification.objects.filter(recipient=reviewer, category="volunteers.review").exists()

    def test_person_registered_elsewhere_is_linked_not_duplicated(self, tree):
        number = id_number()
        person = make_person(tree.unit_b, "李四", id_number=number)
        volunteer = register(tree.unit_a, number=number, name="李四")
        assert volunteer.person == person and Person.objects.count() == 1
        assert volunteer.org == tree.unit_a and Person.objects.get().org == tree.unit_b  # nothing moved

    def test_wrong_name_for_a_known_number_is_refused_without_revealing_it(self, tree):
        number = id_number()
        make_person(tree.unit_b, "李四", id_number=number)
        with pytest.raises(ValidationError) as exc:
            register(tree.unit_a, number=number, name="张三")
        assert "李四" not in str(exc.value) and tree.unit_b.name not in str(exc.value)

    def test_twice_is_refused(self, tree):
        number = id_number()
        register(tree.unit_a, number=number)
        with pytest.raises(ValidationError, match="already registered as a volunteer"):
            register(tree.unit_a, number=number, mobile="13900002222")

    def test_consents_are_required_and_minors_need_a_guardian(self, tree):
        with pytest.raises(ValidationError) as exc:
            services.volunteer_register(unit=tree.unit_a, name="王", id_type="resident", id_number=id_number(),
                                        mobile="13900001111", password=PASSWORD, consents=services.Consents())
        assert {"privacy_consent", "sensitive_consent"} <= set(exc.value.message_dict)
        child = id_number(born=timezone.localdate().replace(year=timezone.localdate().year - 10, day=1))
        with pytest.raises(ValidationError) as exc:
            register(tree.unit_a, number=child)
        assert {"guardian_name", "guardian_relation", "guardian_consent"} <= set(exc.value.message_dict)
        volunteer = register(tree.unit_a, number=child, guardian_name="王大明", guardian_relation="父亲",
                             guardian=True)
        guardian = volunteer.consents.get(kind=Consent.Kind.GUARDIAN)
        assert guardian.guardian_name == "王大明"

    def test_bad_input_keeps_nothing(self, tree):
        with pytest.raises(ValidationError) as exc:
            services.volunteer_register(unit=tree.unit_a, name="王", id_type="resident", id_number="123",
                                        mobile="12", password="x", consents=services.Consents(True, True))
        assert {"id_number", "mobile"} <= set(exc.value.message_dict)
        with pytest.raises(ValidationError) as exc:  # weak password: checked after the person is found
            register(tree.unit_a, mobile="13900003333") if False else services.volunteer_register(
                unit=tree.unit_a, name="王", id_type="resident", id_number=id_number(), mobile="13900003333",
                password="short", consents=services.Consents(True, True))
        assert "password" in exc.value.message_dict
        assert not Person.objects.exists() and not Volunteer.objects.exists()


class TestReview:
    def test_approve_and_reject(self, tree):
        officer = make_user(tree.branch_a, "volunteers_officer")
        volunteer = register(tree.unit_a)
        services.volunteer_review(actor=officer, volunteer=volunteer, approve=True)
        volunteer.refresh_from_db()
        assert volunteer.status == Volunteer.Status.ACTIVE and volunteer.joined_on == timezone.localdate()
        assert Notification.objects.filter(recipient=volunteer.user, title__contains="approved").exists()
        other = register(tree.unit_a, mobile="13900002222")
        with pytest.raises(ValidationError):
            services.volunteer_review(actor=officer, volunteer=other, approve=False, reason="")
        services.volunteer_review(actor=officer, volunteer=other, approve=False, reason="资料不全")
        other.refresh_from_db()
        assert other.status == Volunteer.Status.REJECTED and other.review_reason == "资料不全"

    def test_grassroots_operator_cannot_review_and_other_branch_is_out_of_scope(self, tree):
        from django.core.exceptions import PermissionDenied

        volunteer = register(tree.unit_a)
        with pytest.raises(PermissionDenied):
            services.volunteer_review(actor=make_user(tree.unit_a, "grassroots_operator"), volunteer=volunteer,
                                      approve=True)
        with pytest.raises(ValidationError):
            services.volunteer_review(actor=make_user(tree.branch_b, "volunteers_officer"), volunteer=volunteer,
                                      approve=True)


def volunteer_with_login(unit, **kw):
    return make_volunteer(unit, user=make_user(unit, "volunteer"), **kw)


class TestSignups:
    def test_waiting_list_and_promotion_first_come_first_served(self, tree):
        activity = make_activity(tree.unit_a, capacity=1)
        a, b, c = (volunteer_with_login(tree.unit_a) for _ in range(3))
        sa = services.signup_create(actor=a.user, activity=activity)
        sb = services.signup_create(actor=b.user, activity=activity)
        sc = services.signup_create(actor=c.user, activity=activity)
        assert [sa.status, sb.status, sc.status] == ["confirmed", "waiting", "waiting"]
        with pytest.raises(ValidationError, match="already"):
            services.signup_create(actor=a.user, activity=activity)
        services.signup_cancel(actor=a.user, signup=sa)
        sb.refresh_from_db(), sc.refresh_from_db(), activity.refresh_from_db()
        assert sb.status == "confirmed" and sc.status == "waiting" and activity.taken == 1
        assert Notification.objects.filter(recipient=b.user, title__contains=activity.title).exists()
        again = services.signup_create(actor=a.user, activity=activity)  # re-sign-up goes to the back
        assert again.pk == sa.pk and again.status == "waiting"

    def test_approval_holds_the_place(self, tree):
        leader = make_user(tree.unit_a, "grassroots_operator")
        activity = make_activity(tree.unit_a, capacity=1, needs_approval=True)
        a, b = volunteer_with_login(tree.unit_a), volunteer_with_login(tree.unit_a)
        sa = services.signup_create(actor=a.user, activity=activity)
        sb = services.signup_create(actor=b.user, activity=activity)
        assert (sa.status, sb.status) == ("pending", "waiting")
        services.signup_decide(actor=leader, signup=sa, approve=False, reason="名额调整")
        sb.refresh_from_db()
        assert sb.status == "pending"
        services.signup_decide(actor=leader, signup=sb, approve=True)
        sb.refresh_from_db()
        assert sb.status == "confirmed"

    def test_eligibility(self, tree):
        activity = make_activity(tree.unit_a, required_skills=["first_aid"])
        v = volunteer_with_login(tree.unit_a)
        with pytest.raises(ValidationError, match="needs"):
            services.signup_create(actor=v.user, activity=activity)
        pending = volunteer_with_login(tree.unit_a, status=Volunteer.Status.PENDING)
        with pytest.raises(ValidationError, match="active"):
            services.signup_create(actor=pending.user, activity=make_activity(tree.unit_a))
        past = make_activity(tree.unit_a, start=timezone.now() - dt.timedelta(hours=1))
        with pytest.raises(ValidationError, match="closed"):
            services.signup_create(actor=v.user, activity=past)

    def test_capacity_cannot_drop_below_taken(self, tree):
        activity = make_activity(tree.unit_a, capacity=2)
        for _ in range(2):
            make_signup(activity, make_volunteer(tree.unit_a))
        data = services.ActivityData(title=activity.title, place="x", starts_at=activity.starts_at,
                                     ends_at=activity.ends_at, capacity=1)
        with pytest.raises(ValidationError, match="taken"):
            services.activity_update(actor=None, activity=activity, data=data)


def running_activity(unit, **kw):
    return make_activity(unit, start=timezone.now() - dt.timedelta(minutes=10), **kw)


class TestAttendance:
    def test_scan_in_then_out_and_replay_is_refused(self, tree, settings):
        import time_machine

        activity = running_activity(tree.unit_a)
        v = volunteer_with_login(tree.unit_a)
        make_signup(activity, v)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            w = qr.current_window()
            record = services.attendance_scan(actor=v.user, activity=activity, window=w, token=qr.token(activity, w))
            assert record.status == ServiceRecord.Status.OPEN
            with pytest.raises(ValidationError, match="used already"):
                services.attendance_scan(actor=v.user, activity=activity, window=w, token=qr.token(activity, w))
            clock.shift(dt.timedelta(hours=2, minutes=40))
            w2 = qr.current_window()
            with pytest.raises(ValidationError, match="expired"):
                services.attendance_scan(actor=v.user, activity=activity, window=w, token=qr.token(activity, w))
            record = services.attendance_scan(actor=v.user, activity=activity, window=w2,
                                              token=qr.token(activity, w2))
        assert record.status == ServiceRecord.Status.RECORDED and record.hours == Decimal("2.50")
        with pytest.raises(ValidationError, match="not a check-in code"):
            services.attendance_scan(actor=v.user, activity=activity, window=w2, token="0" * 24)

    def test_neighbouring_window_is_accepted(self, tree):
        activity = running_activity(tree.unit_a)
        v = volunteer_with_login(tree.unit_a)
        make_signup(activity, v)
        w = qr.current_window() - 1
        assert services.attendance_scan(actor=v.user, activity=activity, window=w, token=qr.token(activity, w))

    def test_scan_needs_a_confirmed_signup(self, tree):
        activity = running_activity(tree.unit_a)
        v = volunteer_with_login(tree.unit_a)
        w = qr.current_window()
        with pytest.raises(ValidationError, match="no confirmed sign-up"):
            services.attendance_scan(actor=v.user, activity=activity, window=w, token=qr.token(activity, w))

    def test_manual_entry_by_the_leader_and_rule_of_the_unit(self, tree):
        services.hours_rule_save(actor=None, org=tree.unit_a, activity_type="", rounding_minutes=15,
                                 rounding="down", minimum_minutes=0, daily_cap_hours=None)
        leader = make_user(tree.unit_a, "grassroots_operator")
        activity = make_activity(tree.unit_a, start=timezone.now() - dt.timedelta(hours=5))
        v = make_volunteer(tree.unit_a)
        make_signup(activity, v)
        start = activity.starts_at
        record = services.attendance_manual(actor=leader, activity=activity, volunteer=v, check_in_at=start,
                                            check_out_at=start + dt.timedelta(hours=2, minutes=20))
        assert record.hours == Decimal("2.25") and record.source == "manual"
        outsider = make_user(tree.unit_b, "grassroots_operator")
        with pytest.raises(ValidationError, match="leader"):
            services.attendance_manual(actor=outsider, activity=activity, volunteer=v, check_in_at=start)

    def test_team_leader_volunteer_may_run_the_activity(self, tree):
        leader = volunteer_with_login(tree.unit_a)
        activity = make_activity(tree.unit_a, start=timezone.now() - dt.timedelta(hours=5), leaders=[leader])
        v = make_volunteer(tree.unit_a)
        make_signup(activity, v)
        record = services.attendance_manual(actor=leader.user, activity=activity, volunteer=v,
                                            check_in_at=activity.starts_at)
        assert record.status == "open"


class TestCertification:
    def test_certify_counts_hours_points_and_opens_a_star_notice(self, tree):
        IncentivePolicy.objects.create(org=tree.city, star_thresholds=[5, 10, 20, 30, 40], notice_days=7,
                                       points_per_hour=10)
        officer = make_user(tree.unit_a, "grassroots_operator")
        v = volunteer_with_login(tree.unit_a)
        records = [make_record(v, hours="3"), make_record(v, hours="2.5")]
        services.records_certify(actor=officer, records=records)
        v.refresh_from_db()
        assert v.certified_hours == Decimal("5.50") and v.points_balance == 55 and v.star_level == 0
        award = StarAward.objects.get(volunteer=v)
        assert award.level == 1 and award.status == "notice"
        assert award.notice_ends == timezone.localdate() + dt.timedelta(days=7)
        assert services.stars_finalise(today=award.notice_ends) == 0
        assert services.stars_finalise(today=award.notice_ends + dt.timedelta(days=1)) == 1
        v.refresh_from_db()
        assert v.star_level == 1

    def test_correction_is_a_new_record_and_moves_hours_on_certification(self, tree):
        officer = make_user(tree.unit_a, "grassroots_operator")
        v = make_volunteer(tree.unit_a)
        old = make_record(v, hours="3", status="certified")
        v.refresh_from_db()
        assert v.certified_hours == 3 and v.points_balance == 30
        new = services.record_correct(actor=officer, record=old, check_in_at=old.check_in_at,
                                      check_out_at=old.check_in_at + dt.timedelta(hours=5), reason="漏记两小时")
        assert new.corrects == old and new.hours == Decimal("5.00") and new.status == "recorded"
        old.refresh_from_db()
        assert old.status == "certified" and old.hours == 3  # untouched until the correction is certified
        with pytest.raises(ValidationError, match="waiting"):
            services.record_correct(actor=officer, record=old, check_in_at=old.check_in_at,
                                    check_out_at=old.check_out_at, reason="再改")
        services.records_certify(actor=officer, records=[new])
        old.refresh_from_db(), v.refresh_from_db()
        assert old.status == "superseded" and v.certified_hours == 5 and v.points_balance == 50
        assert set(PointEntry.objects.filter(volunteer=v).values_list("kind", "delta")) == {
            ("hours", 30), ("reversal", -30), ("hours", 50)}

    def test_other_branch_cannot_certify(self, tree):
        v = make_volunteer(tree.unit_a)
        record = make_record(v)
        with pytest.raises(ValidationError):
            services.records_certify(actor=make_user(tree.branch_b, "volunteers_officer"), records=[record])

    def test_recompute_all_matches_and_repairs(self, tree):
        v = make_volunteer(tree.unit_a)
        make_record(v, hours="4", status="certified")
        Volunteer.objects.filter(pk=v.pk).update(certified_hours=99)
        assert services.stars_recompute_all()["hours_changed"] == 1
        v.refresh_from_db()
        assert v.certified_hours == 4


class TestCertificates:
    def test_issue_for_own_hours_and_mask(self, tree):
        v = volunteer_with_login(tree.unit_a, name="欧阳小明")
        record = make_record(v, hours="3", status="certified")
        cert = services.certificate_issue(actor=v.user, volunteer=v, period_start=record.service_date,
                                          period_end=timezone.localdate())
        assert cert.hours == 3 and cert.holder_masked == "欧***" and cert.unit_name == tree.unit_a.name
        other = make_volunteer(tree.unit_a)
        with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: not their own, not staff
            services.certificate_issue(actor=v.user, volunteer=other, period_start=record.service_date,
                                       period_end=timezone.localdate())


def test_redemption_holds_points_and_refunds(tree):
    officer = make_user(tree.unit_a, "volunteers_officer")
    v = volunteer_with_login(tree.unit_a)
    make_record(v, hours="3", status="certified")
    reward = services.reward_save(actor=None, org=tree.branch_a, name="荣誉徽章", points_cost=20, stock=1)
    redemption = services.redemption_request(actor=v.user, reward=reward)
    v.refresh_from_db(), reward.refresh_from_db()
    assert v.points_balance == 10 and reward.stock == 0
    with pytest.raises(ValidationError):
        services.redemption_request(actor=v.user, reward=reward)
    services.redemption_decide(actor=officer, redemption=redemption, fulfil=False)
    v.refresh_from_db()
    assert v.points_balance == 30


def test_waiting_signup_is_not_a_place(tree):
    activity = make_activity(tree.unit_a, capacity=1)
    make_signup(activity, make_volunteer(tree.unit_a))
    v = volunteer_with_login(tree.unit_a)
    s = services.signup_create(actor=v.user, activity=activity)
    assert s.status == Signup.Status.WAITING
