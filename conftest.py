"""Fixtures shared by all tests: a small organisation tree with two branches, users per role."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from boai.testing.helpers import login, make_org, make_user


@dataclass
class Tree:
    city: object
    branch_a: object
    unit_a: object
    site_a: object
    branch_b: object
    unit_b: object


@pytest.fixture
def tree(db) -> Tree:
    from boai.orgs.models import Kind, Subtype

    city = make_org(None, kind=Kind.SOCIETY, name="测试市红十字会")
    branch_a = make_org(city, kind=Kind.BRANCH, name="甲区红十字会", division_code="320213")
    unit_a = make_org(branch_a, kind=Kind.GRASSROOTS, subtype=Subtype.STREET, name="甲街道红十字会")
    site_a = make_org(unit_a, kind=Kind.SITE, name="甲博爱家园")
    branch_b = make_org(city, kind=Kind.BRANCH, name="乙区红十字会", division_code="320211")
    unit_b = make_org(branch_b, kind=Kind.GRASSROOTS, subtype=Subtype.STREET, name="乙街道红十字会")
    return Tree(city, branch_a, unit_a, site_a, branch_b, unit_b)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def login_as(client):
    def _login(user):
        login(client, user)
        return client

    return _login


@pytest.fixture
def city_admin(tree):
    return make_user(tree.city, "city_admin")


@pytest.fixture
def branch_admin(tree):
    return make_user(tree.branch_a, "branch_admin")


@pytest.fixture
def auditor(tree):
    return make_user(tree.city, "auditor")


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium; they may skip without it only when BOAI_REQUIRE_BROWSER is unset."""
    from boai.testing.browser import chromium_path

    if chromium_path() or os.environ.get("BOAI_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="no Chromium found (set BOAI_REQUIRE_BROWSER=1 to make this an error)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    from boai.testing.browser import launch

    b = launch(_playwright)
    yield b
    b.close()


@pytest.fixture
def page(browser, live_server):
    from boai.testing.browser import DESKTOP

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    from boai.testing.browser import PHONE

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def celery_eager():
    """Run tasks inline in this test even when a broker is configured (the PostgreSQL CI run)."""
    from boai.config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous
