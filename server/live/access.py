"""Who may hold a live connection, and for how long.

A connection signs in once, with the access token or API token of its `connection_init`
payload, and is checked again against the newest snapshot before every delivery, at no
statement's cost: an expired access token, sessions ended, a revoked or expired API
token, or an archived account end the connection. Every signed-in role reads every
node (`server.permissions`), so what a subscriber may read is what it signed in for;
an API token must carry READ (`schema.core.api_tokens`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from server import clock, models
from server.api_tokens import secrets
from server.api_tokens.bearer import ApiTokenRejected, bearer_of
from server.authentication import ENDED, SignedIn
from server.read_model import Snapshot
from server.tokens import TokenRejected, TokenSigner


class SignInRefused(Exception):
    """The connection may not go on; the message says why."""


def bearer_in(payload: dict) -> str:
    """The token of a `connection_init` payload: `{"authorization": "Bearer <token>"}`
    (as the HTTP header reads) or `{"token": "<token>"}`."""
    header = payload.get("authorization") or payload.get("Authorization")
    if isinstance(header, str):
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        raise SignInRefused("`authorization` must read `Bearer <access token>`.")
    given = payload.get("token")
    if isinstance(given, str) and given.strip():
        return given.strip()
    raise SignInRefused(
        'Sign in first: send `{"authorization": "Bearer <access token>"}` '
        "as the payload of connection_init."
    )


@dataclass(frozen=True)
class Credentials:
    """The token a connection signed in with, to check it again before each delivery."""

    token: str
    signer: TokenSigner

    def sign_in(self, snapshot: Snapshot) -> SignedIn:
        """The signed-in user as `snapshot` holds them now, or `SignInRefused`."""
        if secrets.is_api_token(self.token):
            if not secrets.well_formed(self.token):
                raise SignInRefused("The API token is not valid.")
            try:
                return SignedIn(*_token_owner(snapshot, self.token))
            except ApiTokenRejected as rejected:
                raise SignInRefused(str(rejected)) from None
        try:
            bearer = self.signer.bearer_of(self.token)
        except TokenRejected as rejected:
            raise SignInRefused(str(rejected)) from None
        user = snapshot.live(models.User, bearer.user_id)
        if user is None:
            raise SignInRefused("The account of this token is disabled.")
        if bearer.epoch != user.token_epoch:
            raise SignInRefused(ENDED)
        return SignedIn(user)


def _token_owner(snapshot: Snapshot, secret: str) -> tuple:
    bearer = bearer_of(snapshot, secret, clock.now())
    return bearer.user, bearer


class ConnectionCount:
    """Live connections per user in this process, bounded."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: Counter[int] = Counter()

    def take(self, user_id: int) -> None:
        if self.open[user_id] >= self.limit:
            raise SignInRefused(
                f"You have {self.limit} live connections open, the most allowed at once; "
                "close one first."
            )
        self.open[user_id] += 1

    def release(self, user_id: int) -> None:
        self.open[user_id] -= 1
        if self.open[user_id] <= 0:
            del self.open[user_id]
