"""Signing in and out: sessions made of a short-lived access token and a refresh token.

A session is a family of refresh tokens. Refreshing marks the presented token used and
issues its successor in the same family; presenting a used token again means someone
kept a copy, so the whole family is revoked. Each operation writes in one transaction;
password hashing (slow on purpose) runs in a thread before it, never inside it.

Setting a password and ending all of a user's sessions are recorded in the user's
history (PASSWORD_SET, SESSIONS_REVOKED, with the live sessions before and after);
signing in, refreshing and ending a single session are routine and are not.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from server import clock, models, passwords
from server.enums import HistoryAction
from server.history import record
from server.permissions import Actor, require_admin
from server.settings import Settings
from server.tokens import TokenSigner, digest, new_refresh_token
from server.writes.checks import Checker
from server.writes.errors import Invalid, Missing, UserError, UserErrorCode
from server.writes.unit import transactional

MAX_EMAIL_LENGTH = 254
LOGIN_REFUSED = "Incorrect email or password."
REFRESH_REFUSED = "The refresh token is not valid (any more); sign in again."


class SignInRefused(Exception):
    """Signing in or refreshing failed; the message says nothing about why."""


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
    access = signer.issue(user.pk)
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


async def _revoke_recorded(
    user: models.User, actor_id: int | None, action: HistoryAction, family: str | None = None
) -> int:
    before = await _live_sessions(user.pk)
    ended = await _revoke(user.pk, family)
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


async def login(email: str, password: str, signer: TokenSigner, settings: Settings) -> Session:
    """A new session for the live user with this email and password, else `SignInRefused`."""
    if not 0 < len(email) <= MAX_EMAIL_LENGTH or not 0 < len(password) <= passwords.MAX_LENGTH:
        raise SignInRefused(LOGIN_REFUSED)
    user = await models.User.filter(email_key=normalised_email(email)).first()
    usable = user is not None and user.archived_at is None and user.password_hash
    stored = user.password_hash if usable else None
    if not await asyncio.to_thread(passwords.verify, stored, password):
        raise SignInRefused(LOGIN_REFUSED)
    new_hash = None
    if passwords.needs_rehash(stored):
        new_hash = await asyncio.to_thread(passwords.hash_password, password)
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
    actor: Actor, current: str, new: str, signer: TokenSigner, settings: Settings
) -> Session:
    """Change the actor's own password. Every earlier session ends; the returned one
    replaces the caller's."""
    check = Checker()
    problem = passwords.problem_with(new)
    if problem is not None:
        code = UserErrorCode.TOO_LONG if len(new) > passwords.MAX_LENGTH else UserErrorCode.INVALID
        check.fail("newPassword", code, problem)
    elif new == current:
        check.fail("newPassword", UserErrorCode.INVALID, "Choose a password you have not used.")
    stored = await models.User.filter(id=actor.user_id).values_list("password_hash", flat=True)
    current_hash = stored[0] if stored else None
    if len(current) > passwords.MAX_LENGTH or not await asyncio.to_thread(
        passwords.verify, current_hash, current
    ):
        check.fail("currentPassword", UserErrorCode.INVALID, "The current password is not right.")
    check.done()
    new_hash = await asyncio.to_thread(passwords.hash_password, new)
    return await _replace_password(actor.user_id, new_hash, signer, settings)
