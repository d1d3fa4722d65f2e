"""RFC 9162 Merkle tree hashing, proofs and proof verification, as pure functions.

Everything here works on hashes and index arithmetic only: the database store (`store.py`), the
integrator and the in-server audit all call these functions, so there is exactly one place in the
application where the RFC algorithms live. The stand-alone verifier (`verifier/boai_verifier`)
carries its own copy on purpose: a verifier that shared code with what it verifies would share its
bugs too.

Conventions (RFC 9162, section 2.1): leaf hash ``H(0x00 ‖ entry)``, node hash
``H(0x01 ‖ left ‖ right)``, the empty tree hashes to ``H("")``; a tree of n > 1 leaves splits at k,
the largest power of two smaller than n. Leaf indices count from 0.

Perfect subtrees are named ``(level, pos)``: the 2**level leaves starting at ``pos * 2**level``.
Proofs are computed from a `perfect(level, pos) -> hash` lookup, so a store can keep whichever
aligned subtrees it likes and answer a proof with O(log n) reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASHES = ("sm3", "sha256")

Perfect = Callable[[int, int], bytes]
Range = tuple[int, int]


class TreeHasher:
    """The RFC 9162 hash functions for one algorithm (SM3 or SHA-256, through OpenSSL)."""

    __slots__ = ("name", "digest_size", "empty_root", "_leaf", "_node")

    def __init__(self, name: str = "sm3"):
        if name not in HASHES:
            raise ValueError(f"unsupported log hash {name!r}; use one of {', '.join(HASHES)}")
        self.name = name
        self._leaf = hashlib.new(name, b"\x00")  # copied per use: the prefix is hashed once
        self._node = hashlib.new(name, b"\x01")
        self.empty_root = hashlib.new(name).digest()
        self.digest_size = len(self.empty_root)

    def leaf(self, entry: bytes) -> bytes:
        h = self._leaf.copy()
        h.update(entry)
        return h.digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        h = self._node.copy()
        h.update(left)
        h.update(right)
        return h.digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def is_perfect(lo: int, hi: int) -> bool:
    width = hi - lo
    return width > 0 and width & (width - 1) == 0 and lo % width == 0


class CompactRange:
    """The right edge of a tree: one perfect subtree hash per set bit of its size, largest first.

    Appending a leaf merges equal-sized subtrees like a binary counter; every merge completes one
    aligned perfect subtree, which `append` reports so a store can keep it.
    """

    __slots__ = ("hasher", "size", "hashes")

    def __init__(self, hasher: TreeHasher, size: int = 0, hashes: Sequence[bytes] = ()):
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} edge subtrees, not {len(hashes)}")
        self.hasher, self.size, self.hashes = hasher, size, list(hashes)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return the perfect subtrees ``(level, pos, hash)`` it completed."""
        created = []
        pos, level, h = self.size, 0, leaf_hash
        while pos & 1:
            h = self.hasher.node(self.hashes.pop(), h)
            pos >>= 1
            level += 1
            created.append((level, pos, h))
        self.hashes.append(h)
        self.size += 1
        return created

    def root(self) -> bytes:
        return fold(self.hasher, self.hashes)


def fold(hasher: TreeHasher, hashes: Sequence[bytes]) -> bytes:
    """Root of adjacent subtrees listed left to right, each smaller than the previous (RFC shape)."""
    if not hashes:
        return hasher.empty_root
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = hasher.node(h, root)
    return root


def edge_subtrees(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees ``(level, pos)`` whose fold is the root of a tree of `size` leaves."""
    out, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append((level, start >> level))
            start += 1 << level
    return out


def root(hasher: TreeHasher, leaf_hashes: Iterable[bytes]) -> bytes:
    """Root of a whole tree from its leaf hashes, in one pass with O(log n) memory."""
    edge = CompactRange(hasher)
    for h in leaf_hashes:
        edge.append(h)
    return edge.root()


# --- proofs -------------------------------------------------------------------------------------


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose subtree hashes make up PATH(index, D[size]), leaf side first (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges, lo, hi = [], 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[Range]:
    """Leaf ranges whose subtree hashes make up PROOF(first, D[second]) (RFC 9162 2.1.4.1)."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    ranges, lo, hi, m, complete = [], 0, second, first, True
    while m != hi - lo:
        k = split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:  # SUBPROOF(m, D[m], false) contributes MTH(D[m]) itself
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def perfect_pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """The aligned perfect subtrees ``(level, pos)`` that `range_hash(lo, hi)` reads."""
    if hi <= lo:
        return []
    if is_perfect(lo, hi):
        width = hi - lo
        return [(width.bit_length() - 1, lo // width)]
    k = split(hi - lo)
    return perfect_pieces(lo, lo + k) + perfect_pieces(lo + k, hi)


def range_hash(hasher: TreeHasher, lo: int, hi: int, perfect: Perfect) -> bytes:
    """MTH(D[lo:hi]) built from aligned perfect subtrees."""
    if hi <= lo:
        return hasher.empty_root
    if is_perfect(lo, hi):
        width = hi - lo
        return perfect(width.bit_length() - 1, lo // width)
    k = split(hi - lo)
    return hasher.node(range_hash(hasher, lo, lo + k, perfect), range_hash(hasher, lo + k, hi, perfect))


def inclusion_proof(hasher: TreeHasher, index: int, size: int, perfect: Perfect) -> list[bytes]:
    return [range_hash(hasher, lo, hi, perfect) for lo, hi in inclusion_ranges(index, size)]


def consistency_proof(hasher: TreeHasher, first: int, second: int, perfect: Perfect) -> list[bytes]:
    return [range_hash(hasher, lo, hi, perfect) for lo, hi in consistency_ranges(first, second)]


def tree_root(hasher: TreeHasher, size: int, perfect: Perfect) -> bytes:
    return range_hash(hasher, 0, size, perfect)


# --- verification (RFC 9162 2.1.3.2 and 2.1.4.2) ------------------------------------------------


def root_from_inclusion(hasher: TreeHasher, index: int, size: int, leaf_hash: bytes,
                        proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None if the proof has the wrong shape."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = hasher.node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hasher.node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(hasher: TreeHasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes],
                     root_hash: bytes) -> bool:
    return root_from_inclusion(hasher, index, size, leaf_hash, proof) == root_hash


def verify_consistency(hasher: TreeHasher, first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Is the tree of `second` leaves with `second_root` an append-only extension of the first one?"""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == hasher.empty_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hasher.node(c, fr)
            sr = hasher.node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hasher.node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
