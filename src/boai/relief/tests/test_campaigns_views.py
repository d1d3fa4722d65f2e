"""Campaign pages through the client: create, quota, open, build the list, progress, list export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from boai.relief.models import Campaign, Category
from boai.relief.tests.factories import make_household, make_relief_type
from boai.testing.helpers import login, make_user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_campaign_pages(tree, client):
    officer = make_user(tree.city, "relief_officer")
    rt = make_relief_type(tree.city)
    for _ in range(2):
        make_household(tree.unit_a, categories=[Category.DIBAO])
    login(client, officer)
    today = timezone.localdate()
    response = client.post(reverse("relief:campaign-create"), {
        "name": "春节博爱送万家", "org": tree.city.pk, "holiday": "spring", "year": today.year,
        "starts_on": today, "ends_on": today + dt.timedelta(days=30), "relief_type": rt.pk,
        "standard_amount": "500", "package": "米、油", "target_categories": ["dibao"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert client.post(reverse("relief:campaign-quota", args=[campaign.pk]),
                       {"org": tree.branch_a.pk, "households": 5}).status_code == 302
    assert client.post(reverse("relief:campaign-open", args=[campaign.pk])).status_code == 302
    assert client.post(reverse("relief:campaign-build", args=[campaign.pk])).status_code == 302
    assert campaign.households.count() == 2
    detail = client.get(reverse("relief:campaign-detail", args=[campaign.pk]))
    assert detail.status_code == 200 and 'data-testid="progress-table"' in detail.content.decode()
    households = client.get(reverse("relief:campaign-households", args=[campaign.pk]))
    assert households.status_code == 200
    export = client.get(reverse("relief:campaign-households-export", args=[campaign.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get(reverse("api:relief-campaign-progress", args=[campaign.pk]))
    assert api.status_code == 200 and api.json()[0]["on_list"] == 2
