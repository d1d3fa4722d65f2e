"""The service certificate (志愿服务证明) as a PDF: reportlab with the built-in CID font STSong-Light
(no font file to ship), and a QR code (segno) that opens the public verification page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from boai.volunteers.models import Certificate

FONT = "STSong-Light"
RED = HexColor("#c8102e")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def verify_url(certificate: Certificate) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + certificate.verify_path()


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines


def certificate_pdf(certificate: Certificate) -> bytes:
    font, out = _font(), io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(f"志愿服务证明 {certificate.serial}")
    width, height = A4
    page.setStrokeColor(RED)
    page.setLineWidth(2)
    page.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    page.setFillColor(RED)
    page.setFont(font, 28)
    page.drawCentredString(width / 2, height - 45 * mm, "志愿服务证明")
    page.setFillColor(HexColor("#000000"))
    page.setFont(font, 11)
    page.drawRightString(width - 25 * mm, height - 55 * mm, f"编号：{certificate.serial}")
    c = certificate
    body = (f"兹证明 {c.holder_name}（证件号码 {c.id_masked or '—'}）于 {c.period_start:%Y年%m月%d日} 至 "
            f"{c.period_end:%Y年%m月%d日} 期间参加志愿服务，经组织单位认证的服务记录共 {c.records_count} 条，"
            f"服务时长累计 {c.hours:.2f} 小时。")
    y = height - 80 * mm
    page.setFont(font, 15)
    for line in _wrap("　　" + body, width - 60 * mm, font, 15):
        page.drawString(30 * mm, y, line)
        y -= 10 * mm
    page.drawString(30 * mm, y - 4 * mm, "　　特此证明。")
    page.setFont(font, 14)
    page.drawRightString(width - 30 * mm, 95 * mm, c.unit_name)
    page.drawRightString(width - 30 * mm, 85 * mm, f"{timezone.localtime(c.issued_at):%Y年%m月%d日}")
    qr_png = io.BytesIO()
    segno.make(verify_url(c), error="m").save(qr_png, kind="png", scale=4, border=1)
    qr_png.seek(0)
    page.drawImage(ImageReader(qr_png), 30 * mm, 40 * mm, 35 * mm, 35 * mm)
    page.setFont(font, 9)
    page.drawString(70 * mm, 60 * mm, "扫描二维码或访问下列网址核验本证明：")
    page.drawString(70 * mm, 54 * mm, verify_url(c)[:90])
    page.drawString(70 * mm, 48 * mm, "依据《志愿服务条例》，服务时长以组织单位认证的服务记录为准。")
    page.showPage()
    page.save()
    return out.getvalue()
