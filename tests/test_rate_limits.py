"""Per-token rate limits over HTTP: requests and query cost per minute, counted down in
the `RateLimit-*` headers of every answer to a token, refused with 429, `Retry-After`
and RATE_LIMITED at the exact boundary, and counted afresh in the next minute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schema.core import known_queries
from server import clock, models
from server.settings import SettingsError, load_settings
from tests.bearer import BearerClient, bearer, clock_at

pytestmark = pytest.mark.date_sensitive

FIVE_TEAMS = "query Five { teams(first: 5) { nodes { name } } }"
"""Costs 5 nodes: a page of five, nothing below it."""
TWO_TEAMS = "query Two { teams(first: 2) { nodes { name } } }"
ONE_TEAM = "query One { teams(first: 1) { nodes { name } } }"


def limits(response) -> dict[str, str]:
    return {
        name: response.headers[name]
        for name in (
            "ratelimit-limit",
            "ratelimit-remaining",
            "ratelimit-cost-limit",
            "ratelimit-cost-remaining",
        )
    }


async def token_of(client_with, scopes=("READ", "WRITE"), **settings) -> BearerClient:
    admin = await client_with(**settings)
    return await bearer(admin, list(scopes))


async def test_requests_count_down_and_the_one_past_the_limit_is_refused(client_with):
    # given
    token = await token_of(client_with, token_requests_per_minute=3, token_cost_per_minute=1000)

    # when
    admitted = [await token.post(FIVE_TEAMS) for _ in range(3)]
    refused = await token.post(FIVE_TEAMS)

    # then
    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert [limits(r) for r in admitted] == [
        {
            "ratelimit-limit": "3",
            "ratelimit-remaining": str(left),
            "ratelimit-cost-limit": "1000",
            "ratelimit-cost-remaining": str(cost_left),
        }
        for left, cost_left in ((2, 995), (1, 990), (0, 985))
    ]
    assert all(0 < int(r.headers["ratelimit-reset"]) <= 60 for r in admitted)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    assert limits(refused)["ratelimit-remaining"] == "0"
    assert limits(refused)["ratelimit-cost-remaining"] == "985"
    (error,) = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["measure"] == "requests per minute"
    assert (error["extensions"]["limit"], error["extensions"]["value"]) == (3, 4)
    assert error["message"].startswith(
        "This API token has made 3 requests this minute, the most allowed (3 a minute)"
    )
    assert "data" not in refused.json()


async def test_the_next_minute_counts_afresh(client_with):
    # given
    token = await token_of(client_with, token_requests_per_minute=1, token_cost_per_minute=1000)
    assert (await token.post(FIVE_TEAMS)).status_code == 200
    assert (await token.post(FIVE_TEAMS)).status_code == 429

    # when
    with clock_at(clock.now() + timedelta(seconds=60)):
        next_minute = await token.post(FIVE_TEAMS)

    # then
    assert next_minute.status_code == 200
    assert limits(next_minute)["ratelimit-remaining"] == "0"
    assert limits(next_minute)["ratelimit-cost-remaining"] == "995"


@pytest.mark.parametrize("fast_road", [True, False], ids=["known queries", "extensions"])
async def test_query_cost_is_refused_where_it_would_pass_the_limit(
    client_with, monkeypatch, fast_road
):
    # given: repeated documents take the road for known queries unless it is off
    monkeypatch.setattr(known_queries, "ENABLED", fast_road)
    token = await token_of(client_with, token_requests_per_minute=100, token_cost_per_minute=12)

    # when: 5 + 5, then 5 more would make 15
    first = await token.post(FIVE_TEAMS)
    second = await token.post(FIVE_TEAMS)
    over = await token.post(FIVE_TEAMS)
    exactly = await token.post(TWO_TEAMS)
    past = await token.post(ONE_TEAM)

    # then
    assert [r.status_code for r in (first, second, over, exactly, past)] == [
        200,
        200,
        429,
        200,
        429,
    ]
    assert first.json()["extensions"]["cost"]["nodes"] == 5
    remaining = [limits(r)["ratelimit-cost-remaining"] for r in (first, second, over, exactly)]
    assert remaining == ["7", "2", "2", "0"]
    (error,) = over.json()["errors"]
    assert error["extensions"] == {
        "code": "RATE_LIMITED",
        "measure": "cost per minute",
        "value": 15,
        "limit": 12,
        "retryAfter": int(over.headers["retry-after"]),
    }
    assert error["message"].startswith(
        "This query costs 5 nodes, and this API token has 2 of its 12 a minute left"
    )
    assert over.json().get("data") is None


async def test_a_refused_mutation_writes_nothing(client_with):
    # given
    token = await token_of(
        client_with,
        ("READ", "WRITE", "ADMIN"),
        token_requests_per_minute=100,
        token_cost_per_minute=1,
    )
    create = "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { name } } }"
    teams = await models.Team.all().count()

    # when: the payload costs nothing; a list inside it costs more than is left
    made = await token.post(create, {"input": {"name": "One"}})
    refused = await token.post(
        create.replace("team { name }", "team { name members { name } }"),
        {"input": {"name": "Two"}},
    )

    # then
    assert made.status_code == 200 and made.json()["data"]["teamCreate"]["team"]
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await models.Team.all().count() == teams + 1


async def test_each_token_has_its_own_limits_and_sessions_have_none(client_with):
    # given
    admin = await client_with(token_requests_per_minute=1, token_cost_per_minute=1000)
    one = await bearer(admin, ["READ"])
    other = await bearer(admin, ["READ"])

    # when
    answers = [await one.post(FIVE_TEAMS), await other.post(FIVE_TEAMS)]
    session = await admin.http.post(
        "/graphql", json={"query": FIVE_TEAMS}, headers=await admin.headers()
    )

    # then
    assert [r.status_code for r in answers] == [200, 200]
    assert session.status_code == 200
    assert not any(name.startswith("ratelimit") for name in session.headers)


@pytest.mark.parametrize(
    "name, value",
    [
        ("token_requests_per_minute", "0"),
        ("token_requests_per_minute", "many"),
        ("token_cost_per_minute", "-5"),
    ],
)
def test_a_bad_token_limit_stops_start_up_with_one_line(name, value):
    # when
    with pytest.raises(SettingsError) as refused:
        load_settings(env={f"THROUGHLINE_{name.upper()}": value})

    # then
    assert f"THROUGHLINE_{name.upper()}" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_token_limits_are_read_from_the_environment():
    # when
    settings = load_settings(
        env={
            "THROUGHLINE_TOKEN_REQUESTS_PER_MINUTE": "7",
            "THROUGHLINE_TOKEN_COST_PER_MINUTE": "90",
        }
    )

    # then
    assert (settings.token_limits.requests_per_minute, settings.token_limits.cost_per_minute) == (
        7,
        90,
    )
