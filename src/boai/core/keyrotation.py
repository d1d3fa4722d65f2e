"""Re-encrypting personal data under the current field key (`boai rotate-keys`).

Every `EncryptedTextField` of every installed model is found through the app registry, so a
module that adds one is rotated without being listed anywhere. Values are read and written as raw
ciphertext in batches by primary key, each batch in its own transaction; a value already under the
current key is not touched, so the command is idempotent and can be resumed after an interruption.
Blind indexes (HMAC-SM3) are not rotated here: their key is separate and changing it means
recomputing every index from the plaintext (see docs/people.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from boai.core import crypto
from boai.core.fields import EncryptedTextField


@dataclass
class FieldReport:
    label: str  # app_label.model.field
    total: int = 0  # values stored (non-empty)
    stale: int = 0  # values under another key before the run
    rotated: int = 0  # values re-encrypted by this run


class RotationError(Exception):
    """A value cannot be decrypted with the configured keys (its key id is missing or it is corrupt)."""


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        found.extend((model, f) for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField))
    return found


class _Sql:
    """The three statements for one column, with quoted names (never user input)."""

    def __init__(self, model: type[models.Model], field: EncryptedTextField):
        qn = connection.ops.quote_name
        table, col, pk = qn(model._meta.db_table), qn(field.column), qn(model._meta.pk.column)
        # table and column names come from the models' metadata, quoted; values are parameters
        stale = f"{col} IS NOT NULL AND {col} <> '' AND SUBSTR({col}, 1, %s) <> %s"
        self.count = f"SELECT COUNT(*) FROM {table} WHERE {col} IS NOT NULL AND {col} <> ''"  # noqa: S608 # nosec B608
        self.count_stale = f"SELECT COUNT(*) FROM {table} WHERE {stale}"  # noqa: S608 # nosec B608
        self.first = f"SELECT {pk}, {col} FROM {table} WHERE {stale} ORDER BY {pk} LIMIT %s"  # noqa: S608 # nosec B608
        self.next = (f"SELECT {pk}, {col} FROM {table} "  # noqa: S608 # nosec B608
                     f"WHERE {pk} > %s AND {stale} ORDER BY {pk} LIMIT %s")
        self.update = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608 # nosec B608


def _reencrypt(token: str, context: str, label: str, pk) -> str:
    try:
        plaintext = crypto.decrypt(token, context=context)
    except crypto.DecryptionError as exc:
        raise RotationError(f"{label} #{pk}: {exc} (key id {crypto.key_id_of(token)!r}); add the old key to "
                            "BOAI_FIELD_KEYS after the current one and run again") from exc
    return crypto.encrypt(plaintext, context=context)


def rotate_field(model, field, *, batch_size: int = 2000, dry_run: bool = False,
                 progress: Callable[[FieldReport], None] | None = None) -> FieldReport:
    sql, current = _Sql(model, field), crypto.keyring().current_id + "$"
    report = FieldReport(f"{model._meta.label_lower}.{field.name}")
    stale_args = [len(current), current]
    with connection.cursor() as cursor:
        cursor.execute(sql.count)
        report.total = cursor.fetchone()[0]
        cursor.execute(sql.count_stale, stale_args)
        report.stale = cursor.fetchone()[0]
    last = None
    while not dry_run:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(sql.first, [*stale_args, batch_size])
            else:
                cursor.execute(sql.next, [last, *stale_args, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.executemany(sql.update, [(_reencrypt(token, field.crypto_context, report.label, pk), pk, token)
                                            for pk, token in rows])
        report.rotated += len(rows)
        last = rows[-1][0]
        if progress:
            progress(report)
    return report


def rotate_all(*, batch_size: int = 2000, dry_run: bool = False,
               progress: Callable[[FieldReport], None] | None = None) -> list[FieldReport]:
    crypto.reset_key_cache()  # the keys as configured now, not as cached by an earlier caller
    return [rotate_field(model, field, batch_size=batch_size, dry_run=dry_run, progress=progress)
            for model, field in encrypted_fields()]
