"""Certificate PDF: reportlab with its built-in CID font STSong-Light (no font file to ship) and a
segno QR code that links to the public verification page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def verification_url(cert) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + reverse("firstaid:public-verify-token", args=[cert.token])


def _qr_png(url: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return ImageReader(buffer)


def _photo(cert):
    if not cert.photo:
        return None
    try:
        with cert.photo.open("rb") as fh:
            return ImageReader(io.BytesIO(fh.read()))
    except (OSError, ValueError):
        return None


def certificate_pdf(cert) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{cert.course_type.certificate_name} {cert.number}")
    pdf.setStrokeColorRGB(0.78, 0.06, 0.18)
    pdf.setLineWidth(3)
    pdf.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    pdf.setFillColorRGB(0.78, 0.06, 0.18)
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 30 * mm, cert.course_type.certificate_name or "培训合格证书")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT, 13)
    lines = [
        f"姓名：{cert.person.name}",
        f"证件号码：{cert.person.id_number_masked}",
        f"培训课程：{cert.course_type.name}（{cert.course_type.hours}学时）",
        f"发证日期：{cert.issued_on:%Y年%m月%d日}",
        f"有效期至：{cert.valid_until:%Y年%m月%d日}",
        f"证书编号：{cert.number}",
        f"发证单位：{cert.org.name}",
    ]
    y = height - 48 * mm
    for line in lines:
        pdf.drawString(22 * mm, y, line)
        y -= 9 * mm
    photo = _photo(cert)
    if photo is not None:
        pdf.drawImage(photo, width - 62 * mm, height - 82 * mm, 35 * mm, 45 * mm, preserveAspectRatio=True)
    pdf.drawImage(_qr_png(verification_url(cert)), width - 62 * mm, 14 * mm, 32 * mm, 32 * mm)
    pdf.setFont(FONT, 8)
    pdf.drawString(width - 66 * mm, 11 * mm, "扫码核验证书真伪")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


__all__ = ["certificate_pdf", "verification_url"]
