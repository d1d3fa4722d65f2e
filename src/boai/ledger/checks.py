"""Deployment checks of the log: production needs its own origin and signing keys."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def log_configured(app_configs, **kwargs):
    from boai.ledger import params

    errors = []
    if not getattr(settings, "BOAI_LOG_ORIGIN", ""):
        errors.append(Error("BOAI_LOG_ORIGIN is not set: checkpoints would name a development log.",
                            hint="e.g. boai.example.org/log; it may never change once the log has leaves.",
                            id="ledger.E001"))
    if not getattr(settings, "BOAI_LOG_SIGNING_KEYS", ""):
        errors.append(Error("BOAI_LOG_SIGNING_KEYS is not set: checkpoints would be signed with a development key.",
                            hint="generate one with `boai ledger keygen <origin>`.", id="ledger.E002"))
    else:
        try:
            params.parse_signing_keys(settings.BOAI_LOG_SIGNING_KEYS)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="ledger.E003"))
    try:
        params.hash_name()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="ledger.E004"))
    return errors
