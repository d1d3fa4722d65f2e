"""/api/v1/people/: scoped and masked like the pages; reveal needs the permission and a reason."""

import pytest

from boai.accounts import services as account_services
from boai.core.models import AuditEntry
from boai.people.models import Person
from boai.people.tests.factories import make_person, resident_id
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, branch_admin):
    token = account_services.api_token_issue(actor=branch_admin)
    client.defaults.update(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_list_is_scoped_and_masked(tree, api):
    own, other = make_person(tree.unit_a, mobile="13812345678"), make_person(tree.unit_b)
    body = api.get("/api/v1/people/").json()
    assert [p["id"] for p in body["results"]] == [own.pk]
    record = body["results"][0]
    assert record["id_number_masked"] == own.id_number_masked and record["mobile_masked"] == "138****5678"
    assert "id_number" not in record and "mobile" not in record and "address" not in record
    assert own.id_number not in str(body) and other.name not in str(body)


def test_exact_id_number_and_mobile_lookup(tree, api):
    target = make_person(tree.unit_a, mobile="13900001111")
    make_person(tree.unit_a)
    other = make_person(tree.unit_b)
    assert [p["id"] for p in api.get("/api/v1/people/", {"id_number": target.id_number.lower()}).json()["results"]] \
        == [target.pk]
    assert [p["id"] for p in api.get("/api/v1/people/", {"mobile": "+86 139 0000 1111"}).json()["results"]] \
        == [target.pk]
    assert api.get("/api/v1/people/", {"id_number": other.id_number}).json()["results"] == []
    assert api.get("/api/v1/people/", {"search": target.id_number}).json()["count"] == 1


def test_search_by_name_prefix_and_contains(tree, api):
    a = make_person(tree.unit_a, name="司马光")
    make_person(tree.unit_a, name="马超")
    assert [p["id"] for p in api.get("/api/v1/people/", {"search": "司马"}).json()["results"]] == [a.pk]
    assert api.get("/api/v1/people/", {"name_contains": "马"}).json()["count"] == 2


def test_create_update_and_validation(tree, api):
    number = resident_id(male=False)
    response = api.post("/api/v1/people/", {"org": tree.unit_a.pk, "name": "陈静", "id_number": number,
                                            "mobile": "13700000000", "address": "新吴区长江路1号"},
                        content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["gender"] == "2" and "id_number" not in response.json()
    pk = response.json()["id"]
    assert api.patch(f"/api/v1/people/{pk}/", {"mobile": "13700000001"}, content_type="application/json") \
        .json()["mobile_masked"] == "137****0001"
    assert Person.objects.get(pk=pk).id_number == number  # untouched by the partial update
    bad = api.post("/api/v1/people/", {"org": tree.unit_a.pk, "name": "陈静", "id_number": number},
                   content_type="application/json")
    assert bad.status_code == 400 and "already registered" in bad.json()["id_number"][0]
    wrong = api.post("/api/v1/people/", {"org": tree.unit_a.pk, "name": "错", "id_number": "110105194912310021"},
                     content_type="application/json")
    assert wrong.status_code == 400 and "check digit" in wrong.json()["id_number"][0]


def test_create_in_another_branch_looks_like_a_missing_org(tree, api):
    response = api.post("/api/v1/people/", {"org": tree.unit_b.pk, "name": "越权"}, content_type="application/json")
    missing = api.post("/api/v1/people/", {"org": 999999, "name": "越权"}, content_type="application/json")
    assert response.status_code == missing.status_code == 400
    assert response.json()["org"][0].replace(str(tree.unit_b.pk), "N") == missing.json()["org"][0].replace(
        "999999", "N")
    assert not Person.objects.exists()


def test_other_branch_person_is_404_for_every_method(tree, api):
    other = make_person(tree.unit_b)
    url = f"/api/v1/people/{other.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "改"}, content_type="application/json").status_code == 404
    assert api.post(url + "reveal/", {"field": "id_number", "reason": "核对身份信息"}).status_code == 404
    assert Person.objects.get(pk=other.pk).name != "改"


def test_reveal_action(tree, api):
    person = make_person(tree.unit_a)
    url = f"/api/v1/people/{person.pk}/reveal/"
    assert api.post(url, {"field": "id_number"}).status_code == 400
    assert api.post(url, {"field": "id_number", "reason": "核"}).status_code == 400
    response = api.post(url, {"field": "id_number", "reason": "核对身份信息"}, content_type="application/json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response.json() == {"field": "id_number", "value": person.id_number}
    entry = AuditEntry.objects.get(action="people.person.reveal")
    assert entry.channel == "api" and entry.reason == "核对身份信息"


def test_reveal_needs_the_permission(tree, client):
    person = make_person(tree.unit_a)
    auditor = make_user(tree.city, "auditor")
    token = account_services.api_token_issue(actor=auditor)
    response = client.post(f"/api/v1/people/{person.pk}/reveal/", {"field": "id_number", "reason": "核对身份信息"},
                           HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert client.get(f"/api/v1/people/{person.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
