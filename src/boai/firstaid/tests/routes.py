from boai.firstaid.models import AEDInspection, AEDUsage
from boai.firstaid.tests import factories as f
from boai.testing.matrix import Route

NEAR = {"lat": 31.5689, "lng": 120.2991}


def _inspection(unit):
    from django.utils import timezone

    from boai.firstaid import services

    aed = f.make_aed(unit)
    return services.inspection_record(actor=None, aed=aed, inspected_on=timezone.localdate(), inspector_name="巡检员")


def _usage(unit):
    from django.utils import timezone

    from boai.firstaid import services

    return services.usage_record(actor=None, aed=f.make_aed(unit), used_at=timezone.now(), rescuer="路人甲")


def _api(perm, obj=None, **kw):
    return Route(perm=perm, obj=obj, api=True, **kw)


ROUTES = {
    "firstaid:public-aed-map": Route(public=True),
    "api:public-aed-nearest": Route(public=True, api=True, data=NEAR),
    "firstaid:progress": Route(perm="firstaid.view"),
    "firstaid:aed-list": Route(perm="firstaid.view", lists="aed", search_param="q", marker=lambda a: a.code),
    "firstaid:aed-export": Route(perm="firstaid.export", lists="aed", search_param="q", marker=lambda a: a.code),
    "firstaid:aed-geojson": Route(perm="firstaid.export", lists="aed", search_param="q", marker=lambda a: a.code),
    "firstaid:aed-create": Route(perm="firstaid.add"),
    "firstaid:aed-detail": Route(perm="firstaid.view", obj="aed"),
    "firstaid:aed-update": Route(perm="firstaid.change", obj="aed"),
    "firstaid:aed-status": Route(perm="firstaid.change", obj="aed"),
    "firstaid:aed-inspect": Route(perm="firstaid.add", obj="aed"),
    "firstaid:aed-usage": Route(perm="firstaid.add", obj="aed"),
    "firstaid:inspection-list": Route(perm="firstaid.view", lists="inspection", search_param="q",
                                      marker=lambda i: i.aed.code),
    "firstaid:inspection-export": Route(perm="firstaid.export", lists="inspection", marker=lambda i: i.aed.code),
    "firstaid:usage-list": Route(perm="firstaid.view", lists="usage", search_param="q", marker=lambda u: u.aed.code),
    "firstaid:usage-export": Route(perm="firstaid.export", lists="usage", marker=lambda u: u.aed.code),
    "firstaid:coursetype-list": Route(perm="firstaid.view", lists="coursetype", search_param="q",
                                      marker=lambda c: c.code),
    "firstaid:coursetype-export": Route(perm="firstaid.export", lists="coursetype", marker=lambda c: c.code),
    "firstaid:coursetype-create": Route(perm="firstaid.add"),
    "firstaid:coursetype-detail": Route(perm="firstaid.view", obj="coursetype"),
    "firstaid:coursetype-update": Route(perm="firstaid.change", obj="coursetype"),
    "firstaid:base-list": Route(perm="firstaid.view", lists="base", search_param="q", marker=lambda b: b.org.name),
    "firstaid:base-export": Route(perm="firstaid.export", lists="base", marker=lambda b: b.org.name),
    "firstaid:base-create": Route(perm="firstaid.add"),
    "firstaid:base-detail": Route(perm="firstaid.view", obj="base"),
    "firstaid:base-update": Route(perm="firstaid.change", obj="base"),
    "firstaid:base-openday": Route(perm="firstaid.change", obj="base"),
    "firstaid:session-list": Route(perm="firstaid.view", lists="session", search_param="q", marker=lambda s: s.code),
    "firstaid:session-export": Route(perm="firstaid.export", lists="session", marker=lambda s: s.code),
    "firstaid:session-create": Route(perm="firstaid.add"),
    "firstaid:session-detail": Route(perm="firstaid.view", obj="session"),
    "firstaid:session-update": Route(perm="firstaid.change", obj="session"),
    "firstaid:target-list": Route(perm="firstaid.view", lists="target", marker=lambda t: t.org.name),
    "firstaid:target-export": Route(perm="firstaid.export", lists="target", marker=lambda t: t.org.name),
    "firstaid:target-set": Route(perm="firstaid.change"),
    "api:firstaid-aed-list": _api("firstaid.view", lists="aed", search_param="search", marker=lambda a: a.code),
    "api:firstaid-aed-detail": _api("firstaid.view", "aed"),
    "api:firstaid-aed-alerts": _api("firstaid.view"),
    "api:firstaid-inspection-list": _api("firstaid.view", lists="inspection", marker=lambda i: f"\"aed\": {i.aed_id},"),
    "api:firstaid-inspection-detail": _api("firstaid.view", "inspection"),
    "api:firstaid-usage-list": _api("firstaid.view", lists="usage", marker=lambda u: f"\"{u.rescuer}\""),
    "api:firstaid-usage-detail": _api("firstaid.view", "usage"),
    "api:firstaid-coursetype-list": _api("firstaid.view", lists="coursetype", search_param="search",
                                         marker=lambda c: c.code),
    "api:firstaid-coursetype-detail": _api("firstaid.view", "coursetype"),
    "api:firstaid-base-list": _api("firstaid.view", lists="base", marker=lambda b: b.org.name),
    "api:firstaid-base-detail": _api("firstaid.view", "base"),
    "api:firstaid-session-list": _api("firstaid.view", lists="session", search_param="search",
                                      marker=lambda s: s.code),
    "api:firstaid-session-detail": _api("firstaid.view", "session"),
    "api:firstaid-target-list": _api("firstaid.view", lists="target", marker=lambda t: f"\"org\": {t.org_id},"),
    "api:firstaid-target-detail": _api("firstaid.view", "target"),
    "api:firstaid-target-progress": _api("firstaid.view"),
    "firstaid:public-sessions": Route(public=True),
    # public pages on one object: real objects are exercised in test_training.py; here a missing one
    "firstaid:public-enrol": Route(public=True, kwargs={"pk": 987654}, ok=(404,)),
    "firstaid:public-enrolled": Route(public=True, kwargs={"pk": 987654}, ok=(404,)),
    "firstaid:public-verify": Route(public=True),
    "firstaid:public-verify-token": Route(public=True, kwargs={"token": "no-such-token"}),
    "api:public-certificate-verify": Route(public=True, api=True, data={"number": "WX-2026-000001", "name": "张三"},
                                           ok=(404,)),
    "firstaid:session-enrol": Route(perm="firstaid.change", obj="session"),
    "firstaid:session-instructor": Route(perm="firstaid.change", obj="session"),
    "firstaid:enrolment-list": Route(perm="firstaid.view", lists="enrolment", search_param="q",
                                     marker=lambda e: e.person.name),
    "firstaid:enrolment-export": Route(perm="firstaid.export", lists="enrolment", marker=lambda e: e.person.name),
    "firstaid:enrolment-result": Route(perm="firstaid.change", obj="enrolment"),
    "firstaid:enrolment-cancel": Route(perm="firstaid.change", obj="enrolment"),
    "firstaid:certificate-list": Route(perm="firstaid.view", lists="certificate", search_param="q",
                                       marker=lambda c: c.number),
    "firstaid:certificate-export": Route(perm="firstaid.export", lists="certificate", marker=lambda c: c.number),
    "firstaid:certificate-detail": Route(perm="firstaid.view", obj="certificate"),
    "firstaid:certificate-pdf": Route(perm="firstaid.view", obj="certificate"),
    "firstaid:certificate-revoke": Route(perm="firstaid.change", obj="certificate"),
    "firstaid:instructor-list": Route(perm="firstaid.view", lists="instructor", search_param="q",
                                      marker=lambda i: i.qualification_no),
    "firstaid:instructor-export": Route(perm="firstaid.export", lists="instructor",
                                        marker=lambda i: i.qualification_no),
    "firstaid:instructor-create": Route(perm="firstaid.add"),
    "firstaid:instructor-detail": Route(perm="firstaid.view", obj="instructor"),
    "firstaid:instructor-assess": Route(perm="firstaid.change", obj="instructor"),
    "api:firstaid-enrolment-list": _api("firstaid.view", lists="enrolment", marker=lambda e: e.person.name),
    "api:firstaid-enrolment-detail": _api("firstaid.view", "enrolment"),
    "api:firstaid-enrolment-result": _api("firstaid.change", "enrolment", method="post",
                                          data={"attendance_percent": 100, "theory_score": 50,
                                                "practical_passed": True}),
    "api:firstaid-enrolment-cancel": _api("firstaid.change", "enrolment", method="post",
                                          data={"reason": "矩阵测试：无法参加"}),
    "api:firstaid-certificate-list": _api("firstaid.view", lists="certificate", search_param="search",
                                          marker=lambda c: c.number),
    "api:firstaid-certificate-detail": _api("firstaid.view", "certificate"),
    "api:firstaid-certificate-revoke": _api("firstaid.change", "certificate", method="post",
                                            data={"reason": "矩阵测试撤销"}),
    "api:firstaid-instructor-list": _api("firstaid.view", lists="instructor", search_param="search",
                                         marker=lambda i: i.qualification_no),
    "api:firstaid-instructor-detail": _api("firstaid.view", "instructor"),
}


def _usage_marked(unit):
    usage = _usage(unit)
    AEDUsage.objects.filter(pk=usage.pk).update(rescuer=f"路人{usage.pk}")
    usage.refresh_from_db()
    return usage


OBJECTS = {
    "aed": lambda unit: f.make_aed(unit),
    "inspection": _inspection,
    "usage": _usage_marked,
    "coursetype": lambda unit: f.make_course(unit),
    "base": lambda unit: f.make_base(unit),
    "session": lambda unit: f.make_session(unit),
    "target": lambda unit: f.make_target(unit),
    "public_session": lambda unit: f.make_session(unit),
    "enrolment": lambda unit: f.make_enrolment(unit),
    "certificate": lambda unit: f.make_certificate(unit),
    "instructor": lambda unit: f.make_instructor(unit),
}
_ = AEDInspection
