"""Commitments: a receipt's opening opens its leaf's commitment, for the server and for the
independent verifier alike; only the key ties a commitment to a party."""

import base64

import pytest
from django.test import override_settings

from boai.ledger import commitments
from boai_verifier.receipt import commitment as verifier_commitment


@pytest.fixture(autouse=True)
def _fresh_key():
    commitments.reset_key_cache()
    yield
    commitments.reset_key_cache()


def test_opening_opens_the_commitment_and_the_verifier_agrees():
    opening = commitments.commit("person:42")
    assert commitments.opens(opening.token, opening.commitment)
    assert verifier_commitment(opening.token) == opening.commitment  # same result, independent code
    assert commitments.parse_opening(opening.token) == opening


def test_fresh_salt_per_receipt_and_the_key_binds_the_party():
    first, second = commitments.commit("person:42"), commitments.commit("person:42")
    assert first.commitment != second.commitment and first.pseudonym == second.pseudonym
    assert commitments.belongs_to(first.commitment, first.token, "person:42")
    assert not commitments.belongs_to(first.commitment, first.token, "person:43")
    assert not commitments.opens(second.token, first.commitment)


def test_malformed_openings_open_nothing():
    opening = commitments.commit("person:1")
    for token in ("", "zz", opening.token[:-1], opening.token.replace("-", ":")):
        assert not commitments.opens(token, opening.commitment)
        assert commitments.parse_opening(token) is None


def test_configured_key_changes_pseudonyms():
    before = commitments.pseudonym("person:7")
    with override_settings(BOAI_COMMITMENT_KEY=base64.b64encode(b"k" * 32).decode()):
        commitments.reset_key_cache()
        assert commitments.pseudonym("person:7") != before
    with override_settings(BOAI_COMMITMENT_KEY=base64.b64encode(b"short").decode()):
        commitments.reset_key_cache()
        with pytest.raises(Exception, match="32 bytes"):
            commitments.pseudonym("person:7")
