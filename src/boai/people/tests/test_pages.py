"""Staff pages: masked lists with blind-index search, export, detail, forms, the reveal dialog."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from boai.core.models import AuditEntry
from boai.people.codes import Gender, IdType
from boai.people.models import Person
from boai.people.tests.factories import make_person, resident_id
from boai.testing.helpers import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, branch_admin):
    client.cookies["boai_language"] = "en"
    login(client, branch_admin)
    return client


def _html(response) -> str:
    return response.content.decode()


def test_list_shows_masked_values_only(tree, staff):
    person = make_person(tree.unit_a, mobile="13812345678")
    html = _html(staff.get(reverse("people:list")))
    assert person.name in html and person.id_number_masked in html and "138****5678" in html
    assert person.id_number not in html and "13812345678" not in html


@pytest.mark.parametrize("typed", [lambda n: n, lambda n: n.lower(), lambda n: f"{n[:6]} {n[6:14]} {n[14:]}",
                                   lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))])
def test_search_by_full_id_number_uses_the_blind_index(tree, staff, typed):
    target = make_person(tree.unit_a)
    make_person(tree.unit_a)
    with CaptureQueriesContext(connection) as queries:
        html = _html(staff.get(reverse("people:list"), {"q": typed(target.id_number)}))
    assert target.name in html and html.count("/staff/people/") - html.count("/staff/people/new/") >= 1
    people_queries = [q["sql"] for q in queries.captured_queries if "people_person" in q["sql"]]
    assert all(target.id_blind in sql for sql in people_queries)  # count and page: both by the blind index
    assert len(people_queries) <= 2


def test_search_by_mobile_and_by_name(tree, staff):
    a = make_person(tree.unit_a, name="欧阳明", mobile="13955556666")
    b = make_person(tree.unit_a, name="欧阳华")
    by_mobile = _html(staff.get(reverse("people:list"), {"q": "139-5555-6666"}))
    assert a.name in by_mobile and b.name not in by_mobile
    by_name = _html(staff.get(reverse("people:list"), {"q": "欧阳"}))
    assert a.name in by_name and b.name in by_name


def test_search_never_finds_another_branch(tree, staff):
    other = make_person(tree.unit_b, mobile="13700001111")
    for term in (other.id_number, "13700001111", other.name):
        html = _html(staff.get(reverse("people:list"), {"q": term}))
        assert other.id_number_masked not in html and "No records match" in html


def test_filters_by_org_subtree_gender_and_id_type(tree, staff):
    in_site = make_person(tree.site_a, id_number=resident_id(male=False))
    in_unit = make_person(tree.unit_a, id_number=resident_id(male=True))
    passport = make_person(tree.unit_a, id_type=IdType.PASSPORT, id_number="E99887766", gender=Gender.MALE)
    html = _html(staff.get(reverse("people:list"), {"org": tree.unit_a.pk}))
    assert in_site.name in html and in_unit.name in html  # the unit and everything under it
    html = _html(staff.get(reverse("people:list"), {"org": tree.site_a.pk}))
    assert in_site.name in html and in_unit.name not in html
    html = _html(staff.get(reverse("people:list"), {"gender": Gender.FEMALE}))
    assert in_site.name in html and in_unit.name not in html
    html = _html(staff.get(reverse("people:list"), {"id_type": IdType.PASSPORT}))
    assert passport.name in html and in_unit.name not in html
    # another branch's unit is not a valid choice: the filter is refused, nothing of that branch shows
    other = make_person(tree.unit_b)
    response = staff.get(reverse("people:list"), {"org": tree.unit_b.pk})
    assert response.context["filterset"].errors and other.name not in _html(response)


def test_list_queries_do_not_grow_with_rows(tree, staff):
    make_person(tree.unit_a)
    with CaptureQueriesContext(connection) as few:
        staff.get(reverse("people:list"))
    for _ in range(30):
        make_person(tree.site_a)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(reverse("people:list"))
    assert response.status_code == 200 and "page=2" in _html(response)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_empty_state(tree, staff):
    assert "No one is registered here yet." in _html(staff.get(reverse("people:list")))


def test_export_is_masked_filtered_and_audited(tree, staff):
    keep = make_person(tree.unit_a, mobile="13812340000", id_number=resident_id(male=False))
    drop = make_person(tree.unit_a, id_number=resident_id(male=True))
    make_person(tree.unit_b)
    response = staff.get(reverse("people:export"), {"gender": Gender.FEMALE})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Name", "ID type", "ID number")
    assert [r[0] for r in rows[1:]] == [keep.name]
    text = repr(rows)
    assert keep.id_number_masked in text and "138****0000" in text
    assert keep.id_number not in text and "13812340000" not in text and drop.name not in text
    assert AuditEntry.objects.filter(action="people.export").exists()


def test_detail_is_masked_and_offers_reveal_only_with_permission(tree, staff):
    person = make_person(tree.unit_a)
    html = _html(staff.get(person.get_absolute_url()))
    assert person.id_number_masked in html and person.id_number not in html and "人民路" not in html
    assert 'data-testid="reveal-id_number"' in html and 'data-testid="reveal-address"' in html
    operator = make_user(tree.unit_a, "grassroots_operator")
    login(staff, operator)
    html = _html(staff.get(person.get_absolute_url()))
    assert person.id_number_masked in html and "reveal-id_number" not in html


def test_create_form(tree, staff):
    number = resident_id(male=False)
    response = staff.post(reverse("people:create"), {
        "org": tree.unit_a.pk, "name": "周芳", "id_type": IdType.RESIDENT, "id_number": number.lower(),
        "mobile": "+86 139 0000 0000", "address": "滨湖区蠡湖大道1号", "ethnicity": "01"})
    person = Person.objects.get(name="周芳")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.gender == Gender.FEMALE and person.mobile == "13900000000"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"id_number": "110105194912310021"}, "id_number", "The check digit does not match"),
    ({"id_number": "110105491231002"}, "id_number", "old 15-digit ID number"),
    ({"mobile": "1381234567"}, "mobile", "11 digits; this one has 10"),
    ({"id_number": "11010519491231002X", "gender": Gender.MALE}, "gender", "The ID number says Female"),
    ({"id_type": IdType.PASSPORT, "id_number": "护照号"}, "id_number", "A passport number has 5 to 17"),
])
def test_create_form_errors_are_precise_and_lose_nothing(tree, staff, data, field, message):
    post = {"org": tree.unit_a.pk, "name": "错误示例", "id_type": IdType.RESIDENT, "address": "保留的地址", **data}
    response = staff.post(reverse("people:create"), post)
    assert response.status_code == 200 and not Person.objects.exists()
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert "保留的地址" in _html(response)  # what was typed is still there


def test_create_form_shows_every_mistake_at_once(tree, staff):
    response = staff.post(reverse("people:create"), {"name": "测试", "id_type": IdType.RESIDENT,
                                                     "id_number": "110105194912310021", "mobile": "1381234"})
    errors = response.context["form"].errors
    assert set(errors) == {"org", "id_number", "mobile"}


def test_create_form_errors_in_chinese(tree, client, branch_admin):
    login(client, branch_admin)  # no language cookie: zh-hans, the default
    response = client.post(reverse("people:create"), {"org": tree.unit_a.pk, "name": "错误示例",
                                                      "id_type": IdType.RESIDENT, "id_number": "110105194912310021"})
    assert "校验码" in _html(response) and "姓名" in _html(response)


def test_create_form_offers_only_orgs_in_scope(tree, staff):
    response = staff.post(reverse("people:create"), {"org": tree.unit_b.pk, "name": "越权", "id_type": "resident"})
    assert "org" in response.context["form"].errors and not Person.objects.exists()


def test_edit_form_keeps_blank_protected_fields_and_clears_on_request(tree, staff):
    person = make_person(tree.unit_a, mobile="13811112222")
    url = reverse("people:update", args=[person.pk])
    html = _html(staff.get(url))
    assert person.id_number_masked in html and person.id_number not in html and "13811112222" not in html
    base = {"org": tree.unit_a.pk, "name": "改过的名字", "id_type": IdType.RESIDENT}
    assert staff.post(url, base).status_code == 302
    person.refresh_from_db()
    assert person.name == "改过的名字" and person.mobile == "13811112222" and person.address
    assert staff.post(url, {**base, "clear_mobile": "on", "address": "新地址1号"}).status_code == 302
    person.refresh_from_db()
    assert person.mobile == "" and person.address == "新地址1号"


def test_reveal_dialog_flow(tree, staff):
    person = make_person(tree.unit_a, address="梁溪区中山路88号")
    url = reverse("people:reveal", args=[person.pk])
    dialog = staff.get(url, {"field": "address"}, HTTP_HX_REQUEST="true")
    assert "<form" in _html(dialog) and "<html" not in _html(dialog) and 'value="address"' in _html(dialog)
    refused = staff.post(url, {"field": "address", "reason": "看"}, HTTP_HX_REQUEST="true")
    assert "at least 4 characters" in _html(refused) and "中山路" not in _html(refused)
    shown = staff.post(url, {"field": "address", "reason": "核实救助对象住址"}, HTTP_HX_REQUEST="true")
    assert "梁溪区中山路88号" in _html(shown) and shown["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="people.person.reveal")
    assert entry.reason == "核实救助对象住址" and entry.after == {"field": "address"} and entry.channel == "web"


def test_reveal_of_an_unknown_field_is_not_found(tree, staff):
    person = make_person(tree.unit_a)
    assert staff.get(reverse("people:reveal", args=[person.pk]), {"field": "name"}).status_code == 404


def test_reveal_without_javascript_is_a_page(tree, staff):
    person = make_person(tree.unit_a)
    url = reverse("people:reveal", args=[person.pk])
    assert "<html" in _html(staff.get(url, {"field": "id_number"}))
    shown = staff.post(url, {"field": "id_number", "reason": "核对身份信息"})
    assert person.id_number in _html(shown) and "<html" in _html(shown)


def test_reveal_of_another_branch_is_not_found_and_not_audited(tree, staff):
    other = make_person(tree.unit_b)
    response = staff.post(reverse("people:reveal", args=[other.pk]), {"field": "id_number", "reason": "核对身份信息"})
    assert response.status_code == 404 and other.id_number not in _html(response)
    assert not AuditEntry.objects.filter(action="people.person.reveal").exists()


def test_dashboard_widget_counts_people_per_branch(tree, client, city_admin):
    for _ in range(3):
        make_person(tree.unit_a)
    make_person(tree.site_a)
    make_person(tree.unit_b)
    client.cookies["boai_language"] = "en"
    login(client, city_admin)
    html = _html(client.get(reverse("core:dashboard")))
    assert 'data-testid="widget-people-per-branch"' in html and "chart-people-per-branch" in html
    from boai.people.widgets import people_per_node

    assert dict(people_per_node(city_admin)) == {tree.branch_a.name: 4, tree.branch_b.name: 1}
    with CaptureQueriesContext(connection) as queries:
        people_per_node(city_admin)
    assert len(queries.captured_queries) == 2  # one aggregate over the people, one for the branch names
