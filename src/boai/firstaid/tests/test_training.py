import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from boai.core.models import AuditEntry, Notification
from boai.firstaid import services_training as svc
from boai.firstaid.models import Certificate, CertificateStatus, CourseKind, Enrolment, Result
from boai.firstaid.selectors_training import verify_by_number, verify_by_token
from boai.firstaid.tasks import certificate_reminders
from boai.firstaid.tests import factories as f


@pytest.fixture
def officer(tree, user_factory):
    return user_factory(tree.branch_a, "firstaid_officer")


def _pass(enrolment, actor=None, **marks):
    values = {"attendance_percent": 100, "theory_score": 90, "practical_passed": True, **marks}
    return svc.result_record(actor=actor, enrolment=enrolment, **values)


def test_public_enrolment_registers_the_person_once_with_consent(tree):
    session = f.make_session(tree.unit_a)
    with pytest.raises(ValidationError):
        svc.enrol_public(session=session, name="王小明", id_number=f.resident_id(5), mobile="13912345678",
                         consent=False)
    e = svc.enrol_public(session=session, name="王小明", id_number=f.resident_id(5), mobile="13912345678",
                         consent=True)
    assert e.consent_at is not None and e.person.name == "王小明" and e.source == "public"
    other = f.make_session(tree.unit_a)
    e2 = svc.enrol_public(session=other, name="王小明", id_number=f.resident_id(5), mobile="13912345678",
                          consent=True)
    assert e2.person_id == e.person_id  # found by blind index, not registered twice
    with pytest.raises(ValidationError):
        svc.enrol_public(session=other, name="王小明", id_number=f.resident_id(5), mobile="13912345678",
                         consent=True)
    with pytest.raises(ValidationError) as exc:
        svc.enrol_public(session=f.make_session(tree.unit_a), name="李四", id_number=f.resident_id(5),
                         mobile="13912345678", consent=True)
    assert "name" in exc.value.message_dict


def test_capacity_and_bad_id_number(tree):
    session = f.make_session(tree.unit_a, capacity=1)
    svc.enrol_public(session=session, name="甲", id_number=f.resident_id(1), mobile="13900000001", consent=True)
    with pytest.raises(ValidationError):
        svc.enrol_public(session=session, name="乙", id_number=f.resident_id(2), mobile="13900000002", consent=True)
    with pytest.raises(ValidationError) as exc:
        svc.enrol_public(session=f.make_session(tree.unit_a), name="丙", id_number="320213199001010010",
                         mobile="13900000003", consent=True)
    assert "id_number" in exc.value.message_dict


def test_pass_issues_a_numbered_certificate_and_fail_does_not(tree, officer, settings):
    settings.BOAI_CERTIFICATE_NUMBER_PATTERN = "WX-{year}-{seq:06d}"
    session = f.make_session(tree.unit_a)
    good, bad, pending = (f.make_enrolment(tree.unit_a, session=session) for _ in range(3))
    _pass(good, officer)
    _pass(bad, officer, theory_score=50)
    svc.result_record(actor=officer, enrolment=pending, attendance_percent=100, theory_score=None,
                      practical_passed=None)
    good.refresh_from_db(), bad.refresh_from_db(), pending.refresh_from_db()
    assert (good.result, bad.result, pending.result) == (Result.PASSED, Result.FAILED, Result.PENDING)
    cert = good.certificate
    year = timezone.localdate().year
    assert cert.number == f"WX-{year}-000001"
    assert cert.valid_until == cert.issued_on.replace(year=cert.issued_on.year + 3)
    assert not Certificate.objects.filter(enrolment__in=[bad, pending]).exists()
    second = f.make_certificate(tree.unit_a)
    assert second.number == f"WX-{year}-000002"
    assert AuditEntry.objects.filter(action="firstaid.certificate.issue").count() == 2
    with pytest.raises(ValidationError):
        _pass(good, officer)  # a certificate exists: the result is frozen


