"""Deployment checks: `boai check --deploy` fails loudly when production lacks its keys."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def keys_configured(app_configs, **kwargs):
    errors = []
    if not settings.BOAI_FIELD_KEYS:
        errors.append(Error("BOAI_FIELD_KEYS is not set: personal data would use a development key.", id="boai.E001"))
    if not settings.BOAI_BLIND_INDEX_KEY:
        errors.append(Error("BOAI_BLIND_INDEX_KEY is not set.", id="boai.E002"))
    if not settings.BOAI_COMMITMENT_KEY:
        errors.append(Error("BOAI_COMMITMENT_KEY is not set.", id="boai.E003"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(Error("Production needs PostgreSQL: set DATABASE_URL.", id="boai.E004"))
    return errors
