"""Money as the platform keeps it: `Decimal` yuan with two places in the database (NUMERIC), and
integer fen only at the payment-gateway boundary (WeChat Pay counts in fen; Alipay in yuan strings).

Conversions are exact or they fail: a fractional fen or a float never slips in silently.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("999999999999.99")  # NUMERIC(14, 2)
MAX_DIGITS = 14


def yuan(value) -> Decimal:
    """A validated amount in yuan with exactly two places; refuses floats, NaN and fractions of a fen."""
    if isinstance(value, bool | float):
        raise ValidationError(_("Amounts are decimal numbers, not %(kind)s.") % {"kind": type(value).__name__})
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(value)s is not an amount of money.") % {"value": str(value)[:30]}) from None
    if not number.is_finite():
        raise ValidationError(_("%(value)s is not an amount of money.") % {"value": str(value)[:30]})
    if number != number.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(_("An amount has at most two decimal places (fen)."))
    if abs(number) > MAX_AMOUNT:
        raise ValidationError(_("The amount is too large."))
    return number.quantize(CENT)


def positive_yuan(value) -> Decimal:
    amount = yuan(value)
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."))
    return amount


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen (exact)."""
    return int(yuan(amount) * 100)


def from_fen(fen: int) -> Decimal:
    """Integer fen → yuan (exact)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValidationError(_("An amount in fen is a whole number."))
    return (Decimal(fen) / 100).quantize(CENT)


def yuan_text(amount: Decimal) -> str:
    """The canonical decimal string: what Alipay sends and what the transparency log stores."""
    return f"{yuan(amount):f}"


def split_pro_rata(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` over `weights` in fen, proportionally, summing exactly to `total`.

    Largest-remainder rounding: every share is the floor of its exact share, and the fen left
    over go to the largest remainders (ties to the earlier weight), so no fen is created or lost.
    """
    fen_total = to_fen(total)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        raise ValueError("weights must add up to more than zero")
    exact = [Decimal(fen_total) * w / weight_sum for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = fen_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [from_fen(f) for f in floors]