def test_course_pattern_and_awareness_courses(tree):
    course = f.make_course(tree.branch_a, number_pattern="JY{course}-{year}-{seq:04d}", code="CPR1")
    cert = f.make_certificate(tree.unit_a, session=f.make_session(tree.unit_a, course=course))
    assert cert.number == f"JYCPR1-{timezone.localdate().year}-0001"
    awareness = f.make_course(tree.branch_a, kind=CourseKind.AWARENESS)
    e = _pass(f.make_enrolment(tree.unit_a, session=f.make_session(tree.unit_a, course=awareness)))
    assert e.result == Result.PASSED and not Certificate.objects.filter(enrolment=e).exists()
    with pytest.raises(ValidationError):
        f.make_course(tree.branch_a, number_pattern="WX-{nope}")


def test_verification_shows_only_masked_name_course_validity_status(tree, client):
    person = f.make_person(tree.unit_a, name="欧阳小明", mobile="13811112222")
    cert = f.make_certificate(tree.unit_a, person=person)
    result = verify_by_number(number=cert.number.lower(), name="欧阳小明")
    assert result.holder == "欧***" and result.status == CertificateStatus.VALID
    assert verify_by_number(number=cert.number, name="欧阳小") is None  # the full name is needed
    assert verify_by_token(token=cert.token).number == cert.number
    pages = [client.get(reverse("firstaid:public-verify"), {"number": cert.number, "name": "欧阳小明"}),
             client.get(reverse("firstaid:public-verify-token", args=[cert.token])),
             client.get("/api/v1/public/certificates/verify/", {"token": cert.token})]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "欧***" in body and cert.number in body
        for secret in ("欧阳小明", person.id_number, person.id_number_masked, "13811112222", person.mobile_masked):
            assert secret not in body, secret
        assert "max-age=60" in response["Cache-Control"]
    data = json.loads(pages[2].content)
    assert set(data) == {"found", "number", "holder", "course", "certificate_name", "issued_on", "valid_until",
                         "status", "status_label", "issuer"}


def test_revocation_needs_reason_is_audited_and_shows_on_verification(tree, officer):
    cert = f.make_certificate(tree.unit_a)
    with pytest.raises(ValidationError):
        svc.certificate_revoke(actor=officer, certificate=cert, reason="no")
    svc.certificate_revoke(actor=officer, certificate=cert, reason="考核作弊，撤销证书")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    assert AuditEntry.objects.get(action="firstaid.certificate.revoke").reason == "考核作弊，撤销证书"
    assert verify_by_token(token=cert.token).status == CertificateStatus.REVOKED
    with pytest.raises(ValidationError):
        svc.certificate_revoke(actor=officer, certificate=cert, reason="再次撤销测试")


def test_revocation_outside_scope_is_refused(tree, user_factory):
    cert = f.make_certificate(tree.unit_b)
    with pytest.raises(ValidationError):
        svc.certificate_revoke(actor=user_factory(tree.branch_a, "firstaid_officer"), certificate=cert,
                               reason="越权撤销尝试")


def test_certificate_expiry_status(tree):
    cert = f.make_certificate(tree.unit_a)
    assert cert.status_on(cert.valid_until) == CertificateStatus.VALID
    assert cert.status_on(cert.valid_until + dt.timedelta(days=1)) == CertificateStatus.EXPIRED


