"""No N+1: every list, export and API list costs the same number of queries for 3 rows as for 12.

Driven by the matrix entries that declare `lists=<object key>`.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boai.testing.helpers import login, make_user
from tests.test_permission_matrix import ROUTES, _make

LISTING = sorted(name for name, route in ROUTES.items() if route.lists)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", LISTING)
def test_list_query_count_does_not_grow_with_rows(name, tree, client):
    route = ROUTES[name]
    user = make_user(tree.branch_a, "branch_admin")
    login(client, user)
    url = reverse(name, kwargs=route.kwargs or None)
    spec = route.__class__(obj=route.lists)
    for _ in range(3):
        _make(spec, tree.unit_a, user)
    client.get(url)  # warm caches (sessions, content types)
    few = _queries(client, url)
    for _ in range(9):
        _make(spec, tree.unit_a, user)
    many = _queries(client, url)
    assert many <= few, f"{name}: {few} queries for 3 rows, {many} for 12"
