"""Signing in and out: sessions made of a short-lived access token and a refresh token.

A session is a family of refresh tokens. Refreshing marks the presented token used and
issues its successor in the same family; presenting a used token again means someone
kept a copy, so the whole family is revoked. Each operation writes in one transaction;
password hashing (slow on purpose) runs in a thread before it, never inside it.

Setting a password and ending all of a user's sessions are recorded in the user's
history (PASSWORD_SET, SESSIONS_REVOKED, with the live sessions before and after);
signing in, refreshing and ending a single session are routine and are not. Whatever is
recorded also moves the user's token epoch on, so the access tokens already handed out
stop working at once instead of when they expire.

Every password check counts against the account and the client address
(`sign_in_backoff`) and runs in the process's bounded pool (`password_checks`).
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F

from server import clock, models, passwords, sign_in_backoff
from server.enums import HistoryAction
from server.history import record
from server.password_checks import Busy, PasswordChecks
from server.permissions import Actor, require_admin
from server.settings import Settings
from server.tokens import TokenSigner, digest, new_refresh_token
from server.writes.checks import Checker
from server.writes.errors import Invalid, Missing, UserError, UserErrorCode
from server.writes.unit import transactional

MAX_EMAIL_LENGTH = 254
LOGIN_REFUSED = "Incorrect email or password."
SERVICE_ACCOUNT_REFUSED = (
    "This is a service account: it cannot sign in with a password. Send one of its API "
    "tokens as `Authorization: Bearer tl_sat_…` instead."
)
REFRESH_REFUSED = "The refresh token is not valid (any more); sign in again."


class SignInRefused(Exception):
    """Signing in or refreshing failed; the message says nothing about why."""


class TryLater(Exception):
    """No password was checked: the account or address is backing off, or the server
    is busy; `retry_after` says in how many seconds to try again."""

    def __init__(self, reason: sign_in_backoff.BackingOff | Busy) -> None:
        super().__init__(str(reason))
        self.retry_after = reason.retry_after


@dataclass(frozen=True)
class Session:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    user: models.User


def normalised_email(email: str) -> str:
    return email.strip().lower()


async def _open(
    user: models.User, signer: TokenSigner, settings: Settings, family: str | None = None
) -> Session:
    """Store a new refresh token (its digest) and sign an access token for `user`."""
    now = clock.now()
    refresh_token = new_refresh_token()
    expires_at = now + timedelta(days=settings.refresh_token_days)
    await models.RefreshToken.create(
        user_id=user.pk,
        token_hash=digest(refresh_token),
        family=family or secrets.token_hex(16),
        created_at=now,
        expires_at=expires_at,
    )
    access = signer.issue(user.pk, user.token_epoch)
    return Session(access.token, access.expires_at, refresh_token, expires_at, user)


async def _live_sessions(user_id: int) -> int:
    """Families with a token that can still be refreshed (at most one per family)."""
    return await models.RefreshToken.filter(
        user_id=user_id, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=clock.now()
    ).count()


async def _revoke(user_id: int, family: str | None = None) -> int:
    """Revoke the user's tokens (of one family, or all); returns the sessions ended."""
    tokens = models.RefreshToken.filter(user_id=user_id, revoked_at__isnull=True)
    if family is not None:
        tokens = tokens.filter(family=family)
    ended = await tokens.filter(used_at__isnull=True, expires_at__gt=clock.now()).count()
    await tokens.update(revoked_at=clock.now())
    return ended


async def _end_access_tokens(user: models.User) -> None:
    """Move the user's token epoch on: every access token signed so far stops working."""
    await models.User.filter(id=user.pk).update(token_epoch=F("token_epoch") + 1)
    epochs = await models.User.filter(id=user.pk).values_list("token_epoch", flat=True)
    user.token_epoch = epochs[0]


async def _revoke_recorded(
    user: models.User, actor_id: int | None, action: HistoryAction, family: str | None = None
) -> int:
    before = await _live_sessions(user.pk)
    ended = await _revoke(user.pk, family)
    await _end_access_tokens(user)
    changes = {"live_sessions": {"before": before, "after": before - ended}}
    await record(actor_id, user, action, changes)
    return ended


