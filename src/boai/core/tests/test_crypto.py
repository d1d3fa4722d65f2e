import pytest
from django.test import override_settings

from boai.core import crypto


@pytest.fixture(autouse=True)
def _fresh_keys():
    crypto.reset_key_cache()
    yield
    crypto.reset_key_cache()


def test_sm3_matches_the_standard_vector():
    # GB/T 32905-2016 example 1
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_encrypt_round_trip_and_column_binding():
    token = crypto.encrypt("320102199003071234", context="people.person.id_number")
    assert "320102199003071234" not in token
    assert crypto.decrypt(token, context="people.person.id_number") == "320102199003071234"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="people.person.phone")


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt("13812345678", context="c")
    kid, _, body = token.partition("$")
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{kid}${flipped}", context="c")


def test_key_rotation_old_key_still_decrypts():
    k1 = "k1:" + "AAAAAAAAAAAAAAAAAAAAAA=="
    k2 = "k2:" + "AQEBAQEBAQEBAQEBAQEBAQ=="
    with override_settings(BOAI_FIELD_KEYS=k1):
        crypto.reset_key_cache()
        old = crypto.encrypt("secret", context="c")
    with override_settings(BOAI_FIELD_KEYS=f"{k2},{k1}"):
        crypto.reset_key_cache()
        assert crypto.decrypt(old, context="c") == "secret"
        assert crypto.key_id_of(crypto.encrypt("secret", context="c")) == "k2"


def test_blind_index_is_deterministic_and_keyed():
    a = crypto.blind_index("320102199003071234", context="id")
    assert a == crypto.blind_index("320102199003071234", context="id")
    assert a != crypto.blind_index("320102199003071235", context="id")
    assert a != crypto.blind_index("320102199003071234", context="other")
