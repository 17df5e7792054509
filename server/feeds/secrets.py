"""Feed secrets: 256 random bits in the URL, only their SHA-256 digest in the database.

A digest lookup through the unique index is safe against timing attacks: the time it
takes depends on the digest, which an attacker cannot steer towards a stored one.
"""

from __future__ import annotations

import hashlib
import re
import secrets

SECRET_BYTES = 32
# `token_urlsafe(32)` gives 43 characters of the URL-safe base64 alphabet.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# Longer path segments are cut before hashing, so every lookup costs the same.
MAX_HASHED_LENGTH = 64


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """The hex SHA-256 stored for `secret` (any text, cut to a bounded length)."""
    data = secret[:MAX_HASHED_LENGTH].encode("utf-8", errors="replace")
    return hashlib.sha256(data).hexdigest()


def well_formed(secret: str) -> bool:
    return SECRET_PATTERN.fullmatch(secret) is not None
