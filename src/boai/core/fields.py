"""Model fields for personal data: encrypted at rest, decrypted on load.

The associated data is ``<app_label>.<model>.<field>``, so ciphertexts cannot be moved between
columns. Encrypted columns cannot be filtered on: pair them with a blind-index column.
"""

from __future__ import annotations

from django.db import models

from boai.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted with SM4-GCM"

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
