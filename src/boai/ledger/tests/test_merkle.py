"""The RFC 9162 algorithms against two independent implementations: pymerkle 7 (roots, inclusion
paths) and a test-only implementation written from the RFC text (consistency proofs), for every size
from 1 to 300 and random sizes up to 100,000, in SM3 and SHA-256."""

from __future__ import annotations

import random

import pytest
from pymerkle import InmemoryTree

from boai.ledger import merkle
from boai.ledger.tests.pymerkle_sm3 import enable_sm3
from boai.ledger.tests.rfc9162_reference import Reference

enable_sm3()
HASHES = ("sm3", "sha256")


def _entries(n: int) -> list[bytes]:
    return [f'{{"i":{i},"type":"gift_received"}}'.encode() for i in range(n)]


class Levels:
    """Every perfect subtree of a tree kept in memory: the `perfect(level, pos)` lookup proofs use."""

    def __init__(self, hasher: merkle.TreeHasher, entries: list[bytes]):
        self.levels = [[hasher.leaf(e) for e in entries]]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append([hasher.node(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])

    def __call__(self, level: int, pos: int) -> bytes:
        return self.levels[level][pos]


@pytest.fixture(scope="module", params=HASHES)
def small(request):
    entries = _entries(300)
    hasher = merkle.TreeHasher(request.param)
    tree = InmemoryTree(algorithm=request.param)
    for e in entries:
        tree.append_entry(e)
    return hasher, Levels(hasher, entries), tree, Reference(request.param, entries)


def test_roots_match_pymerkle_for_every_size_1_to_300(small):
    hasher, levels, tree, _ = small
    edge = merkle.CompactRange(hasher)
    for n in range(1, 301):
        edge.append(levels(0, n - 1))
        expected = tree.get_root(n)
        assert edge.root() == expected, n
        assert merkle.tree_root(hasher, n, levels) == expected, n
        assert merkle.root(hasher, levels.levels[0][:n]) == expected, n


def test_inclusion_paths_match_pymerkle_for_every_leaf_of_every_size_1_to_300(small):
    hasher, levels, tree, _ = small
    for n in range(1, 301):
        root = tree.get_root(n)
        for index in range(n):
            proof = merkle.inclusion_proof(hasher, index, n, levels)
            assert proof == tree.prove_inclusion(index + 1, n).path[1:], (index, n)
            assert merkle.verify_inclusion(hasher, index, n, levels(0, index), proof, root), (index, n)


def test_consistency_proofs_match_the_rfc_text_for_every_pair_up_to_300(small):
    hasher, levels, tree, reference = small
    roots = [hasher.empty_root] + [tree.get_root(n) for n in range(1, 301)]
    for n in range(1, 301):
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(hasher, m, n, levels)
            assert proof == reference.proof(m, n), (m, n)
            assert merkle.verify_consistency(hasher, m, n, roots[m], roots[n], proof), (m, n)


def test_random_sizes_up_to_100000_match_both_implementations():
    rng = random.Random(9162)
    entries = _entries(100_000)
    for name in HASHES:
        hasher = merkle.TreeHasher(name)
        levels = Levels(hasher, entries)
        tree = InmemoryTree(algorithm=name)
        tree.append_entries(entries)
        reference = Reference(name, entries)
        sizes = sorted(rng.sample(range(1, 100_001), 12) + [100_000, 65_536, 65_537])
        for n in sizes:
            root = tree.get_root(n)
            assert merkle.tree_root(hasher, n, levels) == root == reference.mth(0, n), n
            for index in [0, n - 1, *rng.sample(range(n), min(n, 8))]:
                proof = merkle.inclusion_proof(hasher, index, n, levels)
                assert proof == tree.prove_inclusion(index + 1, n).path[1:], (index, n)
                assert merkle.verify_inclusion(hasher, index, n, levels(0, index), proof, root)
            for m in [1, n, *rng.sample(range(1, n + 1), min(n, 6))]:
                proof = merkle.consistency_proof(hasher, m, n, levels)
                assert proof == reference.proof(m, n), (m, n)
                assert merkle.verify_consistency(hasher, m, n, reference.mth(0, m), root, proof), (m, n)


@pytest.mark.parametrize("name", HASHES)
def test_wrong_proofs_are_refused(name):
    hasher = merkle.TreeHasher(name)
    entries = _entries(37)
    levels = Levels(hasher, entries)
    root = merkle.tree_root(hasher, 37, levels)
    proof = merkle.inclusion_proof(hasher, 5, 37, levels)
    leaf = levels(0, 5)
    assert merkle.verify_inclusion(hasher, 5, 37, leaf, proof, root)
    assert not merkle.verify_inclusion(hasher, 6, 37, leaf, proof, root)  # wrong index
    assert not merkle.verify_inclusion(hasher, 5, 70, leaf, proof, root)  # wrong size (the root binds the size)
    assert not merkle.verify_inclusion(hasher, 5, 37, levels(0, 4), proof, root)  # wrong leaf
    assert not merkle.verify_inclusion(hasher, 5, 37, leaf, proof[:-1], root)  # short path
    assert not merkle.verify_inclusion(hasher, 5, 37, leaf, [*proof, proof[0]], root)  # long path
    bent = [bytes([proof[1][0] ^ 1]) + proof[1][1:], *proof[2:]]
    assert not merkle.verify_inclusion(hasher, 5, 37, leaf, [proof[0], *bent], root)
    assert not merkle.verify_inclusion(hasher, 37, 37, leaf, proof, root)  # index out of range

    old_root = merkle.tree_root(hasher, 20, levels)
    cproof = merkle.consistency_proof(hasher, 20, 37, levels)
    assert merkle.verify_consistency(hasher, 20, 37, old_root, root, cproof)
    assert not merkle.verify_consistency(hasher, 20, 37, root, root, cproof)
    assert not merkle.verify_consistency(hasher, 21, 37, old_root, root, cproof)
    assert not merkle.verify_consistency(hasher, 20, 37, old_root, root, cproof[:-1])
    assert not merkle.verify_consistency(hasher, 20, 37, old_root, root, [])
    assert not merkle.verify_consistency(hasher, 37, 20, root, old_root, cproof)
    assert merkle.verify_consistency(hasher, 37, 37, root, root, [])
    assert not merkle.verify_consistency(hasher, 37, 37, root, old_root, [])
    assert merkle.verify_consistency(hasher, 0, 37, hasher.empty_root, root, [])


def test_empty_tree_and_edge_subtrees():
    hasher = merkle.TreeHasher("sm3")
    assert merkle.root(hasher, []) == hasher.empty_root == merkle.CompactRange(hasher).root()
    assert merkle.edge_subtrees(13) == [(3, 0), (2, 2), (0, 12)]
    assert merkle.perfect_pieces(8, 13) == [(2, 2), (0, 12)]
    with pytest.raises(ValueError):
        merkle.TreeHasher("md5")
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(3, 3)
