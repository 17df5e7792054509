"""API tokens at the endpoints beside GraphQL: an export needs READ and an import
WRITE, and both count against the token's requests per minute, shared with GraphQL."""

from __future__ import annotations

import pytest

from server import models
from tests.bearer import bearer

pytestmark = pytest.mark.date_sensitive

TEAMS = "{ teams(first: 1) { nodes { name } } }"
SPEND_HEADER = b"source,external_id,campaign_id,date,amount,currency\n"


def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.secret}"}


async def test_an_export_needs_the_read_scope(client_with):
    # given
    admin = await client_with()
    reader = await bearer(admin, ["READ"])
    writer = await bearer(admin, ["WRITE"])

    # when
    allowed = await admin.http.get("/export/risks.csv", headers=auth(reader))
    refused = await admin.http.get("/export/risks.csv", headers=auth(writer))

    # then
    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["ratelimit-remaining"].isdigit()
    assert refused.status_code == 403
    (error,) = refused.json()["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "scope": "READ"}
    assert "ratelimit-limit" in refused.headers


async def test_an_import_needs_the_write_scope_and_a_refused_one_writes_nothing(client_with):
    # given
    admin = await client_with()
    reader = await bearer(admin, ["READ"])
    writer = await bearer(admin, ["READ", "WRITE"])
    before = await models.SpendEntry.all().count()

    # when
    refused = await admin.http.post(
        "/import/spend?dryRun=true",
        content=SPEND_HEADER,
        headers={**auth(reader), "Content-Type": "text/csv"},
    )
    allowed = await admin.http.post(
        "/import/spend?dryRun=true",
        content=SPEND_HEADER,
        headers={**auth(writer), "Content-Type": "text/csv"},
    )

    # then
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN", "scope": "WRITE"}
    assert allowed.status_code != 403, allowed.text
    assert allowed.headers["ratelimit-remaining"].isdigit()
    assert await models.SpendEntry.all().count() == before


async def test_exports_and_graphql_share_the_requests_per_minute(client_with):
    # given a token allowed two requests a minute
    admin = await client_with(token_requests_per_minute=2)
    token = await bearer(admin, ["READ"])

    # when
    first = await token.post(TEAMS)
    second = await admin.http.get("/export/risks.csv", headers=auth(token))
    third = await admin.http.get("/export/risks.csv", headers=auth(token))

    # then
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert second.headers["ratelimit-remaining"] == "0"
    assert third.headers["retry-after"].isdigit()
    assert third.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
