import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boai.core.models import Notification
from boai.testing.helpers import make_user
from boai.volunteers import services
from boai.volunteers.models import Member, MemberReminder
from boai.volunteers.services.members import add_years
from boai.volunteers.testing import id_number, make_member, make_volunteer


def test_member_numbers_follow_the_pattern_and_never_repeat(tree, settings):
    settings.BOAI_MEMBER_NO_PATTERN = "HH{division}-{year}{kind}{seq:04d}"
    a, b = make_member(tree.unit_a), make_member(tree.unit_a)
    year = timezone.localdate().year
    assert a.member_no == f"HH320213-{year}P0001" and b.member_no == f"HH320213-{year}P0002"
    group = make_member(tree.unit_b, kind=Member.Kind.GROUP, group_name="某某科技有限公司")
    assert group.member_no == f"HH320211-{year}G0001"
    settings.BOAI_MEMBER_NO_PATTERN = "{division}{year}"
    with pytest.raises(ValidationError, match="seq"):
        make_member(tree.unit_a)


def test_group_member_validates_the_credit_code(tree):
    with pytest.raises(ValidationError) as exc:
        make_member(tree.unit_a, kind=Member.Kind.GROUP, group_name="某公司", credit_code="91320200MA1234567X")
    assert "credit_code" in exc.value.message_dict


def test_individual_member_links_the_volunteers_person(tree):
    volunteer = make_volunteer(tree.unit_a, name="赵六")
    member = services.member_create(actor=None, org=tree.unit_a, kind="individual", joined_on=timezone.localdate(),
                                    name="赵六", id_number=volunteer.person.id_number)
    assert member.person == volunteer.person
    with pytest.raises(ValidationError, match="member already"):
        services.member_create(actor=None, org=tree.unit_a, kind="individual", joined_on=timezone.localdate(),
                               name="赵六", id_number=volunteer.person.id_number)


def test_dues_extend_the_term_and_reactivate(tree):
    officer = make_user(tree.branch_a, "volunteers_officer")
    member = make_member(tree.unit_a)
    end = member.term_end
    services.dues_pay(actor=officer, member=member, amount=Decimal("20"), paid_on=timezone.localdate(), years=2)
    member.refresh_from_db()
    assert member.term_end == add_years(end, 2)
    with pytest.raises(ValidationError) as exc:
        services.dues_pay(actor=officer, member=member, amount=Decimal("0"), paid_on=timezone.localdate())
    assert "amount" in exc.value.message_dict


def test_reminders_are_sent_once_and_members_lapse_unless_exempt(tree, settings):
    settings.BOAI_MEMBER_REMINDER_DAYS = "30,7"
    staff = make_user(tree.unit_a, "grassroots_operator")
    today = timezone.localdate()
    due = make_member(tree.unit_a)
    Member.objects.filter(pk=due.pk).update(term_end=today + dt.timedelta(days=5))
    assert services.members_remind(today=today) == 1
    assert services.members_remind(today=today) == 0  # never twice
    assert set(MemberReminder.objects.filter(member=due).values_list("days_before", flat=True)) == {7, 30}
    assert Notification.objects.filter(recipient=staff, category="volunteers.membership").count() == 1
    exempt = make_member(tree.unit_a)
    Member.objects.filter(pk__in=[due.pk, exempt.pk]).update(term_end=today - dt.timedelta(days=1),
                                                             joined_on=today - dt.timedelta(days=400))
    services.exemption_grant(actor=None, member=exempt, reason="困难会员", starts_on=today - dt.timedelta(days=10),
                             ends_on=today + dt.timedelta(days=300))
    assert services.members_lapse(today=today) == 1
    due.refresh_from_db(), exempt.refresh_from_db()
    assert due.status == "lapsed" and exempt.status == "active"


def test_honour(tree):
    member = make_member(tree.unit_a)
    honour = services.honour_award(actor=None, org=tree.branch_a, member=member, title="会员之星", year=2026,
                                   awarded_on=timezone.localdate())
    assert member.honours.get() == honour
    with pytest.raises(ValidationError):
        services.honour_award(actor=None, org=tree.branch_b, member=member, title="会员之星", year=2026,
                              awarded_on=timezone.localdate())


def test_id_numbers_are_validated(tree):
    with pytest.raises(ValidationError):
        services.member_create(actor=None, org=tree.unit_a, kind="individual", joined_on=timezone.localdate(),
                               name="某", id_number=id_number()[:-1] + "0" if id_number()[-1] != "0" else "1")
