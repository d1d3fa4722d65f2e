"""pymerkle 7 knows SHA-2 and SHA-3 only: teach it SM3 (through hashlib/OpenSSL) so the tests and the
benchmark compare like with like."""

import hashlib


def enable_sm3() -> None:
    from pymerkle import hasher

    if "sm3" not in hasher.HASH_FUNCTIONS:
        hasher.HASH_FUNCTIONS["sm3"] = lambda data=b"": hashlib.new("sm3", data)
        hasher.ALGORITHMS.append("sm3")
