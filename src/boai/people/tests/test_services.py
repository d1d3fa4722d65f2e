"""Person services: validation, duplicates through the blind index, scope, reveal and its audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from boai.core.models import AuditEntry
from boai.people import services
from boai.people.codes import Gender, IdType
from boai.people.models import Person
from boai.people.tests.factories import make_person, resident_id, unique_name
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


def test_create_derives_gender_and_birth_date_and_protects_the_number(tree, branch_admin):
    number = resident_id(born=dt.date(1985, 6, 1), male=False)
    person = services.person_create(actor=branch_admin, org=tree.unit_a, name=" 王  芳 ",
                                    id_number=number.lower(), mobile="+86 139-0000-1234",
                                    address="无锡市梁溪区人民路1号")
    person.refresh_from_db()
    assert person.name == "王 芳"
    assert (person.gender, person.birth_date) == (Gender.FEMALE, dt.date(1985, 6, 1))
    assert person.id_number == number and person.id_number_masked == f"{number[:4]}**********{number[-4:]}"
    assert person.mobile == "13900001234" and person.mobile_masked == "139****1234"
    assert person.id_blind and person.mobile_blind and person.id_blind != person.mobile_blind
    entry = AuditEntry.objects.get(action="people.person.create")
    assert entry.after["id_number"] == person.id_number_masked and entry.org_id == tree.unit_a.pk
    assert number not in str(entry.after) and "13900001234" not in str(entry.after) and "人民路" not in str(entry.after)


def test_every_bad_field_is_reported_at_once(tree, branch_admin):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=branch_admin, org=tree.unit_a, name="", id_number="110105194912310021",
                               mobile="1381234", ethnicity="77", birth_date=dt.date(2999, 1, 1))
    errors = exc.value.message_dict
    assert set(errors) == {"name", "id_number", "mobile", "ethnicity", "birth_date"}
    assert "check digit" in errors["id_number"][0]


def test_name_with_digits_is_refused(tree, branch_admin):
    with pytest.raises(ValidationError, match="cannot contain digits"):
        services.person_create(actor=branch_admin, org=tree.unit_a, name="110105194912310021")


def test_given_gender_or_birth_date_must_match_the_number(tree, branch_admin):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=branch_admin, org=tree.unit_a, name="李四", id_number=resident_id(male=True),
                               gender=Gender.FEMALE)
    assert "gender" in exc.value.message_dict


def test_person_without_any_document_is_allowed(tree, branch_admin):
    person = services.person_create(actor=branch_admin, org=tree.unit_a, name="无证人员", gender=Gender.MALE)
    assert person.id_blind is None and person.id_number == "" and person.id_number_masked == ""
    other = services.person_create(actor=branch_admin, org=tree.unit_a, name="无证人员二")
    assert other.id_blind is None  # no uniqueness to keep between people without a number


def test_duplicate_in_own_scope_names_the_existing_person(tree, branch_admin):
    number = resident_id()
    existing = make_person(tree.unit_a, id_number=number, name="张三")
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=branch_admin, org=tree.site_a, name="张三丰", id_number=f" {number.lower()} ")
    message = exc.value.message_dict["id_number"][0]
    assert existing.id_number_masked in message and tree.unit_a.name in message and "张三" in message


def test_duplicate_in_another_branch_reveals_nothing(tree, branch_admin):
    number = resident_id()
    make_person(tree.unit_b, id_number=number, name="李四")
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=branch_admin, org=tree.unit_a, name="李四", id_number=number)
    message = exc.value.message_dict["id_number"][0]
    assert message == "This ID number is already registered in another organisation."
    assert tree.unit_b.name not in message and tree.branch_b.name not in message


def test_same_number_as_another_document_type_is_a_different_document(tree, branch_admin):
    make_person(tree.unit_a, id_type=IdType.PASSPORT, id_number="E12345678")
    with pytest.raises(ValidationError):
        make_person(tree.unit_a, id_type=IdType.PASSPORT, id_number="e1234 5678")
    make_person(tree.unit_a, id_type=IdType.OTHER, id_number="E12345678")


def test_create_outside_scope_or_without_permission(tree, branch_admin):
    with pytest.raises(ValidationError, match="outside your scope"):
        services.person_create(actor=branch_admin, org=tree.unit_b, name="越权")
    auditor = make_user(tree.city, "auditor")
    with pytest.raises(PermissionDenied):
        services.person_create(actor=auditor, org=tree.unit_a, name="越权")
    assert not Person.objects.exists()


def test_update_keeps_protected_values_unless_given(tree, branch_admin):
    person = make_person(tree.unit_a, mobile="13800000001")
    number = person.id_number
    services.person_update(actor=branch_admin, person=person, name="新名字")
    person.refresh_from_db()
    assert (person.name, person.id_number, person.mobile) == ("新名字", number, "13800000001")
    services.person_update(actor=branch_admin, person=person, mobile="", address="新地址路1号")
    person.refresh_from_db()
    assert person.mobile == "" and person.mobile_masked == "" and person.mobile_blind is None
    entry = AuditEntry.objects.filter(action="people.person.update").latest("id")
    assert entry.before == {"mobile": "138****0001", "address": "(encrypted)"}
    assert entry.after == {"mobile": "", "address": "(encrypted, changed)"}


def test_update_to_a_registered_number_is_refused(tree, branch_admin):
    a, b = make_person(tree.unit_a), make_person(tree.unit_a)
    with pytest.raises(ValidationError, match="already registered"):
        services.person_update(actor=branch_admin, person=b, id_number=a.id_number)


def test_update_changing_type_revalidates_the_stored_number(tree, branch_admin):
    person = make_person(tree.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=branch_admin, person=person, id_type=IdType.HK_MACAO_PERMIT)
    assert "H or M" in exc.value.message_dict["id_number"][0]


def test_update_cannot_move_a_person_out_of_scope(tree, branch_admin):
    person = make_person(tree.unit_a)
    with pytest.raises(ValidationError, match="outside your scope"):
        services.person_update(actor=branch_admin, person=person, org=tree.unit_b)
    other = make_person(tree.unit_b)
    with pytest.raises(ValidationError, match="outside your scope"):
        services.person_update(actor=branch_admin, person=other, name="改名")


def test_reveal_returns_the_value_and_audits_the_reason(tree, branch_admin):
    person = make_person(tree.unit_a, mobile="13912345678")
    value = services.person_reveal(actor=branch_admin, person=person, field="mobile", reason="  回访 捐赠人  ")
    assert value == "13912345678"
    entry = AuditEntry.objects.get(action="people.person.reveal")
    assert (entry.reason, entry.after, entry.object_id) == ("回访 捐赠人", {"field": "mobile"}, str(person.pk))
    assert entry.actor_id == branch_admin.pk and entry.org_path == tree.unit_a.path
    assert "13912345678" not in str(entry.after) + entry.reason + entry.object_repr


@pytest.mark.parametrize("reason", ["", "   ", "看看", "a b"])
def test_reveal_needs_a_real_reason(tree, branch_admin, reason):
    person = make_person(tree.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.person_reveal(actor=branch_admin, person=person, field="id_number", reason=reason)
    assert "reason" in exc.value.message_dict
    assert not AuditEntry.objects.filter(action="people.person.reveal").exists()


def test_reveal_needs_the_permission_and_the_scope(tree, branch_admin):
    own, other = make_person(tree.unit_a), make_person(tree.unit_b)
    for role in ("auditor", "grassroots_operator", "volunteers_officer"):
        user = make_user(tree.branch_a, role)
        with pytest.raises(PermissionDenied):
            services.person_reveal(actor=user, person=own, field="id_number", reason="核对身份信息")
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=branch_admin, person=other, field="id_number", reason="核对身份信息")
    with pytest.raises(ValidationError):
        services.person_reveal(actor=branch_admin, person=own, field="name", reason="核对身份信息")
    assert not AuditEntry.objects.filter(action="people.person.reveal").exists()


def _rows(tree, n, **overrides):
    return [services.clean_person(org_id=tree.unit_a.pk, name=unique_name(), id_number=resident_id(),
                                  mobile=f"137{i:08d}", **overrides) for i in range(n)]


def test_bulk_create_encrypts_indexes_and_audits_once(tree, branch_admin):
    rows = _rows(tree, 30)
    assert services.person_bulk_create(actor=branch_admin, rows=rows, source="test") == 30
    stored = {p.id_number: p for p in Person.objects.all()}
    assert set(stored) == {r.id_number for r in rows}
    sample = stored[rows[7].id_number]
    assert sample.mobile == rows[7].mobile and sample.mobile_masked == "137****0007"
    assert Person.objects.get(id_blind=rows[7].blind) == sample
    entry = AuditEntry.objects.get(action="people.person.bulk_create")
    assert entry.after == {"count": 30, "source": "test", "by_org": {str(tree.unit_a.pk): 30}}


def test_bulk_create_refuses_the_whole_batch_on_duplicates(tree, branch_admin):
    registered = make_person(tree.unit_b)
    rows = _rows(tree, 5)
    rows.append(services.clean_person(org_id=tree.unit_a.pk, name="重复", id_number=rows[1].id_number))
    rows.append(services.clean_person(org_id=tree.unit_a.pk, name="别处", id_number=registered.id_number))
    with pytest.raises(ValidationError) as exc:
        services.person_bulk_create(actor=branch_admin, rows=rows)
    assert exc.value.messages == ["#6: Same ID number as row 2.",
                                  "#7: This ID number is already registered in another organisation."]
    assert Person.objects.count() == 1


def test_bulk_create_needs_the_add_permission(tree):
    auditor = make_user(tree.city, "auditor")
    with pytest.raises(PermissionDenied):
        services.person_bulk_create(actor=auditor, rows=_rows(tree, 1))


def test_rotate_keys_covers_the_person_fields(tree, branch_admin):
    from django.test import override_settings

    from boai.core import crypto
    from boai.core.keyrotation import encrypted_fields, rotate_all

    assert {"people.person.id_number", "people.person.mobile", "people.person.address"} <= {
        f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_fields()}
    try:
        with override_settings(BOAI_FIELD_KEYS="old:AAAAAAAAAAAAAAAAAAAAAA=="):
            crypto.reset_key_cache()
            person = make_person(tree.unit_a)
            services.person_bulk_create(actor=branch_admin, rows=[services.clean_person(
                org_id=tree.unit_a.pk, name="批量", id_number=resident_id(), mobile="13700000000", address="路")])
        with override_settings(BOAI_FIELD_KEYS="new:AQEBAQEBAQEBAQEBAQEBAQ==,old:AAAAAAAAAAAAAAAAAAAAAA=="):
            reports = {r.label: r for r in rotate_all(batch_size=1)}
            assert reports["people.person.id_number"].rotated == 2
            assert reports["people.person.address"].rotated == 2
            crypto.reset_key_cache()
            person.refresh_from_db()
            assert person.id_number and Person.objects.get(pk=person.pk).id_blind == person.id_blind
    finally:
        crypto.reset_key_cache()


CLEAN_CASES = [
    {"name": "王小明", "id_number": "11010519491231002X"},
    {"name": "王小明", "id_number": "11010519491231002X", "gender": Gender.FEMALE, "birth_date": dt.date(1949, 12, 31)},
    {"name": "王小明", "id_number": "11010519491231002X", "gender": Gender.MALE},  # contradicts the number
    {"name": "王小明", "id_number": "11010519491231002X", "birth_date": dt.date(1950, 1, 1)},
    {"name": "王小明", "id_number": "11010519491231002Y"},
    {"name": "王小明", "id_number": "11010519491331002X"},
    {"name": "王小明", "id_type": IdType.PASSPORT, "id_number": "E12345678", "gender": Gender.MALE},
    {"name": "王小明", "id_type": IdType.PASSPORT, "id_number": "E12345678", "birth_date": dt.date(2999, 1, 1)},
    {"name": "王小明", "gender": "7", "ethnicity": "99"},
    {"name": "王小明", "mobile": "13812345678", "address": "无锡市人民路1号", "ethnicity": "01"},
]


@pytest.mark.parametrize("case", CLEAN_CASES)
def test_the_import_path_applies_the_same_rules(case):
    """`parsed=True` (values already through the column parsers) gives the same row or the same errors."""
    def outcome(parsed):
        try:
            return services.clean_person(org_id=1, parsed=parsed, **case)
        except ValidationError as exc:
            return exc.message_dict

    assert outcome(True) == outcome(False)


@pytest.mark.parametrize("case", [c for c in CLEAN_CASES[:2] + CLEAN_CASES[6:7] + CLEAN_CASES[9:]])
def test_a_copy_line_is_the_rows_columns_in_copy_text(case):
    row = services.seal(services.clean_person(org_id=1, **{**case, "name": "王\\小明"}))
    sealed = services.seal_for_copy(row)
    assert sealed.line == "\t".join(map(services._copy_field, services.protected_tuple(row, None)[:-2]))
    assert sealed.line.split("\t")[1] == "王\\\\小明" and sealed.blind == row.blind and sealed.org_id == 1


def test_duplicates_are_found_in_chunks_of_any_size(tree, branch_admin):
    """Re-importing people already registered: every one is named, however the lookups are chunked
    (PostgreSQL: one array query, then the matches loaded `chunk` at a time; elsewhere IN lists)."""
    registered = [make_person(tree.unit_a) for _ in range(5)]
    rows = [services.clean_person(org_id=tree.unit_a.pk, name=p.name, id_number=p.id_number) for p in registered]
    rows.insert(2, _rows(tree, 1)[0])  # a new one in between
    reasons = services.find_duplicates(rows, actor=branch_admin, chunk=2)
    assert sorted(reasons) == [0, 1, 3, 4, 5]
    assert all(registered[0].org.name in r or "already registered" in r for r in reasons.values())
