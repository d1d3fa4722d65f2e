"""Pages: registration, the QR check-in flow, certification, certificates, the national CSV, and
query counts on lists and the report."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boai.core.models import AuditEntry
from boai.testing.helpers import PASSWORD, login, make_user
from boai.volunteers import qr
from boai.volunteers.models import ServiceRecord, Volunteer
from boai.volunteers.testing import (
    id_number,
    make_activity,
    make_certificate,
    make_member,
    make_record,
    make_signup,
    make_team,
    make_volunteer,
)


def test_join_page_registers_and_logs_in(client, tree):
    number = id_number()
    page = client.get(reverse("volunteers:join"))
    assert tree.unit_a.name in page.content.decode()
    data = {"unit": tree.unit_a.pk, "name": "孙七", "id_type": "resident", "id_number": number,
            "mobile": "13912345678", "password": PASSWORD, "password2": PASSWORD, "privacy_consent": "on",
            "sensitive_consent": "on", "skills": ["driving", "language"]}
    missing = client.post(reverse("volunteers:join"), {**data, "sensitive_consent": ""})
    assert missing.status_code == 200 and not Volunteer.objects.exists()
    response = client.post(reverse("volunteers:join"), data)
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:me")
    me = client.get(reverse("volunteers:me")).content.decode()
    assert "孙七" in me and "data-testid=\"my-status\"" in me
    volunteer = Volunteer.objects.get()
    assert volunteer.skills == ",language,driving," and volunteer.status == "pending"


def test_qr_check_in_and_out_through_the_pages(client, tree, settings):
    import time_machine

    settings.SESSION_COOKIE_AGE = 24 * 3600  # the test jumps two hours ahead; a real phone logs in again

    leader = make_user(tree.unit_a, "grassroots_operator")
    user = make_user(tree.unit_a, "volunteer")
    volunteer = make_volunteer(tree.unit_a, user=user)
    activity = make_activity(tree.unit_a, start=timezone.now() - dt.timedelta(minutes=5))
    make_signup(activity, volunteer)
    login(client, leader)
    qr_page = client.get(reverse("volunteers:activity-qr", args=[activity.pk])).content.decode()
    assert reverse("volunteers:checkin", args=[activity.pk]) in qr_page and "<svg" in qr_page
    with time_machine.travel(timezone.now(), tick=False) as clock:
        login(client, user)
        path = qr.checkin_path(activity)
        assert "data-testid=\"check-in\"" in client.get(path).content.decode()
        w, t = path.split("w=")[1].split("&t=")
        assert client.post(reverse("volunteers:checkin", args=[activity.pk]), {"w": w, "t": t}).status_code == 302
        clock.shift(dt.timedelta(hours=2))
        w2 = qr.current_window()
        client.post(reverse("volunteers:checkin", args=[activity.pk]), {"w": w2, "t": qr.token(activity, w2)})
    record = ServiceRecord.objects.get()
    assert record.status == "recorded" and record.hours == 2
    login(client, leader)
    client.post(reverse("volunteers:activity-certify", args=[activity.pk]))
    record.refresh_from_db(), volunteer.refresh_from_db()
    assert record.status == "certified" and volunteer.certified_hours == 2


def test_certificate_pdf_and_public_verification_show_only_what_they_should(client, tree):
    user = make_user(tree.unit_a, "volunteer")
    volunteer = make_volunteer(tree.unit_a, user=user, name="钱多多")
    certificate = make_certificate(volunteer)
    login(client, user)
    pdf = client.get(reverse("volunteers:my-certificate-pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.logout()
    page = client.get(certificate.verify_path()).content.decode()
    assert "钱**" in page and "钱多多" not in page and certificate.serial in page
    assert volunteer.person.id_number_masked not in page and str(certificate.hours) in page
    lookup = client.get(reverse("volunteers:certificate-lookup"), {"serial": certificate.serial})
    assert lookup["Location"] == certificate.verify_path()


def test_national_csv_has_bom_fixed_columns_full_id_and_is_audited(client, tree):
    from boai.volunteers.exports import NATIONAL_HEADERS

    officer = make_user(tree.branch_a, "volunteers_officer")
    volunteer = make_volunteer(tree.unit_a)
    make_record(volunteer, hours="2.5", status="certified")
    make_record(volunteer, hours="4")  # not certified: not exported
    make_record(make_volunteer(tree.unit_b), status="certified")  # other branch
    login(client, officer)
    response = client.get(reverse("volunteers:record-national"))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(",") == list(NATIONAL_HEADERS) and len(lines) == 2
    assert volunteer.person.id_number in lines[1] and ",2.50," in lines[1]
    assert AuditEntry.objects.filter(action="volunteers.national_export", actor_id=officer.pk).exists()
    login(client, make_user(tree.branch_a, "auditor"))
    assert client.get(reverse("volunteers:record-national")).status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["volunteer-list", "activity-list", "record-list", "member-list", "team-list",
                                  "star-list", "certificate-list", "reports"])
def test_list_pages_do_not_grow_queries_with_rows(client, tree, name):
    admin = make_user(tree.branch_a, "branch_admin")
    login(client, admin)

    def add_rows():
        v = make_volunteer(tree.unit_a)
        make_record(v, status="recorded")
        make_record(v, hours="120", status="certified")
        make_activity(tree.unit_a)
        make_member(tree.unit_a)
        make_team(tree.unit_a)
        make_certificate(v)

    add_rows()
    url = reverse(f"volunteers:{name}")
    few = _count(client, url)
    for _ in range(4):
        add_rows()
    assert _count(client, url) == few, f"{name}: queries grow with rows"


def test_review_page_approves(client, tree):
    officer = make_user(tree.branch_a, "volunteers_officer")
    volunteer = make_volunteer(tree.unit_a, status="pending", user=make_user(tree.unit_a, "volunteer"))
    login(client, officer)
    response = client.post(reverse("volunteers:volunteer-review", args=[volunteer.pk]), {"decision": "reject"})
    assert "reason" in response.content.decode().lower() or response.status_code == 200
    response = client.post(reverse("volunteers:volunteer-review", args=[volunteer.pk]), {"decision": "approve"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "active"
