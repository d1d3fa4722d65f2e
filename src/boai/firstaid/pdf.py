"""Certificate PDF through the shared layout (`boai.core.pdf`): STSong-Light, photo, and a QR code
linking to the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from boai.core.pdf import Certificate as CertificateLayout
from boai.core.pdf import render_certificate


def verification_url(cert) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + reverse("firstaid:public-verify-token", args=[cert.token])


def _photo(cert) -> bytes | None:
    if not cert.photo:
        return None
    try:
        with cert.photo.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


def certificate_pdf(cert) -> bytes:
    course = cert.course_type
    layout = CertificateLayout(
        title=course.certificate_name or "培训合格证书", number=cert.number, holder=cert.person.name,
        lines=[("证件号码", cert.person.id_number_masked), ("培训课程", f"{course.name}（{course.hours}学时）"),
               ("有效期至", f"{cert.valid_until:%Y年%m月%d日}")],
        issuer=cert.org.name, issued_on=f"{cert.issued_on:%Y年%m月%d日}", verify_url=verification_url(cert),
        footnote="经考核合格，特发此证。", photo=_photo(cert),
    )
    return render_certificate(layout)
