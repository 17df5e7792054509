"""Password hashing with argon2id, and the rules a new password must meet.

Hashing is slow on purpose (tens of milliseconds); callers on the event loop run it in
a thread. `hasher` is a module attribute so tests can swap in cheap parameters, and a
stored hash made with older parameters reports `needs_rehash` so the next sign-in
upgrades it.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256

# argon2-cffi's defaults are RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes).
hasher = PasswordHasher(type=Type.ID)

_dummy: tuple[PasswordHasher, str] | None = None


def hash_password(password: str) -> str:
    return hasher.hash(password)


def _dummy_hash() -> str:
    """A hash of a random password with the current parameters, so checking a password
    for an unknown email costs as much as for a known one."""
    global _dummy
    if _dummy is None or _dummy[0] is not hasher:
        _dummy = (hasher, hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches `stored_hash`; with no hash, spend the same time and
    answer False (timing must not tell which accounts exist)."""
    try:
        matches = hasher.verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and stored_hash is not None


def needs_rehash(stored_hash: str | None) -> bool:
    """True when the hash was made with parameters other than the current ones."""
    if not stored_hash:
        return False
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def problem_with(password: str) -> str | None:
    """Why `password` may not be set as a new password, or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password must have at most {MAX_LENGTH} characters."
    if not password.strip():
        return "The password must not be only spaces."
    return None
