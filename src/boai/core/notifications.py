"""One notification service: the in-app inbox always, e-mail and SMS by each user's preference.

Modules call `notify(...)` for their reminders (membership expiry, certificate expiry, disclosure
deadlines...). Delivery by e-mail and SMS happens after commit, in a task, so a slow mail server
never holds a business transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from boai.core.models import Notification, NotificationPreference

DEFAULT_EMAIL = True
DEFAULT_SMS = False

# category code → label; modules register the reminders they send so users can choose channels
CATEGORIES: dict[str, object] = {}


def register_category(code: str, label) -> None:
    CATEGORIES[code] = label


def preferences(user, category: str) -> tuple[bool, bool]:
    pref = NotificationPreference.objects.filter(user=user, category=category).first()
    if pref is None:
        return DEFAULT_EMAIL, DEFAULT_SMS
    return pref.email, pref.sms


def notify(*, recipients: Iterable, category: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    notes = []
    for user in recipients:
        if not user.is_active:
            continue
        notes.append(Notification(recipient=user, category=category, title=title[:200], body=body, url=url))
    Notification.objects.bulk_create(notes)
    ids = [n.pk for n in notes if n.pk]
    if ids:
        from boai.core.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.delay(ids))
    return notes


def deliver(notification_ids: list[int]) -> None:
    from boai.core.sms import get_backend

    for note in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        user = note.recipient
        email_on, sms_on = preferences(user, note.category)
        channels = ["inbox"]
        if email_on and user.email:
            link = f"\n\n{settings.BOAI_SITE_URL}{note.url}" if note.url else ""
            send_mail(note.title, note.body + link, None, [user.email], fail_silently=True)
            channels.append("email")
        if sms_on and user.mobile and get_backend().send(mobile=user.mobile, text=f"【博爱】{note.title}").ok:
            channels.append("sms")
        Notification.objects.filter(pk=note.pk).update(channels=channels)


def preference_set(*, user, category: str, email: bool, sms: bool) -> NotificationPreference:
    from boai.core.audit import audit_record

    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, category=category, defaults={"email": email, "sms": sms}
    )
    audit_record(actor=user, action="core.notification_preference.set", obj=pref, org=getattr(user, "org", None),
                 after={"category": category, "email": email, "sms": sms})
    return pref


def preferences_table(user) -> list[dict]:
    """Every registered category with this user's current choice (defaults where unset)."""
    saved = {p.category: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for code, label in sorted(CATEGORIES.items()):
        pref = saved.get(code)
        rows.append({"code": code, "label": label, "email": pref.email if pref else DEFAULT_EMAIL,
                     "sms": pref.sms if pref else DEFAULT_SMS})
    return rows
