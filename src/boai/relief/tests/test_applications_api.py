"""The API walks an application through every step; service refusals are 400 with the message."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from boai.relief.models import Application, ApplicationStatus
from boai.relief.tests.factories import make_household
from boai.relief.tests.factories_applications import funded_relief_type, make_staff, png_upload
from boai.testing.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def _client(user) -> APIClient:
    client = APIClient()
    login(client, user)
    return client


def test_the_flow_through_the_api(tree):
    staff = make_staff(tree)
    rt = funded_relief_type(tree.city)[0]
    household = make_household(tree.unit_a)
    base = "/api/v1/relief/applications/"
    worker = _client(staff.worker)
    created = worker.post(base, {"household": household.pk, "relief_type": rt.pk, "amount_requested": "450.00",
                                 "reason": "接口测试", "channel": "worker"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert _client(staff.worker2).post(f"{base}{pk}/verify/", {"note": "核实"}, format="json").status_code == 200
    reviewer = _client(staff.reviewer)
    assert reviewer.post(f"{base}{pk}/review/", {}, format="json").json()["status"] == ApplicationStatus.REVIEWED
    refused = worker.post(f"{base}{pk}/approve/", {}, format="json")
    assert refused.status_code == 403  # a grassroots operator does not approve
    approved = _client(staff.approver).post(f"{base}{pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["amount_approved"] == "450.00"
    again = _client(staff.city).post(f"{base}{pk}/approve/", {}, format="json")
    assert again.status_code == 400 and "不能审批" in str(again.json())
    paid = reviewer.post(f"{base}{pk}/disburse/", {"method": "bank", "amount": "450.00",
                                                  "paid_on": timezone.localdate().isoformat(),
                                                  "bank_account": "6222021234567890", "bank_reference": "TX9"},
                         format="json")
    assert paid.status_code == 201 and paid.json()["bank_account_masked"] == "6222 **** 7890"
    assert paid.json()["spending"] and paid.json()["ledger_entry"]
    ack = reviewer.post(f"{base}{pk}/acknowledge/", {"image": png_upload(), "kind": "signature"}, format="multipart")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert Application.objects.get(pk=pk).status == ApplicationStatus.ACKNOWLEDGED
    listed = _client(staff.officer_b).get(base).json()
    assert all(row["id"] != pk for row in listed.get("results", listed))
    types = reviewer.get("/api/v1/relief/types/").json()
    assert rt.code in str(types)  # the city's type, offered to the branch
