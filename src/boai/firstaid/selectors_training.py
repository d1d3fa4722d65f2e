"""Training reads on persons: certificate verification, statistics, expiring certificates."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from boai.firstaid.models import Certificate, mask_name


def base_statistics(base, *, year: int) -> dict:
    """Open days, visitors and the opening rate (开放率 = open days / planned open days) of a year."""
    agg = base.open_days.filter(day__year=year).aggregate(days=Count("id"), visitors=Sum("visitors"))
    days, planned = agg["days"] or 0, base.planned_open_days
    sessions = base.sessions.filter(starts_on__year=year).count()
    rate = round(100 * days / planned, 1) if planned else None
    return {"open_days": days, "visitors": agg["visitors"] or 0, "opening_rate": rate, "sessions": sessions}


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


_VERIFY_FIELDS = ("number", "holder_name_masked", "issued_on", "valid_until", "revoked_at", "course_type_id",
                  "org_id")
LABEL_TTL = 300  # seconds a worker keeps course and issuer names (they change rarely)
_labels: dict[str, tuple[float, dict]] = {}


def clear_label_cache() -> None:
    _labels.clear()


def _names(kind: str) -> dict[int, tuple[str, str]]:
    """Course (name, certificate name) and issuer names by id, cached per process for LABEL_TTL."""
    import time

    from boai.firstaid.models import CourseType
    from boai.orgs.models import Org

    cached = _labels.get(kind)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    if kind == "course":
        data = {pk: (name, cert) for pk, name, cert in CourseType.objects.values_list("id", "name", "certificate_name")}
    else:
        data = {pk: (name, "") for pk, name in Org.objects.values_list("id", "name")}
    _labels[kind] = (time.monotonic() + LABEL_TTL, data)
    return data


def _label(kind: str, pk: int) -> tuple[str, str]:
    found = _names(kind).get(pk)
    if found is None:  # created after the cache was filled
        _labels.pop(kind, None)
        found = _names(kind).get(pk, ("", ""))
    return found


def _verification(row: tuple) -> Verification:
    from boai.firstaid.models import CertificateStatus

    number, holder, issued_on, valid_until, revoked_at, course_id, org_id = row[:7]
    if revoked_at is not None:
        status = CertificateStatus.REVOKED
    elif valid_until < timezone.localdate():
        status = CertificateStatus.EXPIRED
    else:
        status = CertificateStatus.VALID
    course, cert_name = _label("course", course_id)
    return Verification(number=number, holder=holder, course=course, certificate_name=cert_name,
                        issued_on=issued_on, valid_until=valid_until, status=str(status),
                        status_label=str(status.label), issuer=_label("org", org_id)[0])


def verify_by_number(*, number: str, name: str) -> Verification | None:
    """Found only when both the number and the holder's full name match: one single-table query on
    the unique number; the name is compared through its keyed hash, the registry is not read."""
    from boai.firstaid.models import name_hash

    number, name = number.strip().upper(), " ".join(name.split())
    if not number or not name:
        return None
    row = next(iter(Certificate.objects.filter(number=number).order_by().values_list(*_VERIFY_FIELDS,
                                                                                  "holder_name_hash")[:1]), None)
    if row is None or not hmac.compare_digest(row[-1], name_hash(name)):
        return None
    return _verification(row)


def verify_by_token(*, token: str) -> Verification | None:
    row = next(iter(Certificate.objects.filter(token=token).order_by().values_list(*_VERIFY_FIELDS)[:1]), None)
    return _verification(row) if row else None


def certificates_expiring(*, within_days: int, today: dt.date | None = None) -> QuerySet:
    """Valid certificates expiring within the window whose holder has not been reminded yet."""
    today = today or timezone.localdate()
    return Certificate.objects.filter(revoked_at__isnull=True, reminded_on__isnull=True, valid_until__gte=today,
                                      valid_until__lte=today + dt.timedelta(days=within_days))


def person_valid_certificates(person) -> QuerySet:
    """A person's valid certificates (for their volunteer profile)."""
    return Certificate.objects.filter(person=person, revoked_at__isnull=True,
                                      valid_until__gte=timezone.localdate()).select_related("course_type")


__all__ = ["Verification", "base_statistics", "certificates_expiring", "mask_name",
           "person_valid_certificates", "verify_by_number", "verify_by_token"]
