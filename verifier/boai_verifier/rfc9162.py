"""RFC 9162 (section 2.1) Merkle tree hashing and proof verification.

This duplicates, on purpose, the algorithms the Boai server uses (`boai.ledger.merkle`): an
independent verifier must not share code with what it verifies, or a bug in that code would be
checked against itself and never found. It is kept to the few functions a verifier needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASHES = ("sm3", "sha256")


class Hasher:
    def __init__(self, name: str):
        if name not in HASHES:
            raise ValueError(f"unsupported hash {name!r}")
        self.name = name
        self._leaf, self._node = hashlib.new(name, b"\x00"), hashlib.new(name, b"\x01")
        self.empty = hashlib.new(name).digest()
        self.size = len(self.empty)

    def leaf(self, data: bytes) -> bytes:
        h = self._leaf.copy()
        h.update(data)
        return h.digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        h = self._node.copy()
        h.update(left + right)
        return h.digest()


class Edge:
    """Roots of the perfect subtrees along the right edge: one per set bit of the size."""

    def __init__(self, hasher: Hasher):
        self.hasher, self.size, self.stack = hasher, 0, []

    def add(self, leaf_hash: bytes) -> None:
        h, n = leaf_hash, self.size
        while n & 1:
            h = self.hasher.node(self.stack.pop(), h)
            n >>= 1
        self.stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.stack:
            return self.hasher.empty
        r = self.stack[-1]
        for h in reversed(self.stack[:-1]):
            r = self.hasher.node(h, r)
        return r


def _shift_until_odd(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(hasher: Hasher, index: int, size: int, leaf_hash: bytes, path: Sequence[bytes],
                     root: bytes) -> bool:
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hasher.node(p, r)
            if not fn & 1:
                fn, sn = _shift_until_odd(fn, sn)
        else:
            r = hasher.node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(hasher: Hasher, first: int, second: int, first_root: bytes, second_root: bytes,
                       path: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2 (with the trivial cases: equal sizes, empty first tree)."""
    if first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == hasher.empty
    if not path:
        return False
    path = [first_root, *path] if first & (first - 1) == 0 else list(path)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = hasher.node(c, fr), hasher.node(c, sr)
            if not fn & 1:
                fn, sn = _shift_until_odd(fn, sn)
        else:
            sr = hasher.node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


class Levels:
    """Every perfect subtree of the downloaded tree (built only to locate a bad leaf)."""

    def __init__(self, hasher: Hasher, leaf_hashes: bytes):
        d = hasher.size
        self.hasher, self.d, self.levels = hasher, d, [leaf_hashes]
        while len(self.levels[-1]) >= 2 * d:
            below, up = self.levels[-1], bytearray()
            for i in range(0, len(below) // (2 * d) * 2 * d, 2 * d):
                up += hasher.node(below[i:i + d], below[i + d:i + 2 * d])
            self.levels.append(bytes(up))

    def prefix_root(self, size: int) -> bytes:
        """Root of the first `size` leaves: fold of the perfect subtrees of size's binary digits."""
        hashes, start = [], 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                pos = start >> level
                hashes.append(self.levels[level][pos * self.d:(pos + 1) * self.d])
                start += 1 << level
        if not hashes:
            return self.hasher.empty
        r = hashes[-1]
        for h in reversed(hashes[:-1]):
            r = self.hasher.node(h, r)
        return r
