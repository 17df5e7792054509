"""Root query listing API tokens: the caller's own, or a service account's for an
administrator."""

from __future__ import annotations

import strawberry

from schema.api_tokens.types import ApiToken
from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.errors import Forbidden
from schema.core.mutations import key_of, require_actor
from schema.core.root_lists import root_connection
from server import models
from server.listing import BY_NAME


@strawberry.type
class ApiTokenQueries:
    @strawberry.field(
        description="Your API tokens by name (revoked ones only when asked). "
        "Administrators may name another user (a service account) with `userId`. "
        "Secrets are never listed. Cursor pagination."
    )
    async def api_tokens(
        self,
        info: Info,
        user_id: strawberry.ID | None = None,
        include_revoked: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ApiToken]:
        actor = require_actor(info)
        owner = actor.user_id if user_id is None else key_of(user_id, "User") or 0
        if owner != actor.user_id and not actor.is_admin:
            raise Forbidden("Only an administrator may list another user's API tokens.")
        queryset = models.ApiToken.filter(user_id=owner)
        if not include_revoked:
            queryset = queryset.filter(archived_at__isnull=True)
        return await root_connection(info, queryset, BY_NAME, first, after, last, before)
