"""Permission-matrix entries of every donations route (see boai.testing.matrix)."""

from __future__ import annotations

from decimal import Decimal

from boai.testing.matrix import Route


def _gift(unit, user=None):
    from boai.donations.tests.factories import make_fund, make_gift

    return make_gift(make_fund(unit), "88.00")


def _donor(unit, user=None):
    from boai.donations.tests.factories import make_donor

    return make_donor(unit)


def _fund(unit, user=None):
    from boai.donations.tests.factories import make_fund

    return make_fund(unit)


def _project(unit, user=None):
    from boai.donations.tests.factories import make_project

    return make_project(unit)


def _campaign(unit, user=None):
    from boai.donations.tests.factories import make_campaign

    return make_campaign(unit)


def _allocation(unit, user=None):
    from boai.donations.tests.factories import funded_project

    return funded_project(unit, "100.00").allocations.get()


def _spending(unit, user=None):
    from boai.donations import services
    from boai.donations.tests.factories import funded_project

    project = funded_project(unit, "100.00")
    return services.spending_request(actor=None, project=project, amount="10.00", purpose="药品", payee_kind="supplier",
                                     payee_name="医药公司")


def _pending_spending(unit, user=None):
    """A payment above the approval threshold, requested by someone else (so any approver may approve it)."""
    from boai.donations import services
    from boai.donations.tests.factories import funded_project

    project = funded_project(unit, "60000.00")
    return services.spending_request(actor=None, project=project, amount="50000.00", purpose="救灾物资",
                                     payee_kind="supplier", payee_name="物资公司")


def _alliance(unit, user=None):
    from boai.donations import services
    from boai.donations.tests.factories import make_donor

    return services.alliance_join(actor=None, donor=make_donor(unit))


def _tier(unit, user=None):
    from boai.donations.models import RecognitionTier

    n = RecognitionTier.objects.count() + 1
    return RecognitionTier.objects.create(org=unit, name=f"星级{n}", min_total=Decimal(1000 * n))


def _disclosure(unit, user=None):
    import datetime as dt

    from boai.donations.models import DisclosureItem

    n = DisclosureItem.objects.count() + 1
    return DisclosureItem.objects.create(org=unit, kind="other", title=f"公开事项{n}",
                                         due_on=dt.date(2030, 1, 1) + dt.timedelta(days=n))


def _issue(unit, user=None):
    from boai.donations.models import ReconciliationIssue, ReconciliationRun

    run, _ = ReconciliationRun.objects.get_or_create(channel="wechat", bill_date="2030-01-01")
    n = ReconciliationIssue.objects.count() + 1
    return ReconciliationIssue.objects.create(run=run, org=unit, kind="missing_gift", out_trade_no=f"BAMATRIX{n:06d}")


def _name(obj) -> str:
    return obj.name


def _str(obj) -> str:
    return str(obj)


# --- public pages act on fixed objects made on demand (they answer the same for every role) -------

def _root():
    from boai.orgs.models import Org

    return Org.objects.order_by("path").first()


def _public_project(client=None):
    from boai.donations.models import Project
    from boai.donations.tests.factories import make_fund, make_project

    if not Project.objects.filter(code="MATRIX").exists():
        from boai.donations import services

        project = make_project(_root(), make_fund(_root()))
        Project.objects.filter(pk=project.pk).update(code="MATRIX")
        services.campaign_create(actor=None, org=_root(), slug="matrix", name="矩阵募捐", kind="giving_day",
                                 starts_at=_now(-1), ends_at=_now(48), record_number="53320000000000000001",
                                 projects=[Project.objects.get(code="MATRIX")])
    return {}


def _now(hours: int):
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(hours=hours)


def _certificate(client=None):
    from boai.donations.models import Certificate

    if not Certificate.objects.filter(token="matrix").exists():
        gift = _gift(_root())
        Certificate.objects.filter(gift=gift).update(token="matrix")
    return {}


def _peer(client=None):
    from boai.donations.models import PeerPage, Project

    _public_project()
    if not PeerPage.objects.filter(slug="matrix").exists():
        project = Project.objects.get(code="MATRIX")
        PeerPage.objects.create(org=project.org, project=project, slug="matrix", title="一起捐", supporter_name="小王",
                                target=Decimal("500"), owner_mobile_blind="x")
    return {}


def _order(client=None):
    from django.utils import timezone

    from boai.donations.models import Fund, PaymentOrder

    _public_project()
    if not PaymentOrder.objects.filter(access_token="matrix").exists():
        fund = Fund.objects.filter(projects__code="MATRIX").get()
        PaymentOrder.objects.create(org=fund.org, out_trade_no="BAMATRIX", channel="wechat", amount=Decimal("5"),
                                    fund=fund, access_token="matrix", created_at=timezone.now())
    return {}


def _qr(client=None):
    return {"u": "http://testserver/give/"}


