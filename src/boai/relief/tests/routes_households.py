"""Permission-matrix entries of the relief pages and endpoints: households."""

from __future__ import annotations

from boai.relief.models import AlertKind
from boai.relief.tests import factories_households as f
from boai.testing.matrix import Route


def _api(perm, obj=None, **kw):
    return Route(perm=perm, obj=obj, api=True, **kw)


def _member(unit):
    return f.make_household(unit, members=2).members.get(relation="child")


def _photo(unit):
    from boai.relief.models import VisitPhoto

    visit = f.make_visit(unit)
    photo = VisitPhoto(visit=visit, sha256="0" * 64)
    photo.image.save("matrix.jpg", f.image_upload("matrix.jpg", fmt="JPEG"), save=True)
    return photo


_number = lambda h: h.number  # noqa: E731
_alert_number = lambda a: a.household.number  # noqa: E731

ROUTES = {
    "relief:household-list": Route(perm="relief.view", lists="relief_household", search_param="q", marker=_number),
    "relief:household-export": Route(perm="relief.export", lists="relief_household", search_param="q",
                                     marker=_number),
    "relief:household-create": Route(perm="relief.add"),
    "relief:household-map": Route(perm="relief.view", lists="relief_household_mapped", marker=_number),
    "relief:household-alerts": Route(perm="relief.view", lists="relief_alert", search_param="q",
                                     marker=_alert_number),
    "relief:household-alert-close": Route(perm="relief.add", obj="relief_alert"),
    "relief:household-detail": Route(perm="relief.view", obj="relief_household"),
    "relief:household-update": Route(perm="relief.change", obj="relief_household"),
    "relief:household-member-add": Route(perm="relief.add", obj="relief_household"),
    "relief:household-member-remove": Route(perm="relief.change", obj="relief_member"),
    "relief:household-assess": Route(perm="relief.add", obj="relief_household"),
    "relief:household-visit": Route(perm="relief.add", obj="relief_household"),
    "relief:household-review": Route(perm="relief.change", obj="relief_household"),
    "relief:household-close": Route(perm="relief.change", obj="relief_household"),
    "relief:household-reveal": Route(perm="relief.reveal", obj="relief_household"),
    "relief:household-photo": Route(perm="relief.view", obj="relief_visit_photo"),
    "api:relief-household-list": _api("relief.view", lists="relief_household", search_param="search",
                                      marker=_number),
    "api:relief-household-detail": _api("relief.view", "relief_household"),
    "api:relief-household-members": _api("relief.view", "relief_household"),
    "api:relief-household-assessments": _api("relief.view", "relief_household"),
    "api:relief-household-visits": _api("relief.view", "relief_household"),
    "api:relief-household-assess": _api("relief.add", "relief_household", method="post", ok=(201,),
                                        data={"monthly_income": "1000", "risk_level": "normal",
                                              "categories": ["dibao"]}),
    "api:relief-household-visit": _api("relief.add", "relief_household", method="post", ok=(201,),
                                       data={"visited_on": "2026-01-05", "notes": "矩阵测试走访"}),
    "api:relief-alert-list": _api("relief.view", lists="relief_alert", marker=_alert_number),
    "api:relief-alert-detail": _api("relief.view", "relief_alert"),
    "api:relief-alert-close": _api("relief.add", "relief_alert", method="post", data={"resolution": "矩阵测试处理"}),
}

OBJECTS = {
    "relief_household": lambda unit: f.make_household(unit),
    "relief_household_mapped": lambda unit: f.make_household(unit, latitude="31.500000", longitude="120.300000"),
    "relief_member": _member,
    "relief_alert": lambda unit: f.make_alert(unit, kind=AlertKind.SUDDEN_CHANGE),
    "relief_visit_photo": _photo,
}
