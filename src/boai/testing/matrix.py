"""The permission matrix: every route × every role × (own object, other branch's object, anonymous).

Each app declares its routes in ``boai/<app>/tests/routes.py``:

    ROUTES = {
        "orgs:detail": Route(perm="orgs.view", obj="org"),
        "core:home": Route(public=True),
    }
    OBJECTS = {"org": lambda unit: unit}   # make one object that belongs to grassroots `unit`

`tests/test_permission_matrix.py` collects these, fails on any route of the URL conf that has no
entry, and checks every entry: anonymous → login redirect (pages) or 401/403 (API); a role
without the permission → 403; with it → the expected success status for the object in the
user's branch and 404 for the same kind of object in another branch.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boai


@dataclass(frozen=True)
class Route:
    perm: str | None = None  # permission code the route requires
    public: bool = False  # anyone, logged in or not
    login_only: bool = False  # any logged-in user, no permission needed
    obj: str | None = None  # key into OBJECTS: the route acts on one object (URL kwarg `obj_kwarg`)
    obj_kwarg: str = "pk"
    obj_attr: str = "pk"  # attribute of the object that goes in the URL
    kwargs: dict[str, Any] = field(default_factory=dict)  # fixed URL kwargs
    method: str = "get"
    data: dict[str, Any] | Callable[..., dict] | None = None
    ok: tuple[int, ...] = (200,)
    api: bool = False  # DRF route: anonymous gets 401/403 instead of a login redirect
    anonymous: tuple[int, ...] | None = None  # override what anonymous gets
    skip: str = ""  # a reason this route cannot be exercised generically (it still needs an entry)
    lists: str | None = None  # key into OBJECTS: the route lists/exports/searches these (leak test)
    search_param: str | None = None  # query parameter that searches (e.g. "q", "search")
    marker: Callable[[Any], str] = str  # how an object shows up in the response


def collect() -> tuple[dict[str, Route], dict[str, Callable]]:
    routes: dict[str, Route] = {}
    objects: dict[str, Callable] = {}
    for mod in pkgutil.iter_modules(boai.__path__):
        try:
            module = importlib.import_module(f"boai.{mod.name}.tests.routes")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"boai.{mod.name}.tests"):
                continue
            raise
        for name, route in module.ROUTES.items():
            if name in routes:
                raise ValueError(f"route {name} declared twice")
            routes[name] = route
        for key, factory in getattr(module, "OBJECTS", {}).items():
            if key in objects:
                raise ValueError(f"object factory {key!r} declared twice (in {module.__name__} too): prefix it")
            objects[key] = factory
    return routes, objects


def url_names() -> set[str]:
    """Every named route of the URL conf (format-suffix duplicates of API routes folded)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                walk(p.url_patterns, f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names
