import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from boai.core.models import AuditEntry, Notification
from boai.relief.models import Alert, AlertKind, Assessment, Category, HouseholdStatus, Relation, RiskLevel
from boai.relief.selectors import households as selectors
from boai.relief.services import households as services
from boai.relief.tests.factories_households import (
    head_fields,
    image_upload,
    make_alert,
    make_household,
    make_person,
)
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def operator(tree):
    return make_user(tree.unit_a, "grassroots_operator")


@pytest.fixture
def officer(tree):
    return make_user(tree.branch_a, "relief_officer")


def _create(actor, unit, **kw):
    data = {"head_fields": head_fields(), "address": "江苏省无锡市梁溪区人民路12号302室",
            "categories": [Category.DIBAO], "monthly_income": "1500", "latitude": "31.57", "longitude": "120.30"}
    data.update(kw)
    return services.household_create(actor=actor, org=unit, **data)


def test_create_registers_head_number_initial_assessment_and_audit(tree, operator):
    household = _create(operator, tree.unit_a)
    assert household.number.startswith("HH-")
    assert household.head.name and household.head.id_number_masked
    assert household.address_masked == "江苏省无锡市梁溪区人民路****"
    assert household.members.get().relation == Relation.HEAD
    assert household.review_due == timezone.localdate() + dt.timedelta(days=services.review_days())
    assert Assessment.objects.filter(household=household).count() == 1
    entry = AuditEntry.objects.get(action="relief.household.create")
    assert "人民路12号" not in str(entry.after)


def test_create_finds_existing_person_and_checks_the_name(tree, operator):
    person = make_person(tree.unit_a)
    household = _create(operator, tree.unit_a, head_fields={"id_number": person.id_number, "name": person.name})
    assert household.head == person
    other = make_person(tree.unit_a)
    with pytest.raises(ValidationError) as exc:
        _create(operator, tree.unit_a, head_fields={"id_number": other.id_number, "name": "别的名字"})
    assert "name" in exc.value.message_dict


def test_person_of_another_branch_is_refused_without_details(tree, operator):
    stranger = make_person(tree.unit_b)
    with pytest.raises(ValidationError) as exc:
        _create(operator, tree.unit_a, head_fields={"id_number": stranger.id_number, "name": stranger.name})
    assert stranger.name not in str(exc.value)


