"""Training reads on persons: certificate verification, statistics, expiring certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from boai.firstaid.models import Certificate, mask_name


def base_statistics(base, *, year: int) -> dict:
    """Open days, visitors and the opening rate (开放率 = open days / planned open days) of a year."""
    agg = base.open_days.filter(day__year=year).aggregate(days=Count("id"), visitors=Sum("visitors"))
    days, planned = agg["days"] or 0, base.planned_open_days
    sessions = base.sessions.filter(starts_on__year=year).count()
    rate = round(100 * days / planned, 1) if planned else None
    return {"open_days": days, "visitors": agg["visitors"] or 0, "opening_rate": rate, "sessions": sessions}


def certificates_by_branch_month(*, year: int, certificates: QuerySet) -> dict[tuple[int, int], int]:
    """Certificates issued per (branch id, month) in `year`, not revoked, from an already restricted
    queryset; grouped on the certificate's own (branch, issued_on) index."""
    qs = certificates.filter(issued_on__year=year, revoked_at__isnull=True)
    rows = qs.annotate(month=ExtractMonth("issued_on")).values("branch_id", "month").annotate(n=Count("id")).order_by()
    return {(r["branch_id"], r["month"]): r["n"] for r in rows}


@dataclass(frozen=True)
class Verification:
    """What the public may learn about a certificate: nothing that identifies the holder."""

    number: str
    holder: str
    course: str
    certificate_name: str
    issued_on: dt.date
    valid_until: dt.date
    status: str
    status_label: str
    issuer: str


def _verification(cert: Certificate) -> Verification:
    status = cert.status_on()
    from boai.firstaid.models import CertificateStatus

    return Verification(number=cert.number, holder=cert.holder_name_masked, course=cert.course_type.name,
                        certificate_name=cert.course_type.certificate_name, issued_on=cert.issued_on,
                        valid_until=cert.valid_until, status=status, status_label=str(CertificateStatus(status).label),
                        issuer=cert.org.name)


_VERIFY_FIELDS = ("number", "holder_name_masked", "issued_on", "valid_until", "revoked_at", "course_type__name",
                  "course_type__certificate_name", "org__name", "person__name")


def verify_by_number(*, number: str, name: str) -> Verification | None:
    """Found only when both the number and the holder's full name match (one indexed query)."""
    number, name = number.strip().upper(), " ".join(name.split())
    if not number or not name:
        return None
    cert = (Certificate.objects.select_related("course_type", "org", "person").only(*_VERIFY_FIELDS)
            .filter(number=number).first())
    if cert is None or cert.person.name != name:
        return None
    return _verification(cert)


def verify_by_token(*, token: str) -> Verification | None:
    cert = (Certificate.objects.select_related("course_type", "org").only(*_VERIFY_FIELDS[:-1])
            .filter(token=token).first())
    return _verification(cert) if cert else None


def certificates_expiring(*, within_days: int, today: dt.date | None = None) -> QuerySet:
    """Valid certificates expiring within the window whose holder has not been reminded yet."""
    today = today or timezone.localdate()
    return Certificate.objects.filter(revoked_at__isnull=True, reminded_on__isnull=True, valid_until__gte=today,
                                      valid_until__lte=today + dt.timedelta(days=within_days))


def person_valid_certificates(person) -> QuerySet:
    """A person's valid certificates (for their volunteer profile)."""
    return Certificate.objects.filter(person=person, revoked_at__isnull=True,
                                      valid_until__gte=timezone.localdate()).select_related("course_type")


__all__ = ["Verification", "base_statistics", "certificates_by_branch_month", "certificates_expiring", "mask_name",
           "person_valid_certificates", "verify_by_number", "verify_by_token"]
