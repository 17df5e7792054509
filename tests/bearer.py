"""Speaking to /graphql with an API token, and making tokens through the API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx

from server import clock, models
from tests.graphql import GraphQLClient
from tests.pinned_time import pinned_start, suite_started

CREATE_TOKEN = """
mutation CreateToken($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) {
    secret
    apiToken { id name scopes hint createdAt expiresAt lastUsedAt revokedAt owner { name } }
    userErrors { field code message }
  }
}
"""

REVOKE_TOKEN = """
mutation RevokeToken($input: ApiTokenRevokeInput!) {
  apiTokenRevoke(input: $input) { apiToken { id revokedAt } userErrors { code message } }
}
"""

LIST_TOKENS = """
query ListTokens($userId: ID, $includeRevoked: Boolean) {
  apiTokens(userId: $userId, includeRevoked: $includeRevoked) {
    totalCount nodes { id name scopes hint lastUsedAt revokedAt owner { name } }
  }
}
"""


class BearerClient(GraphQLClient):
    """Sends every request with `Authorization: Bearer <secret>`."""

    def __init__(self, http: httpx.AsyncClient, secret: str) -> None:
        super().__init__(http, signer=None)  # type: ignore[arg-type]
        self.secret = secret

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        """The whole HTTP response (status and headers), never a server error."""
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=await self.headers()
        )
        assert response.status_code < 500, response.text
        return response


async def create_token(client: GraphQLClient, scopes: list[str], **fields: Any) -> dict[str, Any]:
    """The payload of `apiTokenCreate`, which must succeed."""
    payload = await client.mutate(
        CREATE_TOKEN, {"name": "Sync", "scopes": scopes, **fields}, "apiTokenCreate"
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def bearer(client: GraphQLClient, scopes: list[str], **fields: Any) -> BearerClient:
    """A client of the same app sending a new token of `client`'s user."""
    payload = await create_token(client, scopes, **fields)
    return BearerClient(client.http, payload["secret"])


async def last_use(token_id: int, *, after: datetime | None = None) -> datetime | None:
    """The recorded last use of a token, waiting briefly for the write made off the
    request (and, with `after`, for one later than that)."""
    for _ in range(100):
        row = await models.ApiTokenUse.filter(token_id=token_id).first()
        if row is not None and (after is None or row.used_at > after):
            return row.used_at
        await asyncio.sleep(0.02)
    row = await models.ApiTokenUse.filter(token_id=token_id).first()
    return None if row is None else row.used_at


@contextlib.contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """The server's clock moved to `moment`, then back to the suite's pinned time."""
    clock.start_at(moment)
    try:
        yield
    finally:
        clock.start_at(pinned_start(), suite_started())
