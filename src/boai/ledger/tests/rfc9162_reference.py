"""A second, test-only implementation of RFC 9162 section 2.1, written line by line from the RFC text.

Deliberately naive (recursion over slices, as the RFC states it) and independent of
`boai.ledger.merkle`: the tests compare the production code with it. Memoised by range only so
that trees of 100,000 leaves stay quick.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache


class Reference:
    def __init__(self, algorithm: str, entries: list[bytes]):
        self.algorithm = algorithm
        self.entries = entries
        self.mth = lru_cache(maxsize=None)(self._mth)

    def hash(self, data: bytes) -> bytes:
        return hashlib.new(self.algorithm, data).digest()

    @staticmethod
    def k(n: int) -> int:
        """The largest power of two smaller than n (2.1.1: "k < n <= 2k")."""
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) (2.1.1)."""
        n = hi - lo
        if n == 0:
            return self.hash(b"")
        if n == 1:
            return self.hash(b"\x00" + self.entries[lo])
        k = self.k(n)
        return self.hash(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        """PATH(m, D[lo:hi]) (2.1.3.1), m relative to lo."""
        n = hi - lo
        if n == 1:
            return []
        k = self.k(n)
        if m < k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (2.1.4.1)."""
        return self.subproof(m, 0, n, True)

    def subproof(self, m: int, lo: int, hi: int, b: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = self.k(n)
        if m <= k:
            return self.subproof(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]
