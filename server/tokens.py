"""Access tokens (signed JWTs, short-lived) and refresh tokens (random, stored hashed).

Decoding pins the algorithm and requires `exp`, `iat`, `nbf`, `iss`, `aud` and `sub`,
so an unsigned token, a token signed another way, or one meant for another service
is refused. Each access token carries its user's token epoch: ending a user's sessions (all of
them, or a family whose refresh token was replayed) moves the epoch on, and every access
token signed before stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jwt

from server import clock
from server.bounded_lru import BoundedLRU

ALGORITHM = "HS256"
ISSUER = "throughline"
AUDIENCE = "throughline-api"
ACCESS = "access"
LEEWAY_SECONDS = 5
MAX_USER_ID = 2**31 - 1
VERIFIED_TOKENS = 10_000


class TokenRejected(Exception):
    """An access token that does not sign anyone in; the message says why."""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Bearer:
    """Whom an access token signs in, and the token epoch it was signed in."""

    user_id: int
    epoch: int


def _verified_tokens() -> BoundedLRU[str, tuple[Bearer, dict]]:
    return BoundedLRU(VERIFIED_TOKENS, VERIFIED_TOKENS, lambda _entry: 1)


@dataclass(frozen=True)
class TokenSigner:
    """Signs access tokens and reads them back. A token whose signature and claims were
    checked once is remembered (only genuine tokens get in, and at most
    `VERIFIED_TOKENS`): its next request checks only its lifetime, not the HMAC and the
    claims again, which was a fifth of a small read's time."""

    secret: str
    access_minutes: int = 15
    verified: BoundedLRU[str, tuple[Bearer, dict]] = field(
        default_factory=_verified_tokens, compare=False, repr=False
    )

    def issue(self, user_id: int, epoch: int = 0) -> AccessToken:
        """An access token for the user, valid while their token epoch is `epoch` (every
        user starts at 0)."""
        now = clock.now()
        expires_at = now + timedelta(minutes=self.access_minutes)
        claims = {
            "sub": str(user_id),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "typ": ACCESS,
            "jti": secrets.token_hex(8),
            "epoch": epoch,
        }
        return AccessToken(jwt.encode(claims, self.secret, algorithm=ALGORITHM), expires_at)

    def bearer_of(self, token: str) -> Bearer:
        """Whom an access token signs in, or `TokenRejected` with the reason."""
        known = self.verified.get(token)
        if known is not None:
            bearer, claims = known
            check_lifetime(claims)
            return bearer
        bearer, claims = self._verify(token)
        self.verified.put(token, (bearer, claims))
        return bearer

    def _verify(self, token: str) -> tuple[Bearer, dict]:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={
                    "require": ["exp", "iat", "nbf", "iss", "aud", "sub"],
                    # Checked below against server.clock, which every issuer reads too.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise TokenRejected("The access token is meant for another service.") from None
        except jwt.InvalidIssuerError:
            raise TokenRejected("The access token was issued by someone else.") from None
        except jwt.InvalidTokenError:
            raise TokenRejected("The access token is not valid.") from None
        check_lifetime(claims)
        subject = claims.get("sub")
        epoch = claims.get("epoch")
        if (
            claims.get("typ") != ACCESS
            or not isinstance(subject, str)
            or not subject.isdigit()
            or not 0 < int(subject) <= MAX_USER_ID
            or type(epoch) is not int
        ):
            raise TokenRejected("The access token is not valid.")
        return Bearer(int(subject), epoch), claims


def check_lifetime(claims: dict) -> None:
    """Refuse a token outside its `nbf`..`exp` window on the server's clock (with a few
    seconds of leeway for clocks of several workers)."""
    times = [claims.get(name) for name in ("iat", "nbf", "exp")]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in times):
        raise TokenRejected("The access token is not valid.")
    issued, not_before, expires = times
    moment = clock.now().timestamp()
    if moment >= expires + LEEWAY_SECONDS:
        raise TokenRejected("The access token has expired; refresh it or sign in again.")
    if moment < max(issued, not_before) - LEEWAY_SECONDS:
        raise TokenRejected("The access token is not valid yet.")


def new_refresh_token() -> str:
    """256 bits of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored for a refresh token: a SHA-256 digest (the token itself is random
    and long, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
