"""GraphQL type of API tokens.

A token is private to its owner and administrators: it is reached through `apiTokens`
and the token mutations, not through `node(id:)`. Its secret is never shown again
after `apiTokenCreate`; `hint` tells tokens apart without opening anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.edges import to_one
from schema.core.enums import ApiScope
from schema.core.node import Node
from schema.core.refs import UserRef
from schema.feeds.types import private_node
from schema.org.loaders import UserByIdLoader
from server import models
from server.api_tokens import scopes


async def _last_uses(token_ids: list[int]) -> list[datetime | None]:
    rows = await models.ApiTokenUse.filter(token_id__in=token_ids).values_list(
        "token_id", "used_at"
    )
    found = dict(rows)
    return [found.get(token_id) for token_id in token_ids]


@strawberry.type(
    description="A personal access token, or a service account's token. Sent as "
    "`Authorization: Bearer <secret>`, it acts as its owner, within its scopes and the "
    "owner's current role."
)
@private_node(models.ApiToken)
class ApiToken(Node):
    name: str
    hint: str = strawberry.field(
        description="The secret's prefix and last four characters, to recognise it by."
    )
    created_at: datetime
    expires_at: datetime | None = strawberry.field(
        description="When it stops working; null: it works until revoked."
    )
    owner = to_one(UserByIdLoader, "user_id", UserRef, "Whom the token acts as.")

    @strawberry.field(description="What the token may do.")
    def scopes(root: strawberry.Parent[Any]) -> list[ApiScope]:
        return scopes.listed(scopes.parse(root.scopes))  # type: ignore[return-value]

    @strawberry.field(description="When it was revoked; a revoked token signs no one in.")
    def revoked_at(root: strawberry.Parent[Any]) -> datetime | None:
        return root.archived_at

    @strawberry.field(
        description="When it was last used, recorded at most once a minute (so up to a "
        "minute behind); null if never."
    )
    async def last_used_at(root: strawberry.Parent[Any], info: Info) -> datetime | None:
        return await info.context.loaders.data_loader(_last_uses).load(root.pk)