def _simulated_order(client=None):
    from django.utils import timezone

    from boai.donations.models import SimulatorOrder

    SimulatorOrder.objects.get_or_create(channel="wechat", merchant="1900009191", out_trade_no="BAMATRIX",
                                         defaults={"app_id": "wx", "transaction_id": "4200matrix",
                                                   "amount_fen": 500, "description": "矩阵", "notify_url": "http://x/",
                                                   "created_at": timezone.now()})
    return {}


PUBLIC = {
    "donations:give-home": Route(public=True),
    "donations:qr": Route(public=True, data=_qr),
    "donations:public-project": Route(public=True, kwargs={"code": "MATRIX"}, data=_public_project),
    "donations:give": Route(public=True, kwargs={"code": "MATRIX"}, data=_public_project),
    "donations:peer-create": Route(public=True, kwargs={"code": "MATRIX"}, data=_public_project, ok=(302,)),
    "donations:public-campaign": Route(public=True, kwargs={"slug": "matrix"}, data=_public_project),
    "donations:campaign-progress": Route(public=True, kwargs={"slug": "matrix"}, data=_public_project),
    "donations:peer-page": Route(public=True, kwargs={"slug": "matrix"}, data=_peer),
    "donations:peer-close": Route(public=True, kwargs={"slug": "matrix"}, data=_peer, method="post", ok=(302,)),
    "donations:order": Route(public=True, kwargs={"token": "matrix"}, data=_order),
    "donations:order-status": Route(public=True, kwargs={"token": "matrix"}, data=_order),
    "donations:notify": Route(public=True, kwargs={"channel": "wechat"}, method="post", ok=(400,)),
    "donations:certificate": Route(public=True, kwargs={"token": "matrix"}, data=_certificate),
    "donations:verify": Route(public=True, kwargs={"token": "matrix"}, data=_certificate),
    "donations:donor-login": Route(public=True),
    "donations:my-gifts": Route(public=True, ok=(302,)),
    "donations:donor-logout": Route(public=True, method="post", ok=(302,)),
    "donations:disclosure": Route(public=True),
    "donations:disclosure-gifts": Route(public=True),
    "donations:disclosure-report": Route(public=True),
    "donations:disclosure-gifts-export": Route(public=True),
    "donations:paysim-alipay": Route(public=True, ok=(400,)),
    "donations:paysim": Route(public=True, kwargs={"channel": "wechat", "txn": "4200matrix"}, data=_simulated_order),
}

STAFF = {
    "donations:gift-list": Route(perm="donations.view", lists="donation_gift", search_param="q", marker=_str),
    "donations:gift-export": Route(perm="donations.export", lists="donation_gift", search_param="q", marker=_str),
    "donations:gift-create": Route(perm="donations.add"),
    "donations:gift-create-goods": Route(perm="donations.add"),
    "donations:gift-detail": Route(perm="donations.view", obj="donation_gift"),
    "donations:gift-receipt": Route(perm="donations.change", obj="donation_gift"),
    "donations:gift-certificate": Route(perm="donations.view", obj="donation_gift"),
    "donations:goods-receive": Route(perm="donations.add", obj="donation_gift"),
    "donations:donor-list": Route(perm="donations.view", lists="donation_donor", search_param="q", marker=_name),
    "donations:donor-export": Route(perm="donations.export", lists="donation_donor", search_param="q", marker=_name),
    "donations:donor-create": Route(perm="donations.add"),
    "donations:donor-detail": Route(perm="donations.view", obj="donation_donor"),
    "donations:donor-update": Route(perm="donations.change", obj="donation_donor"),
    "donations:fund-list": Route(perm="donations.view", lists="donation_fund", search_param="q", marker=_name),
    "donations:fund-export": Route(perm="donations.export", lists="donation_fund", search_param="q", marker=_name),
    "donations:fund-create": Route(perm="donations.add"),
    "donations:fund-detail": Route(perm="donations.view", obj="donation_fund"),
    "donations:fund-update": Route(perm="donations.change", obj="donation_fund"),
    "donations:project-list": Route(perm="donations.view", lists="donation_project", search_param="q", marker=_name),
    "donations:project-export": Route(perm="donations.export", lists="donation_project", search_param="q",
                                      marker=_name),
    "donations:project-create": Route(perm="donations.add"),
    "donations:project-detail": Route(perm="donations.view", obj="donation_project"),
    "donations:project-update": Route(perm="donations.change", obj="donation_project"),
    "donations:campaign-list": Route(perm="donations.view", lists="donation_campaign", search_param="q",
                                     marker=_name),
    "donations:campaign-export": Route(perm="donations.export", lists="donation_campaign", search_param="q",
                                       marker=_name),
    "donations:campaign-create": Route(perm="donations.add"),
    "donations:campaign-detail": Route(perm="donations.view", obj="donation_campaign"),
    "donations:campaign-update": Route(perm="donations.change", obj="donation_campaign"),
    "donations:campaign-target": Route(perm="donations.change", obj="donation_campaign"),
    "donations:allocation-list": Route(perm="donations.view", lists="donation_allocation", search_param="q",
                                       marker=_str),
    "donations:allocation-export": Route(perm="donations.export", lists="donation_allocation", search_param="q",
                                         marker=_str),
    "donations:allocation-create": Route(perm="donations.allocate"),
    "donations:allocation-detail": Route(perm="donations.view", obj="donation_allocation"),
    "donations:spending-list": Route(perm="donations.view", lists="donation_spending", search_param="q",
                                     marker=_str),
    "donations:spending-export": Route(perm="donations.export", lists="donation_spending", search_param="q",
                                       marker=_str),
    "donations:spending-create": Route(perm="donations.spend"),
    "donations:spending-detail": Route(perm="donations.view", obj="donation_spending"),
    "donations:spending-approve": Route(perm="finance.approve", obj="donation_pending_spending", method="post",
                                        ok=(302,)),
    "donations:spending-reject": Route(perm="finance.approve", obj="donation_pending_spending"),
    "donations:spending-acknowledge": Route(perm="donations.add", obj="donation_spending"),
    "donations:alliance-list": Route(perm="donations.view", lists="donation_alliance", search_param="q",
                                     marker=_str),
    "donations:alliance-export": Route(perm="donations.export", lists="donation_alliance", search_param="q",
                                       marker=_str),
    "donations:alliance-join": Route(perm="donations.add"),
    "donations:alliance-detail": Route(perm="donations.view", obj="donation_alliance"),
    "donations:alliance-contact": Route(perm="donations.add", obj="donation_alliance"),
    "donations:alliance-status": Route(perm="donations.change", obj="donation_alliance"),
    "donations:tier-list": Route(perm="donations.view", lists="donation_tier", search_param="q", marker=_name),
    "donations:tier-create": Route(perm="donations.change"),
    "donations:tier-update": Route(perm="donations.change", obj="donation_tier"),
    "donations:tier-delete": Route(perm="donations.change", obj="donation_tier"),
    "donations:disclosure-calendar": Route(perm="donations.view", lists="donation_disclosure", search_param="q",
                                           marker=lambda d: d.title),
    "donations:disclosure-item": Route(perm="donations.view", obj="donation_disclosure"),
    "donations:reconciliation": Route(perm="finance.reconcile", lists="donation_issue", search_param="q",
                                      marker=lambda i: i.out_trade_no),
    "donations:reconcile-run": Route(perm="finance.reconcile"),
    "donations:issue-resolve": Route(perm="finance.reconcile", obj="donation_issue"),
}