@transactional
async def _start(
    user_id: int, new_hash: str | None, signer: TokenSigner, settings: Settings
) -> Session | None:
    user = await models.User.filter(id=user_id, archived_at__isnull=True).first()
    if user is None:
        return None
    if new_hash is not None:
        # Same password, stronger parameters: not a change worth a version or history.
        await models.User.filter(id=user_id).update(password_hash=new_hash)
        user.password_hash = new_hash
    # Expired tokens can never be used again; dropping them keeps the table small.
    await models.RefreshToken.filter(user_id=user_id, expires_at__lte=clock.now()).delete()
    return await _open(user, signer, settings)


async def _check(
    checks: PasswordChecks, attempt: sign_in_backoff.Attempt, stored: str | None, password: str
) -> bool:
    """Check a password counted by `attempt`, settling the count with the outcome."""
    try:
        matches = await checks.run(passwords.verify, stored, password)
    except Busy as busy:
        await sign_in_backoff.not_checked(attempt)
        raise TryLater(busy) from None
    if matches:
        await sign_in_backoff.succeeded(attempt)
    return matches


async def _counted(email_key: str, address: str, settings: Settings) -> sign_in_backoff.Attempt:
    try:
        return await sign_in_backoff.begin(email_key, address, settings.sign_in)
    except sign_in_backoff.BackingOff as backing_off:
        raise TryLater(backing_off) from None


async def login(
    email: str,
    password: str,
    address: str,
    signer: TokenSigner,
    settings: Settings,
    checks: PasswordChecks,
) -> Session:
    """A new session for the live user with this email and password, else `SignInRefused`
    (or `TryLater` while failed attempts from this account or `address` back off)."""
    if not 0 < len(email) <= MAX_EMAIL_LENGTH or not 0 < len(password) <= passwords.MAX_LENGTH:
        raise SignInRefused(LOGIN_REFUSED)
    email_key = normalised_email(email)
    attempt = await _counted(email_key, address, settings)
    user = await models.User.filter(email_key=email_key).first()
    if user is not None and user.service_account and user.archived_at is None:
        raise SignInRefused(SERVICE_ACCOUNT_REFUSED)
    usable = user is not None and user.archived_at is None and user.password_hash
    stored = user.password_hash if usable else None
    if not await _check(checks, attempt, stored, password):
        await sign_in_backoff.failed(settings.sign_in)
        raise SignInRefused(LOGIN_REFUSED)
    new_hash = None
    if passwords.needs_rehash(stored):
        with contextlib.suppress(Busy):  # the upgrade waits for a quieter sign-in
            new_hash = await checks.run(passwords.hash_password, password)
    session = await _start(user.pk, new_hash, signer, settings)
    if session is None:
        raise SignInRefused(LOGIN_REFUSED)
    return session


