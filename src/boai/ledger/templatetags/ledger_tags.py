import base64

from django import template

from boai.ledger.events import EVENT_TYPES

register = template.Library()


@register.filter
def b64(value) -> str:
    return base64.b64encode(bytes(value)).decode() if value is not None else ""


@register.filter
def hexbytes(value) -> str:
    return bytes(value).hex() if value is not None else ""


@register.filter
def event_label(code: str) -> str:
    return str(EVENT_TYPES.get(code, code))
