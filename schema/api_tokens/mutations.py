"""API token mutations: inputs converted to plain values for `server.writes.api_tokens`."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.api_tokens.types import ApiToken
from schema.core.context import Info
from schema.core.enums import ApiScope
from schema.core.mutations import UserError, key_of, perform, target_of
from server.enums import ApiScope as Scope
from server.writes import api_tokens


@strawberry.input(description="A new API token.")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="1 to 120 characters, to recognise it by.")
    scopes: list[ApiScope] = strawberry.field(
        description="What it may do; within what the owner's role allows, and within the "
        "scopes of the token this request is sent with, if any."
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When it stops working (within five years); null: until revoked.",
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A service account to make the token for (administrators); "
        "yourself when left out.",
    )


@strawberry.input
class ApiTokenRevokeInput:
    id: strawberry.ID


@strawberry.type(
    description="The token made, with its secret: shown this once and never again (only "
    "a digest of it is kept). Null with `userErrors` saying why not."
)
class ApiTokenCreatePayload:
    api_token: ApiToken | None
    secret: str | None = strawberry.field(
        description="Send it as `Authorization: Bearer <secret>`; keep it like a password."
    )
    user_errors: list[UserError]


@strawberry.type(description="The token as changed, or null with `userErrors` saying why not.")
class ApiTokenPayload:
    api_token: ApiToken | None
    user_errors: list[UserError]


@strawberry.type
class ApiTokenMutations:
    @strawberry.mutation(
        description="Make an API token. The answer holds its secret, which cannot be "
        "retrieved later."
    )
    async def api_token_create(
        self, info: Info, input: ApiTokenCreateInput
    ) -> ApiTokenCreatePayload:
        def payload(made: api_tokens.CreatedToken | None, user_errors: list[UserError]):
            if made is None:
                return ApiTokenCreatePayload(api_token=None, secret=None, user_errors=user_errors)
            return ApiTokenCreatePayload(api_token=made.token, secret=made.secret, user_errors=[])

        scopes = [Scope(getattr(scope, "value", scope)) for scope in input.scopes]
        owner = key_of(input.user_id, "User")
        return await perform(
            info,
            payload,
            "made",
            lambda actor: api_tokens.create_token(
                actor,
                name=input.name,
                scopes=scopes,
                expires_at=input.expires_at,
                user_id=owner,
            ),
        )

    @strawberry.mutation(
        description="Revoke a token of yours (administrators: anyone's). It stops working "
        "at once, on every server; revoking is final."
    )
    async def api_token_revoke(self, info: Info, input: ApiTokenRevokeInput) -> ApiTokenPayload:
        token_id = target_of(input.id, "ApiToken")
        return await perform(
            info,
            ApiTokenPayload,
            "api_token",
            lambda actor: api_tokens.revoke_token(actor, token_id),
        )
