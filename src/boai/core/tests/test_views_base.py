"""ObjectActionPage takes its service as a plain class attribute (not bound as a method)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from boai.core.views_base import ObjectActionPage


def _service(*, actor, thing, **fields):
    return actor, thing, fields


class _Page(ObjectActionPage):
    object_kwarg = "thing"
    service = _service


def test_a_plain_function_or_a_staticmethod_is_the_service():
    class Static(_Page):
        service = staticmethod(_service)

    assert _Page().get_service() is _service
    assert Static().get_service() is _service


def test_perform_calls_the_service_with_actor_object_and_form_data(rf):
    class Form:
        cleaned_data = {"reason": "重复"}

    page = _Page()
    page.request = rf.post("/")
    page.request.user = "actor"
    page.get_object = lambda: "the object"
    assert page.perform(Form()) == ("actor", "the object", {"reason": "重复"})


def test_a_page_without_a_service_says_so():
    with pytest.raises(ImproperlyConfigured, match="needs `service`"):
        ObjectActionPage().get_service()
