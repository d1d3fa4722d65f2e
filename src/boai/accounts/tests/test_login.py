from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts.models import LoginEvent
from boai.core.models import AuditEntry
from boai.testing.helpers import PASSWORD


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _password_step(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def staff(tree, user_factory):
    user = user_factory(tree.branch_a, "branch_admin", username="staff1")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_staff_login_needs_password_then_totp(client, staff):
    user, device = staff
    response = _password_step(client, "staff1")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp-verify")
    # Not logged in between the two steps.
    assert client.get(reverse("core:dashboard")).status_code == 302
    response = client.post(reverse("accounts:otp-verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    entry = AuditEntry.objects.filter(action="accounts.login", actor_id=user.pk).get()
    assert entry.after == {"second_factor": True}


def test_wrong_totp_is_refused_and_counted(client, staff):
    user, device = staff
    _password_step(client, "staff1")
    wrong = "000000" if _code(device) != "000000" else "111111"
    response = client.post(reverse("accounts:otp-verify"), {"token": wrong})
    assert response.status_code == 200
    assert "不正确" in response.content.decode() or "not correct" in response.content.decode()
    assert LoginEvent.objects.filter(username="staff1", kind="otp_failure").count() == 1
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_first_login_enrols_an_authenticator(client, tree, user_factory):
    user_factory(tree.unit_a, "grassroots_operator", username="newbie")
    response = _password_step(client, "newbie")
    assert response["Location"] == reverse("accounts:otp-setup")
    page = client.get(reverse("accounts:otp-setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    response = client.post(reverse("accounts:otp-setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="accounts.otp_enrolled").exists()


def test_volunteer_logs_in_without_second_factor(client, tree, user_factory):
    user_factory(tree.unit_a, "volunteer", username="vol1")
    response = _password_step(client, "vol1")
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_five_failures_lock_the_account_for_fifteen_minutes(client, staff):
    for _ in range(5):
        response = _password_step(client, "staff1", "wrong-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Too many" in body or "尝试次数过多" in body
    # Even the right password is refused while locked.
    response = _password_step(client, "staff1")
    assert response.status_code == 200
    assert LoginEvent.objects.filter(username="staff1", kind="locked").exists()
    assert AuditEntry.objects.filter(action="accounts.locked_out").exists()
    assert AuditEntry.objects.filter(action="accounts.login_failed").count() == 5


def test_lockout_expires(client, staff):
    old = timezone.now() - timedelta(minutes=16)
    LoginEvent.objects.bulk_create([LoginEvent(username="staff1", kind="failure", created_at=old) for _ in range(5)])
    response = _password_step(client, "staff1")
    assert response.status_code == 302


def test_unknown_user_gets_the_same_message(client, db):
    response = _password_step(client, "nobody", "whatever-123")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="accounts.login_failed", object_repr="nobody").exists()


def test_open_redirect_is_refused(client, tree, user_factory):
    user_factory(tree.unit_a, "volunteer", username="vol2")
    response = client.post(reverse("accounts:login") + "?next=https://evil.example/",
                           {"username": "vol2", "password": PASSWORD})
    assert response["Location"] == reverse("core:dashboard")


def test_session_is_an_idle_timeout_of_thirty_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_is_audited(client, staff, login_as):
    user, _ = staff
    login_as(user)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="accounts.logout", actor_id=user.pk).exists()


def test_staff_session_without_second_factor_is_ended(client, staff):
    user, _ = staff
    client.force_login(user, backend="boai.accounts.backends.RoleBackend")  # bypassing the TOTP step
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
