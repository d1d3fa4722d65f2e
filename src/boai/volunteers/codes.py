"""Code tables of the volunteer service system, and the small text-set helpers for multi-valued codes.

Multi-valued codes (skills, availability) are stored as ``",a,b,"``: one portable column that
``icontains=",a,"`` filters on both PostgreSQL and SQLite, without a join table per attribute.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    FIRST_AID = "first_aid", _("First-aid certified")
    MEDICAL = "medical", _("Medical or nursing")
    PSYCHOLOGY = "psychology", _("Psychological support")
    LANGUAGE = "language", _("Foreign languages")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    DRIVING = "driving", _("Driving")
    RESCUE = "rescue", _("Rescue (water, mountain, urban)")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    EDUCATION = "education", _("Teaching and tutoring")
    PUBLICITY = "publicity", _("Publicity and photography")
    IT = "it", _("Information technology")
    LEGAL = "legal", _("Legal aid")
    LOGISTICS = "logistics", _("Logistics and supplies")


class Weekday(models.TextChoices):
    MON = "1", _("Monday")
    TUE = "2", _("Tuesday")
    WED = "3", _("Wednesday")
    THU = "4", _("Thursday")
    FRI = "5", _("Friday")
    SAT = "6", _("Saturday")
    SUN = "7", _("Sunday")


class TimeSlot(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Speciality(models.TextChoices):
    """Team specialities and activity types (志愿服务队的专业方向)."""

    EMERGENCY_RESCUE = "emergency_rescue", _("Emergency rescue")
    FIRST_AID = "first_aid", _("Emergency first aid")
    COMMUNITY = "community", _("Community service")
    ELDERLY = "elderly", _("Elderly care service")
    DONATION = "donation", _("Donation promotion")
    YOUTH = "youth", _("Youth service")
    PUBLICITY = "publicity", _("Humanitarian publicity")
    OTHER = "other", _("Other")


def to_codes(values: Iterable[str] | None, allowed: type[models.TextChoices]) -> str:
    """A list of codes as the stored ",a,b," text (unknown codes dropped, order fixed)."""
    chosen = {str(v) for v in values or ()}
    ordered = [c for c in allowed.values if c in chosen]
    return f",{','.join(ordered)}," if ordered else ""


def from_codes(text: str | None) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def labels(text: str | None, allowed: type[models.TextChoices]) -> list[str]:
    names = dict(allowed.choices)
    return [str(names.get(c, c)) for c in from_codes(text)]