def test_create_validates_everything_and_writes_nothing(tree, operator):
    from boai.relief.models import Household

    with pytest.raises(ValidationError) as exc:
        _create(operator, tree.unit_a, categories=["nonsense"], monthly_income="-5", latitude="95")
    assert {"categories", "monthly_income", "latitude"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        _create(operator, tree.unit_a, head_fields={"name": "张三", "id_number": "123"})
    assert not Household.objects.exists()


def test_scope_and_permission(tree, operator):
    with pytest.raises(ValidationError):
        _create(operator, tree.unit_b)
    volunteer = make_user(tree.unit_a, "volunteer")
    with pytest.raises(PermissionDenied):
        _create(volunteer, tree.unit_a)
    with pytest.raises(ValidationError):  # a branch is not a grassroots unit
        _create(None, tree.branch_a)


def test_members_add_remove_and_size(tree, operator, officer):
    household = _create(operator, tree.unit_a)
    member = services.member_add(actor=operator, household=household, relation=Relation.CHILD,
                                 categories=[Category.CHILD], **head_fields())
    household.refresh_from_db()
    assert household.size == 2
    assert selectors.member_person_ids(household) == [household.head_id, member.person_id]
    with pytest.raises(ValidationError):
        services.member_add(actor=operator, household=household, relation=Relation.CHILD, person=member.person)
    with pytest.raises(ValidationError):  # one head only
        services.member_add(actor=operator, household=household, relation=Relation.HEAD, **head_fields())
    other = _create(operator, tree.unit_a)
    with pytest.raises(ValidationError):  # a current member of another household
        services.member_add(actor=operator, household=other, relation=Relation.SIBLING, person=member.person)
    services.member_remove(actor=officer, member=member, reason="外出务工")
    household.refresh_from_db()
    assert household.size == 1
    with pytest.raises(ValidationError):
        services.member_remove(actor=officer, member=household.members.get(relation=Relation.HEAD))


def test_assessment_steady_has_no_alert(tree, operator):
    household = _create(operator, tree.unit_a)
    assessment = services.assessment_record(actor=operator, household=household, categories=[Category.DIBAO],
                                            monthly_income="1400", risk_level=RiskLevel.NORMAL)
    assert not assessment.sudden_change
    assert not Alert.objects.exists()


@pytest.mark.parametrize("change", [
    {"monthly_income": "500"},
    {"categories": [Category.DIBAO, Category.DISASTER]},
    {"categories": [Category.DIBAO, Category.ILLNESS]},
    {"risk_level": RiskLevel.URGENT},
])
def test_sudden_change_raises_one_alert_and_notifies_the_unit(tree, operator, change):
    household = _create(operator, tree.unit_a)
    data = {"categories": [Category.DIBAO], "monthly_income": "1500", "risk_level": RiskLevel.NORMAL, **change}
    assessment = services.assessment_record(actor=operator, household=household, **data)
    assert assessment.sudden_change and assessment.change_summary
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.SUDDEN_CHANGE and alert.org == tree.unit_a
    assert Notification.objects.filter(recipient=operator, category=services.ALERT_CATEGORY).exists()
    household.refresh_from_db()
    assert household.monthly_income == Decimal(data["monthly_income"])
    # another sudden change refreshes the open alert instead of opening a second one
    services.assessment_record(actor=operator, household=household, categories=[Category.DIBAO],
                               monthly_income="0", risk_level=RiskLevel.URGENT)
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1


def test_assessment_rules(tree, operator):
    household = _create(operator, tree.unit_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(actor=operator, household=household, categories=[], monthly_income="1",
                                   risk_level="bad", assessed_on=today + dt.timedelta(days=1))
    assert {"risk_level", "assessed_on"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):  # older than the last assessment
        services.assessment_record(actor=operator, household=household, categories=[], monthly_income="1",
                                   risk_level=RiskLevel.NORMAL, assessed_on=today - dt.timedelta(days=3))
    assessment = services.assessment_record(actor=operator, household=household, categories=[],
                                            monthly_income="1500", risk_level=RiskLevel.NORMAL,
                                            next_review_on=today + dt.timedelta(days=30))
    household.refresh_from_db()
    assert household.review_due == assessment.next_review_on


def test_assessment_resolves_overdue_alert(tree, operator):
    household = make_household(tree.unit_a, review_due=timezone.localdate() - dt.timedelta(days=1))
    assert services.reviews_overdue() == 1
    services.assessment_record(actor=operator, household=household, categories=[Category.DIBAO],
                               monthly_income="1200", risk_level=RiskLevel.NORMAL)
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_visit_with_photos_and_follow_up(tree, operator, settings):
    household = _create(operator, tree.unit_a)
    visit = services.visit_record(actor=operator, household=household, visited_on=timezone.localdate(),
                                  notes="屋顶漏雨", needs_follow_up=True,
                                  photos=[image_upload(), image_upload("b.jpg", fmt="JPEG")], captions=["屋顶"])
    assert visit.photos.count() == 2
    assert visit.photos.first().image.name.endswith(".jpg")
    household.refresh_from_db()
    assert household.last_visited_on == timezone.localdate()
    assert Alert.objects.get().kind == AlertKind.FOLLOW_UP


def test_visit_refuses_bad_photos_and_writes_nothing(tree, operator, settings):
    from boai.relief.models import HomeVisit

    household = _create(operator, tree.unit_a)
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.visit_record(actor=operator, household=household, visited_on=timezone.localdate(), notes="n",
                              photos=[fake])
    assert "photos" in exc.value.message_dict
    settings.BOAI_RELIEF_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationError):
        services.visit_record(actor=operator, household=household, visited_on=timezone.localdate(), notes="n",
                              photos=[image_upload()])
    with pytest.raises(ValidationError):
        services.visit_record(actor=operator, household=household, visited_on=timezone.localdate(), notes="")
    assert not HomeVisit.objects.exists()


def test_alert_close(tree, operator):
    alert = make_alert(tree.unit_a)
    with pytest.raises(ValidationError):
        services.alert_close(actor=operator, alert=alert, resolution=" ")
    services.alert_close(actor=operator, alert=alert, resolution="已走访核实")
    alert.refresh_from_db()
    assert alert.resolved_by == operator
    with pytest.raises(ValidationError):
        services.alert_close(actor=operator, alert=alert, resolution="again")
    outsider = make_user(tree.unit_b, "grassroots_operator")
    with pytest.raises(ValidationError):
        services.alert_close(actor=outsider, alert=make_alert(tree.unit_a), resolution="不是我的")


def test_review_date_deactivate_and_reveal(tree, operator, officer):
    household = _create(operator, tree.unit_a)
    with pytest.raises(ValidationError):
        services.household_set_review(actor=officer, household=household,
                                      review_due=timezone.localdate() - dt.timedelta(days=1))
    services.household_set_review(actor=officer, household=household,
                                  review_due=timezone.localdate() + dt.timedelta(days=7))
    with pytest.raises(PermissionDenied):
        services.household_reveal(actor=operator, household=household, field="address", reason="核对地址")
    with pytest.raises(ValidationError):
        services.household_reveal(actor=officer, household=household, field="address", reason="x")
    assert services.household_reveal(actor=officer, household=household, field="address",
                                     reason="上门核实地址") == "江苏省无锡市梁溪区人民路12号302室"
    assert services.household_reveal(actor=officer, household=household, field="mobile",
                                     reason="电话回访") == "13912345678"
    assert AuditEntry.objects.filter(action="relief.household.reveal").count() == 2
    make_alert(tree.unit_a, household=household)
    services.household_deactivate(actor=officer, household=household, reason="迁出本市")
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.assessment_record(actor=officer, household=household, categories=[], monthly_income="1",
                                   risk_level=RiskLevel.NORMAL)


def test_update_moves_open_alerts_with_the_unit(tree, officer):
    from boai.orgs.models import Kind
    from boai.testing.helpers import make_org

    household = make_household(tree.unit_a)
    alert = make_alert(tree.unit_a, household=household)
    other_unit = make_org(tree.branch_a, kind=Kind.GRASSROOTS, name="甲二街道")
    services.household_update(actor=officer, household=household, org=other_unit, address="新地址5号")
    alert.refresh_from_db()
    household.refresh_from_db()
    assert alert.org == other_unit and household.address_masked == "新地址****"
    with pytest.raises(ValidationError):
        services.household_update(actor=officer, household=household, org=tree.unit_b)


def test_search_by_number_name_and_masked_id(tree, officer):
    household = make_household(tree.unit_a, members=2)
    other = make_household(tree.unit_b)
    qs = selectors.households_for(officer)
    assert list(selectors.search(qs, household.number)) == [household]
    assert list(selectors.search(qs, household.head.name)) == [household]
    assert list(selectors.search(qs, household.head.id_number_masked)) == [household]
    assert list(selectors.search(qs, household.head.id_number)) == [household]
    assert not selectors.search(qs, other.number).exists()
