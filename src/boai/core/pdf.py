"""Certificates and receipts as PDF: one layout for every module (volunteer service certificates,
first-aider certificates, donation certificates).

Chinese text uses reportlab's built-in CID font STSong-Light, so no font file has to be shipped or
installed; the QR code (segno) links to the public verification page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
RED = HexColor("#C8102E")
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


@dataclass
class Certificate:
    title: str  # e.g. 志愿服务证明
    number: str
    holder: str  # the name as printed (full name on the holder's own certificate)
    lines: Sequence[tuple[str, str]]  # (label, value) rows
    issuer: str
    issued_on: str
    verify_url: str
    footnote: str = ""
    photo: bytes | None = None  # JPEG/PNG bytes
    extra: dict = field(default_factory=dict)


def qr_png(url: str, *, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def render_certificate(cert: Certificate) -> bytes:
    """A landscape A4 certificate with a red frame, the fields, the issuer and a verification QR."""
    font = _font()
    buf = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"{cert.title} {cert.number}")
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFillColor(RED)
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 40 * mm, cert.title)
    pdf.setFillColor(HexColor("#222222"))
    pdf.setFont(font, 11)
    pdf.drawRightString(width - 25 * mm, height - 25 * mm, f"编号 No. {cert.number}")
    pdf.setFont(font, 20)
    pdf.drawString(35 * mm, height - 62 * mm, cert.holder)
    y = height - 78 * mm
    pdf.setFont(font, 13)
    for label, value in cert.lines:
        pdf.drawString(35 * mm, y, f"{label}：{value}")
        y -= 9 * mm
    if cert.photo:
        pdf.drawImage(ImageReader(io.BytesIO(cert.photo)), width - 75 * mm, height - 100 * mm, 35 * mm, 45 * mm,
                      preserveAspectRatio=True, mask="auto")
    pdf.setFont(font, 13)
    pdf.drawRightString(width - 70 * mm, 45 * mm, cert.issuer)
    pdf.drawRightString(width - 70 * mm, 37 * mm, cert.issued_on)
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(cert.verify_url))), width - 62 * mm, 25 * mm, 36 * mm, 36 * mm)
    pdf.setFont(font, 8)
    pdf.drawCentredString(width - 44 * mm, 21 * mm, "扫码验证 Scan to verify")
    if cert.footnote:
        pdf.setFont(font, 9)
        pdf.drawString(25 * mm, 21 * mm, cert.footnote)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
