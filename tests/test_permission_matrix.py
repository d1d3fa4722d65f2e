"""Every route × role × (own branch's object, other branch's object, anonymous): see boai.testing.matrix."""

from __future__ import annotations

import inspect

import pytest
from django.urls import reverse

from boai.accounts.roles import ROLES
from boai.testing.helpers import login, make_user
from boai.testing.matrix import Route, collect, url_names

ROUTES, OBJECTS = collect()


def test_every_route_has_a_matrix_entry():
    missing = sorted(url_names() - set(ROUTES))
    assert not missing, f"routes without a permission-matrix entry (add them to <app>/tests/routes.py): {missing}"
    stale = sorted(set(ROUTES) - url_names())
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def _url(name: str, route: Route, obj=None) -> str:
    kwargs = dict(route.kwargs)
    if obj is not None:
        kwargs[route.obj_kwarg] = getattr(obj, route.obj_attr)
    return reverse(name, kwargs=kwargs or None)


def _request(client, route: Route, url: str):
    data = route.data(client) if callable(route.data) else (route.data or {})
    if route.method == "post":
        return client.post(url, data)
    return client.get(url, data)


def _expected(route: Route, user, case: str) -> tuple[int, ...]:
    if route.public and not route.obj:
        return route.ok
    if not route.public and not route.login_only and not user.has_perm(route.perm):
        return (403,)
    return route.ok if case == "own" else (404,)


def _anonymous(route: Route) -> tuple[int, ...]:
    if route.anonymous is not None:
        return route.anonymous
    if route.public:
        return route.ok
    return (401, 403) if route.api else (302,)


def _make(route: Route, unit, user):
    factory = OBJECTS[route.obj]
    return factory(unit, user) if len(inspect.signature(factory).parameters) == 2 else factory(unit)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_role_as_the_matrix_says(name, tree, client):
    route = ROUTES[name]
    if route.skip:
        pytest.skip(route.skip)
    anon_obj = _make(route, tree.unit_a, make_user(tree.unit_a)) if route.obj else None
    response = _request(client, route, _url(name, route, anon_obj))
    assert response.status_code in _anonymous(route), f"anonymous {name}: {response.status_code}"
    if response.status_code == 302 and not route.public:
        assert reverse("accounts:login") in response["Location"]

    failures = []
    for code in ROLES:
        user = make_user(tree.branch_a, code)
        cases = {"own": tree.unit_a, "other": tree.unit_b} if route.obj else {"own": None}
        for case, unit in cases.items():
            client.logout()
            obj = _make(route, unit, user) if route.obj else None
            login(client, user)
            response = _request(client, route, _url(name, route, obj))
            expected = _expected(route, user, case)
            if response.status_code not in expected:
                failures.append(f"{code}/{case}: got {response.status_code}, expected {expected}")
    assert not failures, f"{name}: " + "; ".join(failures)
