"""What the micro-wish services tell people: SMS to claimants (after commit, so a rolled-back
claim never texts anyone) and inbox notifications to the raising unit's staff."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.accounts.selectors import unit_staff

STAFF_PERM = "relief.add"  # the raising unit's operators and the branch's relief officers
CATEGORY_CLAIMS = "wishes.claims"
CATEGORY_REVIEW = "wishes.review"
CATEGORIES = {CATEGORY_CLAIMS: gettext_lazy("Micro-wishes claimed, delivered or expired"),
              CATEGORY_REVIEW: gettext_lazy("Micro-wishes returned after review")}


def _sms(mobile: str, text: str) -> None:
    def send():
        from boai.core.sms import get_backend

        get_backend().send(mobile=mobile, text=f"【博爱】{text}")

    transaction.on_commit(send)


def _site(path: str) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + path


def _notify_unit(wish, title: str) -> None:
    from boai.core.notifications import notify

    staff = unit_staff([wish.org_id], perm=STAFF_PERM).get(wish.org_id) or []
    if staff:
        notify(recipients=staff, category=CATEGORY_CLAIMS, title=title, url=wish.get_absolute_url())


def wish_claimed(claim) -> None:
    wish = claim.wish
    day = timezone.localtime(claim.expires_at).date().isoformat()
    _sms(claim.claimant.mobile, _("Thank you for claiming the micro-wish %(number)s “%(title)s”. Please deliver it "
                                  "by %(day)s; details: %(link)s") % {
        "number": wish.number, "title": wish.title, "day": day, "link": _site(reverse("wishes:public-mine"))})
    _notify_unit(wish, _("Micro-wish %(number)s was claimed; delivery due by %(day)s") % {
        "number": wish.number, "day": day})


def wish_delivered(claim) -> None:
    _notify_unit(claim.wish, _("Micro-wish %(number)s was delivered: please have the beneficiary confirm it")
                 % {"number": claim.wish.number})


def wish_fulfilled(claim) -> None:
    wish = claim.wish
    _sms(claim.claimant.mobile, _("The beneficiary confirmed receiving the micro-wish %(number)s “%(title)s”. "
                                  "Thank you for your kindness!") % {"number": wish.number, "title": wish.title})


def wish_returned(wish) -> None:
    from boai.core.notifications import notify

    authors = [u for u in (wish.created_by, wish.submitted_by) if u is not None]
    if authors:
        notify(recipients=list({u.pk: u for u in authors}.values()), category=CATEGORY_REVIEW,
               title=_("Micro-wish %(number)s was returned: %(reason)s") % {"number": wish.number,
                                                                           "reason": wish.rejection_reason},
               url=wish.get_absolute_url())


def claim_cancelled_by_unit(claim) -> None:
    _sms(claim.claimant.mobile, _("The micro-wish %(number)s you claimed was withdrawn by the Red Cross unit; you "
                                  "need not deliver it. Thank you all the same.") % {"number": claim.wish.number})


def claim_expired(claim) -> None:
    _sms(claim.claimant.mobile, _("Your claim of the micro-wish %(number)s expired because it was not delivered in "
                                  "time; the wish is open to others again.") % {"number": claim.wish.number})


def claims_expired_to_units(claims: list) -> None:
    """One inbox notification per unit for a run of the expiry job."""
    from boai.core.notifications import notify

    by_org: dict[int, list] = defaultdict(list)
    for claim in claims:
        by_org[claim.wish.org_id].append(claim)
    for org_id, staff in unit_staff(by_org, perm=STAFF_PERM).items():
        if staff:
            numbers = ", ".join(c.wish.number for c in by_org[org_id][:10])
            notify(recipients=staff, category=CATEGORY_CLAIMS,
                   title=_("%(n)d micro-wish claims expired and the wishes are open again: %(numbers)s")
                   % {"n": len(by_org[org_id]), "numbers": numbers}, url=reverse("wishes:list") + "?status=published")
