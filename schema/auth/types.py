"""GraphQL types of signing in: the session a sign-in or refresh hands out."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.core.mutations import UserError
from schema.core.refs import UserRef


@strawberry.type(
    description="A signed-in session. Send `Authorization: Bearer <accessToken>` with every "
    "request; before it expires, exchange `refreshToken` for a new session with "
    "`refreshToken` (each refresh token works once)."
)
class SessionPayload:
    access_token: str = strawberry.field(description="A signed JWT, valid until the time below.")
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(
        description="Keep it secret: it opens new sessions until it is used, revoked or expires."
    )
    refresh_token_expires_at: datetime
    user: UserRef = strawberry.field(description="The signed-in user.")


@strawberry.type(description="The result of `logout`.")
class LogoutPayload:
    revoked_sessions: int | None = strawberry.field(
        description="How many sessions ended (null when refused)."
    )
    user_errors: list[UserError]


@strawberry.type(description="The result of `userRevokeSessions`.")
class UserRevokeSessionsPayload:
    user: UserRef | None
    revoked_sessions: int | None = strawberry.field(
        description="How many sessions ended (null when refused)."
    )
    user_errors: list[UserError]


@strawberry.type(description="The result of `passwordChange`.")
class PasswordChangePayload:
    session: SessionPayload | None = strawberry.field(
        description="A new session replacing every earlier one (null when refused)."
    )
    user_errors: list[UserError]
