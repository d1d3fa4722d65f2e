"""OpenAPI naming: one enum name per choice class, whatever module declares it.

Many modules have a `kind` or `status` field with their own choices; drf-spectacular would name
them `Kind3c2Enum` and warn. Each TextChoices/IntegerChoices class used by a model field gets a
stable name from its qualified name (`CourseKindEnum`, `VolunteerStatusEnum`, prefixed with the
app label when two apps use the same class name).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models


def _choice_classes() -> list[type]:
    found, stack = [], [models.TextChoices, models.IntegerChoices]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            stack.append(sub)
    return [c for c in found if c.__module__.startswith("boai.")]


def enum_name_overrides() -> dict[str, type]:
    used = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                used.add(tuple(str(v) for v, _ in field.flatchoices))
    classes = [c for c in _choice_classes() if tuple(str(v) for v in c.values) in used]
    names: dict[str, list[type]] = {}
    for cls in classes:
        names.setdefault(cls.__qualname__.replace(".", ""), []).append(cls)
    overrides: dict[str, type] = {}
    seen_values: set[tuple] = set()
    for base, group in sorted(names.items()):
        for cls in group:
            values = tuple(str(v) for v in cls.values)
            if values in seen_values:  # the same choice set under two classes: one name is enough
                continue
            seen_values.add(values)
            label = cls.__module__.split(".")[1].title() if len(group) > 1 else ""
            overrides[f"{label}{base}Enum"] = cls
    return overrides
