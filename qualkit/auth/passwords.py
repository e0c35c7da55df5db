"""Password hashes: salted scrypt (memory-hard, slow on purpose), stored as one self-describing string.

Format: `scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`, so the cost can rise later and old hashes still verify.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

# About 50-100 ms and 16 MB per check on a laptop: cheap for one sign-in, expensive for guessing.
N, R, P, DKLEN = 2 ** 14, 8, 1, 32
MIN_LENGTH = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A new salted hash of `password`."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=DKLEN)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored` (constant-time comparison); False for a malformed `stored`."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


DUMMY = hash_password("qualkit: no such account")  # checked for unknown names, so they take as long as known ones
