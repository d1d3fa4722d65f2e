"""A branch user cannot see another branch's records through any list, search, export or API list.

Driven by the matrix entries that declare `lists=<object key>`: one object is made in the user's
branch and one in the other branch; the response must show the first and never the second, with
and without a search for the other one's marker.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote_plus

import pytest
from django.urls import reverse
from django.utils.html import escape

from boai.testing.helpers import login, make_user
from tests.test_permission_matrix import ROUTES, _make

LISTING = sorted(name for name, route in ROUTES.items() if route.lists)


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode()


@pytest.mark.parametrize("name", LISTING)
def test_other_branch_records_never_leak(name, tree, client):
    route = ROUTES[name]
    user = make_user(tree.branch_a, "branch_admin")
    own = _make(route.__class__(obj=route.lists), tree.unit_a, user)
    other = _make(route.__class__(obj=route.lists), tree.unit_b, user)
    login(client, user)
    url = reverse(name, kwargs=route.kwargs or None)
    shown = _text(client.get(url))
    assert route.marker(own) in shown, f"{name} does not show the user's own record"
    assert route.marker(other) not in shown, f"{name} shows another branch's record"
    if route.search_param:
        found = _text(client.get(url, {route.search_param: route.marker(other)}))
        # the search box and the export/pagination links echo the term itself
        found = found.replace(f'value="{escape(route.marker(other))}"', "")
        found = found.replace(f"{route.search_param}={quote_plus(route.marker(other))}", "")
        assert route.marker(other) not in found, f"{name} search finds another branch's record"
