"""Checks every donations service makes before it writes."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from boai.core.scoping import org_in_scope

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


def require(actor, perm: str, org, *, field: str = "org") -> None:
    """The actor holds `perm` and `org` is in their subtree (system actions pass actor=None)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({field: _("This is outside your organisation's scope.")})


def check_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValidationError({"code": _("Use 2–32 upper-case letters, digits or hyphens.")})
    return code


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return text


def under(org, ancestor) -> bool:
    return bool(org is not None and ancestor is not None and org.path.startswith(ancestor.path))
