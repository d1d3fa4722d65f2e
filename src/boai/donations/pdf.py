"""The donation certificate (捐赠证书): the core certificate layout with the gift's details, the
official receipt number, the log leaf and the commitment opening, and a QR code to verify it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from boai.core.pdf import Certificate as CertificateLayout
from boai.core.pdf import render_certificate
from boai.donations import ledger_bridge
from boai.donations.models import Certificate, GiftKind


def verify_url(certificate: Certificate, request=None) -> str:
    path = reverse("donations:verify", args=[certificate.token])
    return request.build_absolute_uri(path) if request is not None else f"{settings.BOAI_SITE_URL}{path}"


def certificate_lines(certificate: Certificate) -> list[tuple[str, str]]:
    gift = certificate.gift
    what = (f"{gift.item} {gift.quantity.normalize():f}{gift.unit}（折合人民币 {gift.amount} 元）"
            if gift.kind == GiftKind.GOODS else f"人民币 {gift.amount} 元")
    target = gift.restricted_project.name if gift.restricted_project_id else gift.fund.name
    leaf = ledger_bridge.leaf_index(gift.ledger_entry)
    lines = [("捐赠", what), ("用于", target), ("日期", f"{timezone.localtime(gift.received_at):%Y年%m月%d日}"),
             ("捐赠编号", gift.number)]
    if gift.receipt_number:
        lines.append(("捐赠票据号", gift.receipt_number))
    lines.append(("公开账本", f"第 {leaf} 号记录" if leaf is not None else "正在写入公开账本"))
    return lines


def certificate_pdf(certificate: Certificate, *, request=None) -> bytes:
    gift = certificate.gift
    holder = certificate.holder
    footnote = f"承诺开启值 {certificate.opening}" if certificate.opening else ""
    layout = CertificateLayout(
        title="捐赠证书", number=certificate.number, holder=f"{holder}：",
        lines=[("感谢您", "对红十字人道事业的爱心支持"), *certificate_lines(certificate)],
        issuer=gift.org.name, issued_on=f"{timezone.localtime(certificate.issued_at):%Y年%m月%d日}",
        verify_url=verify_url(certificate, request), footnote=footnote)
    return render_certificate(layout)
