"""Test data for households: households through the services, alerts, visits and images."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from boai.people.tests.factories import make_person, resident_id, unique_name
from boai.relief.models import Alert, AlertKind, HomeVisit
from boai.relief.tests.factories import make_household

__all__ = ["head_fields", "image_upload", "make_alert", "make_household", "make_person", "make_visit"]


def head_fields(**overrides) -> dict:
    data = {"name": unique_name(), "id_number": resident_id(), "mobile": "13912345678"}
    data.update(overrides)
    return data


def image_upload(name: str = "photo.png", *, fmt: str = "PNG", size=(40, 30)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def make_alert(unit, *, kind: str = AlertKind.SUDDEN_CHANGE, household=None, **fields) -> Alert:
    from django.utils import timezone

    household = household or make_household(unit)
    return Alert.objects.create(household=household, org=household.org, kind=kind,
                                message=fields.pop("message", "测试预警"), raised_on=timezone.localdate(), **fields)


def make_visit(unit, *, household=None, **fields) -> HomeVisit:
    from django.utils import timezone

    household = household or make_household(unit)
    data = {"visited_on": timezone.localdate(), "notes": "走访记录", "visitor_name": "测试员"}
    data.update(fields)
    return HomeVisit.objects.create(household=household, **data)