def test_expiry_reminders_sms_holder_and_notify_officers_once(tree, officer, settings, tmp_path,
                                                            django_capture_on_commit_callbacks):
    settings.BOAI_SMS_DIR = tmp_path
    cert = f.make_certificate(tree.unit_a)
    later = f.make_certificate(tree.unit_a)
    Certificate.objects.filter(pk=cert.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_reminders() == 1
        assert certificate_reminders() == 0  # once only
    sms = (tmp_path / "outbox.jsonl").read_text()
    assert cert.number in sms and "/firstaid/sessions/?course=" in sms and later.number not in sms
    note = Notification.objects.get(recipient=officer)
    assert "1" in note.title


def test_instructor_dates_and_assignment(tree, officer):
    instructor = f.make_instructor(tree.unit_a)
    session = f.make_session(tree.unit_a)
    svc.session_assign_instructor(actor=officer, session=session, instructor=instructor, hours=4, lead=True)
    assert session.teaching.get().hours == 4
    with pytest.raises(ValidationError):
        svc.instructor_update(actor=officer, instructor=instructor, expires_on=instructor.qualified_on)
    svc.instructor_update(actor=officer, instructor=instructor, expires_on=session.starts_on - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        svc.session_assign_instructor(actor=officer, session=f.make_session(tree.unit_a), instructor=instructor,
                                      hours=2)


def test_staff_pages_record_result_and_download_pdf(tree, officer, login_as):
    client = login_as(officer)
    enrolment = f.make_enrolment(tree.unit_a)
    response = client.post(reverse("firstaid:enrolment-result", args=[enrolment.pk]),
                           {"attendance_percent": 100, "theory_score": 88, "practical_passed": "true"})
    assert response.status_code == 302
    cert = Enrolment.objects.get(pk=enrolment.pk).certificate
    pdf = client.get(reverse("firstaid:certificate-pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(reverse("firstaid:session-detail", args=[enrolment.session_id])).content.decode()
    assert cert.number in detail
    bad = client.post(reverse("firstaid:enrolment-result", args=[f.make_enrolment(tree.unit_a).pk]),
                      {"attendance_percent": 150})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


def test_public_enrol_page_on_a_phone(tree, client):
    session = f.make_session(tree.unit_a, title="CPR+AED公益培训")
    page = client.get(reverse("firstaid:public-sessions"))
    assert "CPR+AED公益培训" in page.content.decode()
    response = client.post(reverse("firstaid:public-enrol", args=[session.pk]),
                           {"name": "赵六", "id_number": f.resident_id(66), "mobile": "13966666666", "consent": "on"})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "赵*" in done
    again = client.post(reverse("firstaid:public-enrol", args=[session.pk]),
                        {"name": "赵六", "id_number": f.resident_id(66), "mobile": "13966666666", "consent": "on"})
    assert again.status_code == 200 and "already enrolled" in again.content.decode() or "已" in again.content.decode()


def test_removing_a_trainee_frees_the_place_and_keeps_the_reason(tree, officer, login_as):
    session = f.make_session(tree.unit_a, capacity=1)
    e = svc.enrol_public(session=session, name="甲", id_number=f.resident_id(11), mobile="13900000011", consent=True)
    with pytest.raises(ValidationError):  # full
        svc.enrol_public(session=session, name="乙", id_number=f.resident_id(12), mobile="13900000012", consent=True)
    client = login_as(officer)
    detail = client.get(reverse("firstaid:session-detail", args=[session.pk])).content.decode()
    assert reverse("firstaid:enrolment-cancel", args=[e.pk]) in detail
    empty = client.post(reverse("firstaid:enrolment-cancel", args=[e.pk]), {"reason": " "})
    assert empty.status_code == 200 and not Enrolment.objects.get(pk=e.pk).cancelled
    done = client.post(reverse("firstaid:enrolment-cancel", args=[e.pk]), {"reason": "本人电话告知无法参加"})
    assert done.status_code == 302 and done["Location"] == session.get_absolute_url()
    assert Enrolment.objects.get(pk=e.pk).cancelled
    assert AuditEntry.objects.get(action="firstaid.enrolment.cancel").reason == "本人电话告知无法参加"
    svc.enrol_public(session=session, name="乙", id_number=f.resident_id(12), mobile="13900000012", consent=True)
    with pytest.raises(ValidationError):
        svc.enrol_cancel(actor=officer, enrolment=e, reason="再次取消")


def test_a_trainee_who_passed_cannot_be_removed(tree, officer):
    e = f.make_enrolment(tree.unit_a)
    _pass(e, actor=officer)
    with pytest.raises(ValidationError):
        svc.enrol_cancel(actor=officer, enrolment=e, reason="误报名")
    assert not Enrolment.objects.get(pk=e.pk).cancelled


def test_api_removes_a_trainee(tree, officer, login_as):
    client = login_as(officer)
    e = f.make_enrolment(tree.unit_a)
    url = reverse("api:firstaid-enrolment-cancel", args=[e.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "单位调整，不再参加"})
    assert response.status_code == 200 and Enrolment.objects.get(pk=e.pk).cancelled
    assert client.post(url, {"reason": "再次"}).status_code == 400
