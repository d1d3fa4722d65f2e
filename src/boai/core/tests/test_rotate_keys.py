"""`boai rotate-keys`: every encrypted column (found through the app registry) moves to the current
key, in batches, idempotently; values stay readable throughout."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from boai.core import crypto
from boai.core.keyrotation import encrypted_fields
from boai.core.models import AuditEntry
from boai.testing.helpers import make_user

K1 = "k1:AAAAAAAAAAAAAAAAAAAAAA=="
K2 = "k2:AQEBAQEBAQEBAQEBAQEBAQ=="

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_keys():
    crypto.reset_key_cache()
    yield
    crypto.reset_key_cache()


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate-keys", *args, stdout=out)
    crypto.reset_key_cache()
    return out.getvalue()


def test_fields_are_discovered_through_the_registry():
    labels = {f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_fields()}
    assert "accounts.user.mobile" in labels


def test_rotation_re_encrypts_in_batches_and_is_idempotent(tree):
    with override_settings(BOAI_FIELD_KEYS=K1):
        crypto.reset_key_cache()
        users = [make_user(tree.unit_a, "volunteer", mobile=f"1390000{i:04d}") for i in range(5)]
    assert all(v.startswith("k1$") for v in _raw("accounts_user", "mobile"))
    with override_settings(BOAI_FIELD_KEYS=f"{K2},{K1}"):
        dry = _rotate("--dry-run")
        assert "accounts.user.mobile: 5 values, 5 under older keys, 0 re-encrypted" in dry
        assert all(v.startswith("k1$") for v in _raw("accounts_user", "mobile"))
        out = _rotate("--batch-size", "2")
        assert "accounts.user.mobile: 5 values, 5 under older keys, 5 re-encrypted" in out
        assert all(v.startswith("k2$") for v in _raw("accounts_user", "mobile"))
        assert "re-encrypted 0 values" in _rotate()  # nothing left to do
    with override_settings(BOAI_FIELD_KEYS=K2):  # the old key can now be retired
        crypto.reset_key_cache()
        for user in users:
            user.refresh_from_db()
        assert [u.mobile for u in users] == [f"1390000{i:04d}" for i in range(5)]
    entry = AuditEntry.objects.get(action="core.keys.rotate")
    assert entry.after["key_id"] == "k2" and entry.after["rotated"]["accounts.user.mobile"] == 5


def test_a_value_under_an_unknown_key_stops_the_run_with_advice(tree):
    with override_settings(BOAI_FIELD_KEYS=K1):
        crypto.reset_key_cache()
        make_user(tree.unit_a, "volunteer", mobile="13900000000")
    with override_settings(BOAI_FIELD_KEYS=K2), pytest.raises(CommandError, match="add the old key"):
        _rotate()
