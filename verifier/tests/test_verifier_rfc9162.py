"""The verifier's RFC 9162 code against the recursive definitions of the RFC (every size up to 70)."""

import pytest
from fakelog import FakeLog

from boai_verifier import rfc9162


@pytest.mark.parametrize("name", rfc9162.HASHES)
def test_roots_inclusion_and_consistency_for_every_size_up_to_70(name):
    log = FakeLog([f"entry {i}".encode() for i in range(70)], hash_name=name)
    hasher = rfc9162.Hasher(name)
    edge = rfc9162.Edge(hasher)
    hashes = bytearray()
    assert edge.root() == log.mth(0, 0)
    for n in range(1, 71):
        h = hasher.leaf(log.entries[n - 1])
        edge.add(h)
        hashes += h
        root = log.mth(0, n)
        assert edge.root() == root == rfc9162.Levels(hasher, bytes(hashes)).prefix_root(n)
        for i in range(n):
            assert rfc9162.verify_inclusion(hasher, i, n, hasher.leaf(log.entries[i]), log.path(i, 0, n), root)
            assert not rfc9162.verify_inclusion(hasher, i, n, hasher.leaf(b"other"), log.path(i, 0, n), root)
        for m in range(1, n):
            proof = log.proof(m, 0, n)
            assert rfc9162.verify_consistency(hasher, m, n, log.mth(0, m), root, proof), (m, n)
            assert not rfc9162.verify_consistency(hasher, m, n, log.mth(0, m), log.mth(0, m), proof)
            if proof:
                assert not rfc9162.verify_consistency(hasher, m, n, log.mth(0, m), root, proof[:-1])
        assert rfc9162.verify_consistency(hasher, n, n, root, root, [])
        assert rfc9162.verify_consistency(hasher, 0, n, hasher.empty, root, [])
