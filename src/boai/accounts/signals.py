from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from boai.core.audit import audit_record


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="accounts.logout", obj=user, org=user.org)
