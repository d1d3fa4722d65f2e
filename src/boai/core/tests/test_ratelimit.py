from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from boai.core.ratelimit import ratelimit


def test_public_view_is_limited_per_address():
    cache.clear()

    @ratelimit("test", "3/m")
    def view(request):
        return HttpResponse("ok")

    rf = RequestFactory()
    statuses = [view(rf.get("/", REMOTE_ADDR="10.0.0.1")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert view(rf.get("/", REMOTE_ADDR="10.0.0.2")).status_code == 200
    limited = view(rf.get("/", REMOTE_ADDR="10.0.0.1"))
    assert int(limited["Retry-After"]) >= 1
