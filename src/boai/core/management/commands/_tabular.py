"""What `boai import` and `boai export` share: the kind, the acting user, the language of messages."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import translation

from boai.core.tabular.spec import ImportKind, get_kind, kinds


def kind_or_error(name: str) -> ImportKind:
    try:
        return get_kind(name)
    except KeyError:
        raise CommandError(f"unknown kind {name!r}; known kinds: {', '.join(sorted(kinds())) or 'none'}") from None


def actor_or_error(username: str | None, permission: str):
    """None (the system, city-wide) or an active user holding `permission`."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).select_related("org").first()
    if user is None or not user.is_active:
        raise CommandError(f"no active user {username!r}")
    if not user.has_perm(permission) or not getattr(user, "scope_path", None):
        raise CommandError(f"user {username!r} lacks the permission {permission} (or acts for no organisation)")
    return user


def cli_language() -> str | None:
    """The language of messages: LANGUAGE/LC_ALL/LANG of the shell (English if it says en), else the default."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0].split(".")[0].lower()
        if value.startswith("en"):
            return "en"
        if value.startswith("zh"):
            return "zh-hans"
    return None


def cli_translation():
    """Messages in the shell's language for the duration of a command (nothing leaks past it)."""
    return translation.override(cli_language() or translation.get_language())