@transactional
async def _rotate(token_hash: str, signer: TokenSigner, settings: Settings) -> Session | None:
    """The successor of a refresh token, or None; a replayed token revokes its family
    (and that revocation is committed, unlike a refusal raised inside a transaction)."""
    now = clock.now()
    presented = await models.RefreshToken.filter(token_hash=token_hash).first()
    if presented is None or presented.revoked_at is not None:
        return None
    user = await models.User.get(id=presented.user_id)
    if presented.used_at is not None:
        await _revoke_recorded(user, None, HistoryAction.SESSIONS_REVOKED, presented.family)
        return None
    if presented.expires_at <= now or user.archived_at is not None:
        return None
    claimed = await models.RefreshToken.filter(
        id=presented.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(used_at=now)
    if claimed != 1:
        # Another request rotated the same token a moment ago: a replay as well.
        await _revoke_recorded(user, None, HistoryAction.SESSIONS_REVOKED, presented.family)
        return None
    return await _open(user, signer, settings, presented.family)


async def refresh(refresh_token: str, signer: TokenSigner, settings: Settings) -> Session:
    """Exchange a refresh token for a new session in the same family (rotation)."""
    session = await _rotate(digest(refresh_token), signer, settings)
    if session is None:
        raise SignInRefused(REFRESH_REFUSED)
    return session


@transactional
async def logout(actor: Actor, refresh_token: str | None, everywhere: bool = False) -> int:
    """End the session of `refresh_token` (the actor's own), or all of the actor's
    sessions; returns how many sessions ended."""
    if everywhere:
        user = await models.User.get(id=actor.user_id)
        return await _revoke_recorded(user, actor.user_id, HistoryAction.SESSIONS_REVOKED)
    if not refresh_token:
        raise Invalid([UserError("refreshToken", UserErrorCode.REQUIRED, "Name the session.")])
    presented = await models.RefreshToken.filter(
        token_hash=digest(refresh_token), user_id=actor.user_id
    ).first()
    if presented is None:
        raise Invalid(
            [
                UserError(
                    "refreshToken",
                    UserErrorCode.NOT_FOUND,
                    "`refreshToken` names none of your sessions.",
                )
            ]
        )
    return await _revoke(actor.user_id, presented.family)


@dataclass(frozen=True)
class Revoked:
    user: models.User
    sessions: int


@transactional
async def revoke_all(user_id: int, actor_id: int | None = None) -> Revoked:
    """End every session of a user, recorded in their history."""
    user = await models.User.filter(id=user_id).first()
    if user is None:
        raise Missing("The User you named")
    return Revoked(user, await _revoke_recorded(user, actor_id, HistoryAction.SESSIONS_REVOKED))


async def revoke_sessions(actor: Actor, user_id: int) -> Revoked:
    """Anyone may end their own sessions; only an administrator those of others."""
    if user_id != actor.user_id:
        require_admin(actor)
    return await revoke_all(user_id, actor.user_id)


async def _store_password(user: models.User, password_hash: str, actor_id: int | None) -> int:
    await models.User.filter(id=user.pk).update(password_hash=password_hash)
    user.password_hash = password_hash
    return await _revoke_recorded(user, actor_id, HistoryAction.PASSWORD_SET)


@transactional
async def set_password(user_id: int, password_hash: str, actor_id: int | None = None) -> int:
    """Store a new password hash and end every session; returns the sessions ended."""
    user = await models.User.get(id=user_id)
    return await _store_password(user, password_hash, actor_id)


@transactional
async def _replace_password(
    user_id: int, password_hash: str, signer: TokenSigner, settings: Settings
) -> Session:
    user = await models.User.get(id=user_id)
    await _store_password(user, password_hash, user_id)
    return await _open(user, signer, settings)


async def change_password(
    actor: Actor,
    current: str,
    new: str,
    address: str,
    signer: TokenSigner,
    settings: Settings,
    checks: PasswordChecks,
) -> Session:
    """Change the actor's own password. Every earlier session ends; the returned one
    replaces the caller's. A wrong current password counts as a failed sign-in."""
    check = Checker()
    problem = passwords.problem_with(new)
    if problem is not None:
        code = UserErrorCode.TOO_LONG if len(new) > passwords.MAX_LENGTH else UserErrorCode.INVALID
        check.fail("newPassword", code, problem)
    elif new == current:
        check.fail("newPassword", UserErrorCode.INVALID, "Choose a password you have not used.")
    user = await models.User.get(id=actor.user_id)
    if len(current) > passwords.MAX_LENGTH:
        right = False
    else:
        attempt = await _counted(user.email_key, address, settings)
        right = await _check(checks, attempt, user.password_hash, current)
    if not right:
        check.fail("currentPassword", UserErrorCode.INVALID, "The current password is not right.")
    check.done()
    try:
        new_hash = await checks.run(passwords.hash_password, new)
    except Busy as busy:
        raise TryLater(busy) from None
    return await _replace_password(actor.user_id, new_hash, signer, settings)
