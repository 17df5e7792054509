"""Posting GraphQL documents and refusing to time an answer that failed."""

from __future__ import annotations

import httpx


class QueryFailed(SystemExit):
    pass


async def post(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    try:
        body = response.json()
    except ValueError:
        raise QueryFailed(f"HTTP {response.status_code}: {response.text[:500]}") from None
    if response.status_code != 200 or body.get("errors"):
        raise QueryFailed(f"query failed (HTTP {response.status_code}): {str(body)[:1000]}")
    return body["data"]
