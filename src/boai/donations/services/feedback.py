"""Thanking donors and telling them, now and then, what their gift paid for (by SMS, to donors who
gave a mobile number online). The texts link to the gift's verification page, which shows the whole
journey; they carry amounts and purposes only, never who received help."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from boai.core.sms import get_backend
from boai.donations.models import Gift, SpendingStatus

logger = logging.getLogger("boai.donations.feedback")
MAX_PER_RUN = 2000


def _link(gift: Gift) -> str:
    return f"{settings.BOAI_SITE_URL}{reverse('donations:verify', args=[gift.certificate.token])}"


def _mobile(gift: Gift) -> str:
    if gift.order_id and gift.order.mobile:
        return gift.order.mobile
    return gift.donor.mobile if gift.donor_id and gift.donor.mobile else ""


def send_thanks(gift: Gift) -> bool:
    """A thank-you SMS right after an online gift (called after commit)."""
    mobile = _mobile(gift)
    if not mobile:
        return False
    target = gift.restricted_project.name if gift.restricted_project_id else gift.fund.name
    text = f"【博爱】感谢您向“{target}”捐赠{gift.amount}元！捐赠证书和善款去向：{_link(gift)}"
    result = get_backend().send(mobile=mobile, text=text)
    if not result.ok:
        logger.warning("thank-you SMS for gift %s failed: %s", gift.pk, result.error)
    return result.ok


def feedback_report(*, since: dt.datetime | None = None) -> int:
    """Tell donors what their online gifts paid for since `since` (default: the last 30 days)."""
    from boai.donations.journey import gift_journey

    since = since or timezone.now() - dt.timedelta(days=30)
    gifts = (Gift.objects.filter(order__mobile_blind__gt="", lot__isnull=False)
             .filter(received_at__gte=since - dt.timedelta(days=365))
             .select_related("order", "donor", "certificate", "fund", "restricted_project").order_by("id"))
    sent = 0
    for gift in gifts.iterator(chunk_size=200):
        if sent >= MAX_PER_RUN:
            break
        hops = [h for h in gift_journey(gift).spendings
                if h.obj.status == SpendingStatus.PAID and h.obj.paid_at and h.obj.paid_at >= since]
        if not hops:
            continue
        spent = sum(h.amount for h in hops)
        purposes = "、".join(dict.fromkeys(h.obj.purpose for h in hops))[:60]
        text = (f"【博爱】您{timezone.localtime(gift.received_at):%Y年%m月%d日}捐赠的{gift.amount}元中，"
                f"{spent}元已用于：{purposes}。详情：{_link(gift)}")
        sent += get_backend().send(mobile=_mobile(gift), text=text).ok
    return sent
