"""Sign-in mutations: `login`, `refreshToken`, `logout`, `userRevokeSessions` and
`passwordChange`. Signing in or refreshing fails only with UNAUTHENTICATED and a message
that never says which part was wrong, or with RATE_LIMITED and `retryAfter` seconds while
failed attempts back off."""

from __future__ import annotations

import strawberry

from schema.auth.types import (
    LogoutPayload,
    PasswordChangePayload,
    SessionPayload,
    UserRevokeSessionsPayload,
)
from schema.core.context import Info
from schema.core.errors import RateLimited, Unauthenticated
from schema.core.mutations import UserError, perform, target_of
from server import sessions


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None, description="The session to end; not needed with `everywhere`."
    )
    everywhere: bool = strawberry.field(
        default=False, description="End all of your sessions, on every device."
    )


@strawberry.input
class UserRevokeSessionsInput:
    user_id: strawberry.ID


@strawberry.input
class PasswordChangeInput:
    current_password: str
    new_password: str = strawberry.field(description="10 to 256 characters.")


def _session(session: sessions.Session) -> SessionPayload:
    return SessionPayload(
        access_token=session.access_token,
        access_token_expires_at=session.access_token_expires_at,
        refresh_token=session.refresh_token,
        refresh_token_expires_at=session.refresh_token_expires_at,
        user=session.user,
    )


def _revoked(
    revoked: sessions.Revoked | None, user_errors: list[UserError]
) -> UserRevokeSessionsPayload:
    return UserRevokeSessionsPayload(
        user=revoked.user if revoked else None,
        revoked_sessions=revoked.sessions if revoked else None,
        user_errors=user_errors,
    )


def _password_changed(
    session: sessions.Session | None, user_errors: list[UserError]
) -> PasswordChangePayload:
    return PasswordChangePayload(
        session=_session(session) if session else None, user_errors=user_errors
    )


@strawberry.type
class AuthMutations:
    @strawberry.mutation(
        description="Sign in with email and password; open to everyone. After repeated "
        "failures for the account or the address, attempts are refused with RATE_LIMITED "
        "and `retryAfter` seconds; at most one `login` per request."
    )
    async def login(self, info: Info, input: LoginInput) -> SessionPayload:
        context = info.context
        try:
            session = await sessions.login(
                input.email,
                input.password,
                context.client_address,
                context.signer,
                context.settings,
                context.password_checks,
            )
        except sessions.SignInRefused as refused:
            raise Unauthenticated(str(refused)) from None
        except sessions.TryLater as later:
            raise RateLimited(str(later), later.retry_after) from None
        return _session(session)

    @strawberry.mutation(
        description="Exchange a refresh token for a new session; the token stops working. "
        "Open to everyone."
    )
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> SessionPayload:
        context = info.context
        try:
            session = await sessions.refresh(input.refresh_token, context.signer, context.settings)
        except sessions.SignInRefused as refused:
            raise Unauthenticated(str(refused)) from None
        return _session(session)

    @strawberry.mutation(description="End one of your sessions, or all of them.")
    async def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        return await perform(
            info,
            LogoutPayload,
            "revoked_sessions",
            lambda actor: sessions.logout(actor, input.refresh_token, input.everywhere),
        )

    @strawberry.mutation(
        description="End every session of a user: your own, or anyone's as an administrator."
    )
    async def user_revoke_sessions(
        self, info: Info, input: UserRevokeSessionsInput
    ) -> UserRevokeSessionsPayload:
        user_id = target_of(input.user_id, "User")
        return await perform(
            info,
            _revoked,
            "revoked",
            lambda actor: sessions.revoke_sessions(actor, user_id),
        )

    @strawberry.mutation(
        description="Change your password. Every earlier session ends; the payload holds "
        "the session that replaces yours."
    )
    async def password_change(
        self, info: Info, input: PasswordChangeInput
    ) -> PasswordChangePayload:
        context = info.context
        try:
            return await perform(
                info,
                _password_changed,
                "session",
                lambda actor: sessions.change_password(
                    actor,
                    input.current_password,
                    input.new_password,
                    context.client_address,
                    context.signer,
                    context.settings,
                    context.password_checks,
                ),
            )
        except sessions.TryLater as later:
            raise RateLimited(str(later), later.retry_after) from None
