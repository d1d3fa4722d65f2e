import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from boai.core.models import AuditEntry
from boai.people.tests.factories import resident_id
from boai.relief.models import Alert, Household, HouseholdStatus
from boai.relief.tests.factories_households import image_upload, make_alert, make_household
from boai.testing.helpers import login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def officer(tree, client):
    user = make_user(tree.branch_a, "relief_officer")
    login(client, user)
    return user


def test_officer_of_branch_b_gets_404_on_branch_a_household_and_lists_never_show_it(tree, client):
    """Issue 7 must-show: an officer cannot see another branch's household (page, API, lists, search)."""
    mine = make_household(tree.unit_b)
    theirs = make_household(tree.unit_a, latitude="31.5", longitude="120.3")
    make_alert(tree.unit_a, household=theirs)
    officer_b = make_user(tree.branch_b, "relief_officer")
    login(client, officer_b)
    assert client.get(reverse("relief:household-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("relief:household-assess", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("relief:household-reveal", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:relief-household-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:relief-household-visits", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("relief:household-detail", args=[mine.pk])).status_code == 200
    for name, params in (("relief:household-list", {}), ("relief:household-list", {"q": theirs.number}),
                         ("relief:household-list", {"q": theirs.head.id_number}),
                         ("relief:household-map", {}), ("relief:household-alerts", {}),
                         ("api:relief-household-list", {}), ("api:relief-household-list", {"search": theirs.number}),
                         ("api:relief-alert-list", {})):
        body = client.get(reverse(name), params).content.decode()
        body = body.replace(f'value="{theirs.number}"', "").replace(f"q={theirs.number}", "")
        body = body.replace(f"search={theirs.number}", "")
        assert theirs.number not in body, name


def test_list_filters_and_search(tree, client, officer):
    urgent = make_household(tree.unit_a, risk_level="urgent", categories=["disaster"])
    overdue = make_household(tree.unit_a, review_due=timezone.localdate() - dt.timedelta(days=2))
    url = reverse("relief:household-list")
    body = client.get(url, {"risk_level": "urgent"}).content.decode()
    assert urgent.number in body and overdue.number not in body
    body = client.get(url, {"category": "disaster"}).content.decode()
    assert urgent.number in body and overdue.number not in body
    body = client.get(url, {"overdue": "on"}).content.decode()
    assert overdue.number in body and urgent.number not in body
    body = client.get(url, {"q": urgent.head.name}).content.decode()
    assert urgent.number in body and overdue.number not in body
    export = client.get(reverse("relief:household-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_create_page_then_detail_masks(tree, client, officer):
    number = resident_id()
    response = client.post(reverse("relief:household-create"), {
        "org": tree.unit_a.pk, "head_name": "王小梅", "head_id_number": number, "head_mobile": "13800001111",
        "address": "梁溪区人民路8号", "categories": ["dibao", "disability"], "monthly_income": "900",
        "risk_level": "watch", "latitude": "31.5", "longitude": "120.3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get()
    body = client.get(household.get_absolute_url()).content.decode()
    assert "王小梅" in body and number not in body and "13800001111" not in body and "人民路8号" not in body
    assert household.head.id_number_masked in body


def test_assessment_visit_and_alert_close_pages(tree, client, officer):
    household = make_household(tree.unit_a)
    response = client.post(reverse("relief:household-assess", args=[household.pk]), {
        "assessed_on": timezone.localdate().isoformat(), "categories": ["dibao", "disaster"],
        "monthly_income": "200", "risk_level": "urgent"})
    assert response.status_code == 302
    alert = Alert.objects.get(household=household)
    response = client.post(reverse("relief:household-visit", args=[household.pk]), {
        "visited_on": timezone.localdate().isoformat(), "notes": "房屋受损",
        "photos": [image_upload(), image_upload()]})
    assert response.status_code == 302
    photo = household.visits.get().photos.first()
    body = client.get(household.get_absolute_url()).content.decode()
    assert reverse("relief:household-photo", args=[photo.pk]) in body and "房屋受损" in body
    assert client.get(reverse("relief:household-photo", args=[photo.pk])).status_code == 200
    bad = client.post(reverse("relief:household-visit", args=[household.pk]), {
        "visited_on": timezone.localdate().isoformat(), "notes": "n",
        "photos": [image_upload("x.gif", fmt="GIF")]})
    assert bad.status_code == 200 and household.visits.count() == 1
    assert alert.household.number in client.get(reverse("relief:household-alerts")).content.decode()
    response = client.post(reverse("relief:household-alert-close", args=[alert.pk]), {"resolution": "已发放应急物资"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_reveal_page_shows_once_and_audits(tree, client, officer):
    household = make_household(tree.unit_a, address="梁溪区中山路100号")
    url = reverse("relief:household-reveal", args=[household.pk])
    response = client.post(url, {"field": "address", "reason": "上门走访核对"})
    assert "梁溪区中山路100号" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="relief.household.reveal", reason="上门走访核对").exists()
    operator = make_user(tree.unit_a, "grassroots_operator")
    login(client, operator)
    assert client.get(url).status_code == 403


def test_close_household_page(tree, client, officer):
    household = make_household(tree.unit_a)
    response = client.post(reverse("relief:household-close", args=[household.pk]), {"reason": "迁出"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.CLOSED


def test_map_lists_points(tree, client, officer):
    household = make_household(tree.unit_a, latitude="31.5", longitude="120.3")
    hidden = make_household(tree.unit_a)
    body = client.get(reverse("relief:household-map")).content.decode()
    assert household.number in body and hidden.number not in body


def test_map_filters_by_risk_and_says_when_it_shows_only_the_newest(tree, client, officer, monkeypatch):
    from boai.relief.models import RiskLevel
    from boai.relief.selectors import households as sel

    urgent = make_household(tree.unit_a, latitude="31.5", longitude="120.3", risk_level=RiskLevel.URGENT)
    stable = [make_household(tree.unit_a, latitude="31.6", longitude="120.2") for _ in range(2)]
    body = client.get(reverse("relief:household-map"), {"risk": "urgent"}).content.decode()
    assert urgent.number in body and stable[0].number not in body and '"level": "urgent"' in body
    monkeypatch.setattr(sel, "MAP_LIMIT", 2)
    page = client.get(reverse("relief:household-map"))
    assert [p["number"] for p in page.context["points"]] == [stable[1].number, stable[0].number]
    assert page.context["total"] == 3 and page.context["truncated"]
    assert "3" in page.content.decode().split('data-testid="map-count"')[1][:300]
    assert client.get(reverse("relief:household-map"), {"risk": "bogus"}).context["level"] == ""


def test_api_alert_close(tree, client, officer):
    alert = make_alert(tree.unit_a)
    response = client.post(reverse("api:relief-alert-close", args=[alert.pk]), {"resolution": ""})
    assert response.status_code == 400
    response = client.post(reverse("api:relief-alert-close", args=[alert.pk]), {"resolution": "已处理"})
    assert response.status_code == 200 and response.json()["resolution"] == "已处理"


def test_api_create_household_and_assess(tree, client, officer):
    from boai.people.tests.factories import resident_id

    response = client.post(reverse("api:relief-household-list"), {
        "org": tree.unit_a.pk, "head": {"name": "赵六", "id_number": resident_id()}, "categories": ["dibao"],
        "monthly_income": "1500", "address": "人民路3号"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == "人民路****" and body["head_name"] == "赵六"
    response = client.post(reverse("api:relief-household-list"), {
        "org": tree.unit_b.pk, "head": {"name": "钱七", "id_number": resident_id()}}, content_type="application/json")
    assert response.status_code == 400
    url = reverse("api:relief-household-assess", args=[body["id"]])
    response = client.post(url, {"monthly_income": "100", "risk_level": "urgent", "categories": ["dibao"]},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["sudden_change"] is True
    assert Alert.objects.filter(household_id=body["id"], resolved_at__isnull=True).count() == 1
    response = client.post(url, {"monthly_income": "-1", "risk_level": "nope"}, content_type="application/json")
    assert response.status_code == 400


def test_detail_query_count_does_not_grow_with_visits_and_members(tree, client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boai.relief.models import VisitPhoto
    from boai.relief.tests.factories_households import make_visit

    def fill(household, n):
        for _ in range(n):
            visit = make_visit(tree.unit_a, household=household)
            for _ in range(2):
                photo = VisitPhoto(visit=visit, sha256="0" * 64)
                photo.image.save("p.jpg", image_upload("p.jpg", fmt="JPEG"), save=True)
            make_alert(tree.unit_a, household=household, kind="follow_up", resolved_at=timezone.now())

    small, big = make_household(tree.unit_a, members=1), make_household(tree.unit_a, members=4)
    fill(small, 1)
    fill(big, 4)
    counts = []
    for household in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(household.get_absolute_url()).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_api_visit_upload_with_photos(tree, client, officer, settings, tmp_path):
    from boai.relief.models import HomeVisit

    settings.MEDIA_ROOT = tmp_path / "media"
    household = make_household(tree.unit_a)
    url = reverse("api:relief-household-visit", args=[household.pk])
    response = client.post(url, {"visited_on": timezone.localdate().isoformat(), "notes": "老人行动不便，需送药",
                                 "needs_follow_up": "true", "captions": ["门口"],
                                 "photos": [image_upload("door.jpg", fmt="JPEG")]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["needs_follow_up"] is True and len(body["photos"]) == 1
    assert Alert.objects.filter(household=household, kind="follow_up", resolved_at__isnull=True).exists()
    bad = client.post(url, {"visited_on": timezone.localdate().isoformat(), "notes": "照片有误",
                            "photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]})
    assert bad.status_code == 400 and "photos" in bad.json()
    assert HomeVisit.objects.filter(household=household).count() == 1  # the refused one wrote nothing
