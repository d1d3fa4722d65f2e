"""Registries that let each module plug into the shared shell without the shell importing it:
staff navigation, public services on the home page, and dashboard widgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    section: str  # module key: "org", "people", "volunteers", ...
    label: Any
    url_name: str
    perm: str | None
    icon: str = "circle"
    order: int = 100


@dataclass(frozen=True)
class NavSection:
    key: str
    label: Any
    order: int = 100


@dataclass(frozen=True)
class PublicService:
    label: Any
    description: Any
    url_name: str
    icon: str = "heart"
    order: int = 100


@dataclass(frozen=True)
class Widget:
    template: str
    perm: str
    context: Callable[[Any], dict]
    order: int = 100
    wide: bool = False


@dataclass
class _Registry:
    sections: dict[str, NavSection] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    public: list[PublicService] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)


registry = _Registry()


def register_section(section: NavSection) -> None:
    registry.sections[section.key] = section


def register_nav(*items: NavItem) -> None:
    registry.nav.extend(i for i in items if i not in registry.nav)


def register_public(*services: PublicService) -> None:
    registry.public.extend(s for s in services if s not in registry.public)


def register_widget(*widgets: Widget) -> None:
    registry.widgets.extend(w for w in widgets if w not in registry.widgets)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def nav_for(user: Any, current_path: str = "") -> list[dict]:
    """The staff navigation a user may see, grouped by module, with the active entry marked."""
    groups: dict[str, dict] = {}
    for item in sorted(registry.nav, key=lambda i: i.order):
        if item.perm and not user.has_perm(item.perm):
            continue
        url = _url(item.url_name)
        if url is None:
            continue
        section = registry.sections.get(item.section) or NavSection(item.section, item.section)
        group = groups.setdefault(section.key, {"section": section, "items": []})
        active = current_path == url or (url not in ("/", "/staff/") and current_path.startswith(url))
        group["items"].append({"item": item, "url": url, "active": active})
    return sorted(groups.values(), key=lambda g: g["section"].order)


def public_services() -> list[dict]:
    out = []
    for service in sorted(registry.public, key=lambda s: s.order):
        url = _url(service.url_name)
        if url:
            out.append({"service": service, "url": url})
    return out


def widgets_for(user: Any) -> list[Widget]:
    return [w for w in sorted(registry.widgets, key=lambda w: w.order) if user.has_perm(w.perm)]
