"""Making and revoking API tokens.

Anyone signed in may make tokens for themselves, with the scopes their role can use (a
viewer's token only reads). An administrator may also make tokens for a service
account, never for another person: a token acts as its owner, and the history must
show who really acted. A request made with a token can make only tokens within its own
scopes, so a read-only token cannot mint a writing one. Revoking is for the owner or an
administrator; anyone else is refused alike whether or not the token exists.

The secret is returned once, at creation; only its digest is stored, and neither the
digest nor the secret reaches the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server import clock, models
from server.api_tokens import scopes as token_scopes
from server.api_tokens import secrets
from server.enums import ApiScope, HistoryAction
from server.history import created, record
from server.permissions import Actor, require_admin
from server.writes.checks import Checker
from server.writes.errors import Forbidden, Invalid, Missing, UserError, UserErrorCode
from server.writes.unit import archive, transactional

Code = UserErrorCode
MAX_NAME = 120
MAX_TOKENS_PER_USER = 100
MAX_LIFETIME = timedelta(days=5 * 366)
UNRECORDED = frozenset({"digest"})


@dataclass(frozen=True)
class CreatedToken:
    token: models.ApiToken
    secret: str


async def _owner(actor: Actor, user_id: int | None) -> models.User:
    """The user the token will act as: the actor, or a live service account named by
    an administrator."""
    if user_id is None or user_id == actor.user_id:
        user = await models.User.filter(id=actor.user_id, archived_at__isnull=True).first()
        if user is None:
            raise Forbidden("Your account is disabled.")
        return user
    require_admin(actor)
    user = await models.User.filter(id=user_id).first() if user_id else None
    if user is None:
        raise Missing("The User you named")
    if not user.service_account:
        raise Invalid(
            [
                UserError(
                    "userId",
                    Code.NOT_ALLOWED,
                    "A token acts as its owner: make tokens for yourself or for a service "
                    "account, not for another person.",
                )
            ]
        )
    if user.archived_at is not None:
        raise Invalid([UserError("userId", Code.ARCHIVED, "This service account is disabled.")])
    return user


def _within_the_callers_scopes(actor: Actor, wanted: frozenset[ApiScope]) -> None:
    if actor.scopes is None or wanted <= actor.scopes:
        return
    missing = ", ".join(scope.value for scope in token_scopes.listed(wanted - actor.scopes))
    held = ", ".join(scope.value for scope in token_scopes.listed(actor.scopes))
    raise Forbidden(
        f"This API token (scopes: {held}) cannot make a token with {missing}: "
        "a token makes tokens within its own scopes only."
    )


def _checked_scopes(
    check: Checker, owner: models.User, scopes: Iterable[ApiScope] | None
) -> frozenset[ApiScope]:
    wanted = frozenset(scopes or ())
    if not wanted:
        check.fail("scopes", Code.REQUIRED, "Name at least one scope: READ, WRITE or ADMIN.")
        return wanted
    beyond = wanted - token_scopes.usable_by(owner.role)
    if beyond:
        names = ", ".join(scope.value for scope in token_scopes.listed(beyond))
        check.fail(
            "scopes",
            Code.NOT_ALLOWED,
            f"The owner's role {owner.role.value} cannot use {names}; a token never "
            "does more than its owner may.",
        )
    return wanted


def _checked_expiry(check: Checker, expires_at: datetime | None) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    now = clock.now()
    if expires_at <= now:
        check.fail("expiresAt", Code.INVALID, "`expiresAt` must be in the future.")
    elif expires_at - now > MAX_LIFETIME:
        check.fail(
            "expiresAt", Code.OUT_OF_RANGE, "`expiresAt` must be within five years from now."
        )
    return expires_at


@transactional
async def create_token(
    actor: Actor,
    *,
    name: str | None,
    scopes: Iterable[ApiScope] | None,
    expires_at: datetime | None = None,
    user_id: int | None = None,
) -> CreatedToken:
    """A new token for `actor` (or, by an administrator, for the service account
    `user_id`), with its secret: shown this once, never stored."""
    owner = await _owner(actor, user_id)
    _within_the_callers_scopes(actor, frozenset(scopes or ()))
    return await make_token(owner, name, scopes, expires_at, actor.user_id)


async def make_token(
    owner: models.User,
    name: str | None,
    scopes: Iterable[ApiScope] | None,
    expires_at: datetime | None,
    actor_id: int | None,
) -> CreatedToken:
    """The checks and the write every new token goes through, inside the caller's
    transaction (the command line calls it for any live user, as the operator)."""
    check = Checker()
    cleaned_name = check.text("name", name, max_length=MAX_NAME, required=True)
    wanted = _checked_scopes(check, owner, scopes)
    expiry = _checked_expiry(check, expires_at)
    live = await models.ApiToken.filter(user_id=owner.pk, archived_at__isnull=True).count()
    if live >= MAX_TOKENS_PER_USER:
        check.fail(
            None,
            Code.NOT_ALLOWED,
            f"{owner.name} already has {MAX_TOKENS_PER_USER} tokens; revoke one no longer used.",
        )
    check.done()
    secret = secrets.new_secret(service_account=owner.service_account)
    token = models.ApiToken(
        user_id=owner.pk,
        name=cleaned_name,
        scopes=token_scopes.stored(wanted),
        digest=secrets.digest(secret),
        hint=secrets.hint(secret),
        expires_at=expiry,
    )
    await token.save()
    changes = {key: value for key, value in created(token).items() if key not in UNRECORDED}
    await record(actor_id, token, HistoryAction.CREATED, changes)
    return CreatedToken(token, secret)


async def fetch_own_token(actor: Actor, token_id: int) -> models.ApiToken:
    """The token, which must be `actor`'s own unless `actor` is an administrator."""
    token = await models.ApiToken.filter(id=token_id).first() if token_id else None
    if not actor.is_admin and (token is None or token.user_id != actor.user_id):
        raise Forbidden()
    if token is None:
        raise Missing("The ApiToken you named")
    return token


@transactional
async def revoke_token(actor: Actor, token_id: int) -> models.ApiToken:
    """Revoke a token at once, on every worker (revoking twice changes nothing)."""
    token = await fetch_own_token(actor, token_id)
    return await archive(actor, token, token.version)


@transactional
async def revoke_as_operator(token_id: int) -> models.ApiToken:
    """Revoke a token from the command line (recorded without an actor)."""
    token = await models.ApiToken.filter(id=token_id).first()
    if token is None:
        raise Missing("The ApiToken you named")
    if token.archived_at is None:
        now = clock.now()
        await models.ApiToken.filter(id=token.pk).update(
            archived_at=now, updated_at=now, version=token.version + 1
        )
        token.archived_at, token.version = now, token.version + 1
        change = {"archived_at": {"before": None, "after": now.isoformat()}}
        await record(None, token, HistoryAction.ARCHIVED, change)
    return token
