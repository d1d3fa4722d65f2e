"""The service certificate (志愿服务证明) as a PDF, in the platform's certificate layout
(`boai.core.pdf`: built-in CID font STSong-Light, QR code to the public verification page)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from boai.core.pdf import Certificate as Layout
from boai.core.pdf import render_certificate
from boai.volunteers.models import Certificate


def verify_url(certificate: Certificate) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + certificate.verify_path()


def certificate_pdf(certificate: Certificate) -> bytes:
    c = certificate
    lines = [
        ("证件号码", c.id_masked or "—"),
        ("服务期间", f"{c.period_start:%Y年%m月%d日} 至 {c.period_end:%Y年%m月%d日}"),
        ("认证服务时长", f"{c.hours:.2f} 小时（服务记录 {c.records_count} 条）"),
        ("证明", "上述志愿服务时长经组织单位认证，特此证明。"),
    ]
    return render_certificate(Layout(
        title="志愿服务证明", number=c.serial, holder=c.holder_name, lines=lines, issuer=c.unit_name,
        issued_on=f"{timezone.localtime(c.issued_at):%Y年%m月%d日}", verify_url=verify_url(c),
        footnote="依据《志愿服务条例》，服务时长以组织单位认证的服务记录为准。扫码或访问核验页可查验真伪。"))
