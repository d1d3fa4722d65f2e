import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from boai.accounts import services
from boai.accounts.models import User
from boai.core.models import AuditEntry
from boai.testing.helpers import PASSWORD


def test_branch_admin_manages_only_their_subtree(tree, branch_admin):
    user = services.user_create(actor=branch_admin, username="op1", org=tree.unit_a, roles=["grassroots_operator"],
                                password=PASSWORD)
    assert user.org == tree.unit_a
    with pytest.raises(ValidationError):
        services.user_create(actor=branch_admin, username="op2", org=tree.unit_b, roles=["grassroots_operator"],
                             password=PASSWORD)
    assert not User.objects.filter(username="op2").exists()


def test_only_a_city_admin_grants_city_admin(tree, branch_admin):
    with pytest.raises(ValidationError):
        services.user_create(actor=branch_admin, username="boss", org=tree.unit_a, roles=["city_admin"],
                             password=PASSWORD)


def test_update_is_audited_with_a_diff(tree, branch_admin, user_factory):
    user = user_factory(tree.unit_a, "grassroots_operator")
    services.user_update(actor=branch_admin, user=user, display_name="新名字", roles=["volunteers_officer"])
    entry = AuditEntry.objects.filter(action="accounts.user.update").latest("id")
    assert entry.after["display_name"] == "新名字" and entry.after["roles"] == ["volunteers_officer"]
    assert User.objects.get(pk=user.pk).role_codes == frozenset({"volunteers_officer"})


def test_user_pages_create_and_list(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.post(reverse("accounts:user-create"), {
        "username": "newop", "display_name": "新干事", "password": PASSWORD, "org": tree.unit_a.pk,
        "roles": ["grassroots_operator"], "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    listing = client.get(reverse("accounts:user-list"), {"q": "newop"})
    assert "newop" in listing.content.decode()


def test_user_form_rejects_org_outside_scope(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    response = client.post(reverse("accounts:user-create"), {
        "username": "sneaky", "password": PASSWORD, "org": tree.unit_b.pk, "roles": ["grassroots_operator"],
    })
    assert response.status_code == 200
    assert not User.objects.filter(username="sneaky").exists()


def test_api_token_authenticates_scoped_requests(tree, branch_admin, client):
    token = services.api_token_issue(actor=branch_admin)
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    codes = {o["code"] for o in response.json()["results"]}
    assert tree.unit_a.code in codes and tree.unit_b.code not in codes


def test_notification_preferences_on_the_profile_page(tree, user_factory, login_as):
    from boai.core.models import NotificationPreference

    user = user_factory(tree.unit_a, "volunteer")
    client = login_as(user)
    assert "accounts.security" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:profile"), {"save_preferences": "1", "sms:accounts.security": "on"})
    pref = NotificationPreference.objects.get(user=user, category="accounts.security")
    assert pref.sms and not pref.email
