from boai.testing.matrix import Route
from boai.wishes.tests import factories as f


def _api(perm, obj=None, **kw):
    return Route(perm=perm, obj=obj, api=True, **kw)


def _wish(status):
    return lambda unit: f.make_wish(unit, status=status)


ROUTES = {
    # public pages: real objects are exercised in test_public.py; here the empty pages and missing objects
    "wishes:public-list": Route(public=True),
    "wishes:public-detail": Route(public=True, kwargs={"number": "WX-1999-000001"}, ok=(404,)),
    "wishes:public-photo": Route(public=True, kwargs={"number": "WX-1999-000001"}, ok=(404,)),
    "wishes:public-claim": Route(public=True, kwargs={"number": "WX-1999-000001"}, ok=(404,)),
    "wishes:public-login": Route(public=True),
    "wishes:public-mine": Route(public=True, ok=(302,)),  # to the SMS login without a verified number
    "wishes:public-logout": Route(public=True, method="post", ok=(302,)),
    "wishes:public-deliver": Route(public=True, kwargs={"pk": 987654}, ok=(302,)),
    "wishes:public-cancel": Route(public=True, method="post", kwargs={"pk": 987654}, ok=(302,)),
    "wishes:public-confirm": Route(public=True, kwargs={"token": "no-such-token"}),
    "wishes:list": Route(perm="relief.view", lists="wish", search_param="q", marker=lambda w: w.number),
    "wishes:export": Route(perm="relief.export", lists="wish", search_param="q", marker=lambda w: w.number),
    "wishes:inbox": Route(perm="relief.approve", lists="wish_submitted", search_param="q",
                          marker=lambda w: w.number),
    "wishes:create": Route(perm="relief.add"),
    "wishes:detail": Route(perm="relief.view", obj="wish"),
    "wishes:update": Route(perm="relief.add", obj="wish_draft"),
    "wishes:photo": Route(perm="relief.view", obj="wish", ok=(404,)),  # no photo: 404 even in scope
    "wishes:submit": Route(perm="relief.add", obj="wish_draft"),
    "wishes:approve": Route(perm="relief.approve", obj="wish_submitted"),
    "wishes:reject": Route(perm="relief.approve", obj="wish_submitted"),
    "wishes:withdraw": Route(perm="relief.change", obj="wish"),
    "wishes:deliver": Route(perm="relief.change", obj="wish_claimed"),
    "wishes:confirm": Route(perm="relief.add", obj="wish_claimed"),
    "wishes:confirm-link": Route(perm="relief.add", obj="wish_claimed"),
    "api:wish-list": _api("relief.view", lists="wish", search_param="search", marker=lambda w: w.number),
    "api:wish-detail": _api("relief.view", "wish"),
    "api:wish-submit": _api("relief.add", "wish_draft", method="post"),
    "api:wish-approve": _api("relief.approve", "wish_submitted", method="post"),
    "api:wish-reject": _api("relief.approve", "wish_submitted", method="post", data={"reason": "请补充说明"}),
    "api:wish-withdraw": _api("relief.change", "wish", method="post", data={"reason": "矩阵测试撤回"}),
    "api:wish-confirm": _api("relief.add", "wish_claimed", method="post"),
    "api:wish-claim-list": _api("relief.view", lists="wish_claim", marker=lambda c: c.wish.number),
    "api:wish-claim-detail": _api("relief.view", "wish_claim"),
    "api:wish-open-list": Route(public=True, api=True),
    "api:wish-open-detail": Route(public=True, api=True, kwargs={"number": "WX-1999-000001"}, ok=(404,)),
}

OBJECTS = {
    "wish": _wish("published"),
    "wish_draft": _wish("draft"),
    "wish_submitted": _wish("submitted"),
    "wish_claimed": _wish("claimed"),
    "wish_claim": lambda unit: f.make_claim(unit),
}