API = {
    "api:donation-donor-list": Route(perm="donations.view", api=True, lists="donation_donor", search_param="search",
                                     marker=_name),
    "api:donation-donor-detail": Route(perm="donations.view", api=True, obj="donation_donor"),
    "api:donation-gift-list": Route(perm="donations.view", api=True, lists="donation_gift", marker=_str),
    "api:donation-gift-detail": Route(perm="donations.view", api=True, obj="donation_gift"),
    "api:donation-fund-list": Route(perm="donations.view", api=True, lists="donation_fund", search_param="search",
                                    marker=_name),
    "api:donation-fund-detail": Route(perm="donations.view", api=True, obj="donation_fund"),
    "api:donation-project-list": Route(perm="donations.view", api=True, lists="donation_project",
                                       search_param="search", marker=_name),
    "api:donation-project-detail": Route(perm="donations.view", api=True, obj="donation_project"),
    "api:donation-campaign-list": Route(perm="donations.view", api=True, lists="donation_campaign",
                                        search_param="search", marker=_name),
    "api:donation-campaign-detail": Route(perm="donations.view", api=True, obj="donation_campaign"),
    "api:donation-campaign-progress": Route(perm="donations.view", api=True, obj="donation_campaign"),
    "api:donation-allocation-list": Route(perm="donations.view", api=True, lists="donation_allocation",
                                          marker=_str),
    "api:donation-allocation-detail": Route(perm="donations.view", api=True, obj="donation_allocation"),
    "api:donation-spending-list": Route(perm="donations.view", api=True, lists="donation_spending", marker=_str),
    "api:donation-spending-detail": Route(perm="donations.view", api=True, obj="donation_spending"),
    "api:donation-spending-approve": Route(perm="finance.approve", api=True, obj="donation_pending_spending",
                                           method="post"),
    "api:donation-alliance-list": Route(perm="donations.view", api=True, lists="donation_alliance",
                                        search_param="search", marker=_str),
    "api:donation-alliance-detail": Route(perm="donations.view", api=True, obj="donation_alliance"),
}

ROUTES = {**PUBLIC, **STAFF, **API}

OBJECTS = {
    "donation_gift": _gift, "donation_donor": _donor, "donation_fund": _fund, "donation_project": _project,
    "donation_campaign": _campaign, "donation_allocation": _allocation, "donation_spending": _spending,
    "donation_pending_spending": _pending_spending, "donation_alliance": _alliance, "donation_tier": _tier,
    "donation_disclosure": _disclosure, "donation_issue": _issue,
}
