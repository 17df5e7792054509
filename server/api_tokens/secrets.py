"""The format of API token secrets.

`tl_pat_` (a person's) or `tl_sat_` (a service account's), then 32 random bytes in
URL-safe base64 (43 characters), then a 6-character base62 CRC-32 of everything before
it. The prefix lets secret scanners find leaked tokens; the checksum lets them (and the
server, before any lookup) tell a real token from a random string. Only a SHA-256
digest of a secret is stored: it is random and long, so no salt or slow hash is needed,
and a lookup by digest compares nothing secret.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import zlib

PERSONAL = "tl_pat_"
SERVICE = "tl_sat_"
FAMILY = "tl_"
"""What every API token starts with, and no JWT access token does."""
RANDOM_BYTES = 32
RANDOM_LENGTH = 43
CHECKSUM_LENGTH = 6
HINT_LENGTH = 4
BASE62 = string.digits + string.ascii_letters
SHAPE = re.compile(
    rf"(?:{PERSONAL}|{SERVICE})[A-Za-z0-9_-]{{{RANDOM_LENGTH}}}[0-9A-Za-z]{{{CHECKSUM_LENGTH}}}"
)


def checksum(text: str) -> str:
    """CRC-32 of `text` in base62, padded to six characters."""
    value = zlib.crc32(text.encode("ascii"))
    digits = []
    for _ in range(CHECKSUM_LENGTH):
        value, digit = divmod(value, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def new_secret(*, service_account: bool) -> str:
    body = (SERVICE if service_account else PERSONAL) + secrets.token_urlsafe(RANDOM_BYTES)
    return body + checksum(body)


def is_api_token(token: str) -> bool:
    """Whether a bearer token claims to be an API token rather than an access token."""
    return token.startswith(FAMILY)


def well_formed(token: str) -> bool:
    """Prefix, length, alphabet and checksum are right: worth looking up."""
    if not SHAPE.fullmatch(token):
        return False
    body, check = token[:-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    return secrets.compare_digest(checksum(body), check)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hint(token: str) -> str:
    """What identifies a token to its owner without opening anything."""
    return f"{token[: len(PERSONAL)]}…{token[-HINT_LENGTH:]}"
