import json

import pytest
from django.core.management import call_command

from boai.core import periodic
from boai.core.models import Notification, PeriodicRun
from boai.core.notifications import notify, preference_set


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["broker"] in {"inline", "ok"}


def test_public_home_page_is_mobile_ready(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html and "width=device-width" in html


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"


@pytest.mark.django_db
def test_notify_fills_inbox_and_sends_by_preference(tree, user_factory, settings, tmp_path, mailoutbox,
                                                    django_capture_on_commit_callbacks, celery_eager):
    settings.BOAI_SMS_DIR = tmp_path
    user = user_factory(tree.unit_a, "volunteer", email="v@example.org", mobile="13800138000")
    preference_set(user=user, category="test.reminder", email=True, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], category="test.reminder", title="证书即将到期", body="请及时复训", url="/")
    note = Notification.objects.get(recipient=user)
    assert note.title == "证书即将到期"
    assert set(note.channels) == {"inbox", "email", "sms"}
    assert mailoutbox[0].subject == "证书即将到期"
    sent = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert sent[0]["to"] == "13800138000"


@pytest.mark.django_db
def test_periodic_command_runs_due_jobs_once(capsys):
    calls = []
    periodic.periodic("test.job", every=periodic.timedelta(hours=1))(lambda: calls.append(1))
    try:
        call_command("periodic")
        call_command("periodic")
        assert calls == [1]
        assert PeriodicRun.objects.get(name="test.job").last_status == "ok"
    finally:
        periodic._jobs.pop("test.job")
