from django.urls import reverse

from boai.core.models import AuditEntry
from boai.orgs.models import Org


def test_branch_admin_creates_a_unit_through_the_api(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.post(reverse("api:org-list"), {
        "parent_id": tree.unit_a.pk, "name": "API社区红十字会", "code": "APIUNIT1", "kind": "grassroots",
        "subtype": "community",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    org = Org.objects.get(code="APIUNIT1")
    assert Org.objects.get_parent(org) == tree.unit_a
    assert AuditEntry.objects.filter(action="orgs.org.create", object_id=str(org.pk)).exists()


def test_api_refuses_a_parent_outside_scope_and_writes_nothing(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.post(reverse("api:org-list"), {
        "parent_id": tree.unit_b.pk, "name": "越权", "code": "APIUNIT2", "kind": "grassroots", "subtype": "community",
    }, content_type="application/json")
    assert response.status_code == 400
    assert not Org.objects.filter(code="APIUNIT2").exists()


def test_api_validation_messages_come_from_the_service(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.post(reverse("api:org-list"), {
        "parent_id": tree.site_a.pk, "name": "站点下的单位", "code": "APIUNIT3", "kind": "grassroots",
        "subtype": "community",
    }, content_type="application/json")
    assert response.status_code == 400 and "parent" in response.json()


def test_auditor_cannot_write_through_the_api(tree, auditor, login_as):
    client = login_as(auditor)
    response = client.patch(reverse("api:org-detail", args=[tree.unit_a.pk]), {"name": "改名"},
                            content_type="application/json")
    assert response.status_code == 403
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name != "改名"


def test_schema_is_served_to_staff(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200 and b"/api/v1/orgs/" in response.content
