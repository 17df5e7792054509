"""Root query for the signed-in user."""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.refs import UserRef


@strawberry.type
class AuthQueries:
    @strawberry.field(description="The signed-in user.")
    def me(self, info: Info) -> UserRef | None:
        signed_in = info.context.signed_in
        return signed_in.user if signed_in else None
