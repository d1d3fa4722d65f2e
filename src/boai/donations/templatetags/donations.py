from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234.50 (two places, thousands separated)."""
    if value in (None, ""):
        return "—"
    return f"¥{Decimal(value):,.2f}"


@register.filter
def short_hash(value: str) -> str:
    return f"{value[:8]}…{value[-4:]}" if value and len(value) > 14 else (value or "")
