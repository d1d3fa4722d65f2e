"""Permission-matrix entries of the relief pages and endpoints: applications."""

from __future__ import annotations

from boai.relief.models import ApplicationStatus
from boai.testing.matrix import Route


def _app(status):
    def make(unit):
        from boai.relief.tests.factories import make_application, make_household, make_relief_type

        app = make_application(make_household(unit), make_relief_type(unit), status=status)
        if status == ApplicationStatus.DISBURSED:
            from django.utils import timezone

            from boai.relief.models import Disbursement

            Disbursement.objects.create(application=app, ref=f"RD-T-{app.pk}", method="cash",
                                        amount=app.amount_requested,
                                        paid_on=timezone.localdate())
        return app
    return make


def _type(unit):
    from boai.relief.tests.factories import make_relief_type

    return make_relief_type(unit)


def _disbursement(unit):
    return _app(ApplicationStatus.DISBURSED)(unit).disbursement


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _png():
    from boai.relief.tests.factories_applications import png_upload

    return png_upload()


def _api(perm, obj=None, **kw):
    return Route(perm=perm, obj=obj, api=True, **kw)


ROUTES = {
    "relief_public:apply": Route(public=True, ok=(302,)),  # to the SMS login without a verified household
    "relief_public:login": Route(public=True),
    "relief_public:logout": Route(public=True, method="post", ok=(302,)),
    "relief_public:mine": Route(public=True, ok=(302,)),
    "relief_public:sign": Route(public=True, kwargs={"token": "no-such-token"}),
    "relief:type-list": Route(perm="relief.view", lists="relief_type", search_param="q", marker=lambda t: t.code),
    "relief:type-create": Route(perm="relief.change"),
    "relief:type-detail": Route(perm="relief.view", obj="relief_type"),
    "relief:type-update": Route(perm="relief.change", obj="relief_type"),
    "relief:type-active": Route(perm="relief.change", obj="relief_type"),
    "relief:application-list": Route(perm="relief.view", lists="relief_app", search_param="q",
                                     marker=lambda a: a.number),
    "relief:application-export": Route(perm="relief.export", lists="relief_app", search_param="q",
                                       marker=lambda a: a.number),
    "relief:application-inbox": Route(perm="relief.view", lists="relief_app", search_param="q",
                                      marker=lambda a: a.number),
    "relief:application-create": Route(perm="relief.add"),
    "relief:application-detail": Route(perm="relief.view", obj="relief_app"),
    "relief:application-verify": Route(perm="relief.verify", obj="relief_app"),
    "relief:application-review": Route(perm="relief.review", obj="relief_app_verified"),
    "relief:application-approve": Route(perm="relief.approve", obj="relief_app_reviewed"),
    "relief:application-reject": Route(perm="relief.verify", obj="relief_app"),
    "relief:application-withdraw": Route(perm="relief.add", obj="relief_app"),
    "relief:application-disburse": Route(perm="relief.disburse", obj="relief_app_approved"),
    "relief:application-acknowledge": Route(perm="relief.disburse", obj="relief_app_disbursed"),
    "relief:application-ack-link": Route(perm="relief.disburse", obj="relief_app_disbursed"),
    "relief:application-ack-file": Route(perm="relief.view", obj="relief_app", ok=(404,)),
    "api:relief-type-list": _api("relief.view", lists="relief_type", search_param="search", marker=lambda t: t.code),
    "api:relief-type-detail": _api("relief.view", "relief_type"),
    "api:relief-type-set-active": _api("relief.change", "relief_type", method="post", data={"active": False}),
    "api:relief-application-list": _api("relief.view", lists="relief_app", search_param="search",
                                        marker=lambda a: a.number),
    "api:relief-application-detail": _api("relief.view", "relief_app"),
    "api:relief-application-verify": _api("relief.verify", "relief_app", method="post"),
    "api:relief-application-review": _api("relief.review", "relief_app_verified", method="post"),
    "api:relief-application-approve": _api("relief.approve", "relief_app_reviewed", method="post"),
    "api:relief-application-reject": _api("relief.verify", "relief_app", method="post", data={"reason": "材料不全"}),
    "api:relief-application-withdraw": _api("relief.review", "relief_app", method="post"),
    "api:relief-application-disburse": _api("relief.disburse", "relief_app_approved", method="post", ok=(201,),
                                            data=lambda client: {"method": "goods", "amount": "0", "goods": "米面油",
                                                                 "paid_on": _today()}),
    "api:relief-application-acknowledge": _api("relief.disburse", "relief_app_disbursed", method="post",
                                               data=lambda client: {"image": _png(), "kind": "signature"}),
    "api:relief-disbursement-list": _api("relief.view", lists="relief_disbursement", search_param="search",
                                         marker=lambda d: d.ref),
    "api:relief-disbursement-detail": _api("relief.view", "relief_disbursement"),
}

OBJECTS = {
    "relief_type": _type,
    "relief_app": _app(ApplicationStatus.SUBMITTED),
    "relief_app_verified": _app(ApplicationStatus.VERIFIED),
    "relief_app_reviewed": _app(ApplicationStatus.REVIEWED),
    "relief_app_approved": _app(ApplicationStatus.APPROVED),
    "relief_app_disbursed": _app(ApplicationStatus.DISBURSED),
    "relief_disbursement": _disbursement,
}
