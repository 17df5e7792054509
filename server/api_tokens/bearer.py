"""Whom an API token signs in, read from the request's snapshot of the read model.

The token table is held by the read model, so a token is found by its digest without
a statement, and a revocation, an expiry or a disabled owner counts from the next
request on, on every worker. The reasons given name what is wrong without showing
anything of other tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server import models
from server.api_tokens import secrets
from server.api_tokens.scopes import parse
from server.enums import ApiScope
from server.read_model import Snapshot

BY_DIGEST = "api_token.by_digest"


class ApiTokenRejected(Exception):
    """An API token that signs no one in; the message says why."""


@dataclass(frozen=True)
class TokenBearer:
    token: models.ApiToken
    user: models.User
    scopes: frozenset[ApiScope]


def _by_digest(snapshot: Snapshot) -> dict[str, models.ApiToken]:
    return {row.digest: row for row in snapshot.table(models.ApiToken).values()}


def find(snapshot: Snapshot, digest: str) -> models.ApiToken | None:
    index = snapshot.index(BY_DIGEST, (models.ApiToken._meta.db_table,), _by_digest)
    return index.get(digest)


def bearer_of(snapshot: Snapshot, secret: str, now: datetime) -> TokenBearer:
    """The token and its live owner, or `ApiTokenRejected`; the secret's format is
    checked by the caller (`secrets.well_formed`) before the snapshot is read."""
    token = find(snapshot, secrets.digest(secret))
    if token is None:
        raise ApiTokenRejected("The API token is not valid.")
    if token.archived_at is not None:
        raise ApiTokenRejected("The API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenRejected(
            f"The API token expired at {token.expires_at.isoformat()}; make a new one."
        )
    user = snapshot.live(models.User, token.user_id)
    if user is None:
        raise ApiTokenRejected("The account of this API token is disabled.")
    return TokenBearer(token, user, parse(token.scopes))
