"""Test data for applications: a relief type drawing on a funded relief purpose, staff of each step."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from boai.donations import services as donations
from boai.donations.models import FundKind, Purpose
from boai.donations.tests.factories import make_fund, make_gift
from boai.relief.tests.factories import make_relief_type
from boai.testing.helpers import make_user


def funded_relief_type(org, *, amount: str = "10000.00", purpose: str = Purpose.HARDSHIP, donor_name: str = "李四",
                       **fields):
    """A relief type of `org` whose fund gave `amount` to the type's relief purpose (returns type, gift)."""
    fund = make_fund(org, kind=FundKind.SPECIAL, purposes=[purpose], name="博爱救助基金")
    gift = make_gift(fund, amount, name=donor_name)
    donations.allocation_create(actor=None, fund=fund, relief_purpose=purpose, amount=amount)
    return make_relief_type(org, fund=fund, purpose=purpose, **fields), gift


@dataclass
class Staff:
    worker: object  # grassroots operator of unit A (raises and verifies)
    worker2: object
    reviewer: object  # relief officer of branch A
    approver: object  # another relief officer of branch A
    city: object  # relief officer of the city society
    officer_b: object  # relief officer of branch B


def make_staff(tree) -> Staff:
    return Staff(make_user(tree.unit_a, "grassroots_operator"), make_user(tree.unit_a, "grassroots_operator"),
                 make_user(tree.branch_a, "relief_officer"), make_user(tree.branch_a, "relief_officer"),
                 make_user(tree.city, "relief_officer"), make_user(tree.branch_b, "relief_officer"))


def png_upload(*, blank: bool = False, name: str = "signature.png") -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    if not blank:
        ImageDraw.Draw(image).line((10, 60, 290, 70), fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


AMOUNT = Decimal("800.00")
