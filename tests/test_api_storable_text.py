"""Strings no database can store (NUL, lone surrogates) are refused with BAD_USER_INPUT
naming where they were, before anything runs, wherever they are in an operation.

On PostgreSQL each of these once reached a query and answered INTERNAL_SERVER_ERROR."""

from __future__ import annotations

import json

import graphql
import httpx
import pytest

from schema.core.ids import encode_global_id
from schema.core.storable_text import first_unstorable
from tests import factories
from tests.graphql import GraphQLClient
from tests.property_support import write_fingerprint

NUL = "a\x00b"
SURROGATE = "a\ud800b"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken }
}
"""

SEARCHES = ["goals", "keyResults", "campaigns", "tasks", "milestones", "teams", "users"]

FEED_CREATE = """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) { calendarFeed { id } userErrors { field code } }
}
"""

CALENDAR_BY_AUDIENCE = """
query Calendar($audiences: [String!]) {
  calendar(from: "2026-01-01", to: "2026-01-31", filter: {audiences: $audiences}) {
    entries(first: 5) { totalCount }
  }
}
"""

GOAL_CREATE = """
mutation Create($input: GoalCreateInput!) {
  goalCreate(input: $input) { goal { id } userErrors { field code } }
}
"""


async def post(client: GraphQLClient, body: dict) -> dict:
    """Posted as ASCII JSON, so a lone surrogate travels as the escape `\\ud800`."""
    headers = await client.headers() | {"content-type": "application/json"}
    response = await client.http.post("/graphql", content=json.dumps(body), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def refusal(body: dict) -> dict:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["NUL", "lone surrogate"])
async def test_unstorable_login_email_is_bad_user_input(anonymous: GraphQLClient, bad):
    # when
    body = await post(
        anonymous, {"query": LOGIN, "variables": {"input": {"email": bad, "password": "x"}}}
    )

    # then
    assert refusal(body)["extensions"]["argument"] == "$input.email"


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["NUL", "lone surrogate"])
@pytest.mark.parametrize("field", SEARCHES)
async def test_unstorable_search_in_a_variable_is_bad_user_input(gql: GraphQLClient, field, bad):
    # given
    query = f"query Search($s: String) {{ {field}(filter: {{search: $s}}) {{ totalCount }} }}"

    # when
    body = await post(gql, {"query": query, "variables": {"s": bad}})

    # then
    assert refusal(body)["extensions"]["argument"] == "$s"


@pytest.mark.parametrize("field", SEARCHES)
async def test_nul_in_a_search_literal_is_bad_user_input(gql: GraphQLClient, field):
    # given
    query = f'{{ {field}(filter: {{search: "a\\u0000b"}}) {{ totalCount }} }}'

    # when
    body = await post(gql, {"query": query})

    # then
    assert refusal(body)["extensions"]["argument"] == f"{field}.filter.search"


async def test_nul_in_a_feed_audience_is_bad_user_input_and_writes_nothing(gql: GraphQLClient):
    # given
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    input = {"name": "Feed", "filter": {"audiences": ["SMB", NUL]}}

    # when
    body = await post(gql, {"query": FEED_CREATE, "variables": {"input": input}})

    # then
    assert refusal(body)["extensions"]["argument"] == "$input.filter.audiences[1]"
    assert await write_fingerprint(admin.pk) == before


async def test_nul_in_a_calendar_audience_is_bad_user_input(gql: GraphQLClient):
    # when
    body = await post(gql, {"query": CALENDAR_BY_AUDIENCE, "variables": {"audiences": [NUL]}})

    # then
    assert refusal(body)["extensions"]["argument"] == "$audiences[0]"


async def test_nul_in_a_written_title_writes_nothing(gql: GraphQLClient):
    # given
    team = await factories.team()
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    input = {
        "title": NUL,
        "ownerTeamId": encode_global_id("Team", team.pk),
        "periodStart": "2026-01-01",
        "periodEnd": "2026-12-31",
    }

    # when
    body = await post(gql, {"query": GOAL_CREATE, "variables": {"input": input}})

    # then
    assert refusal(body)["extensions"]["argument"] == "$input.title"
    assert await write_fingerprint(admin.pk) == before


async def test_unused_variables_and_keys_are_checked_too(gql: GraphQLClient):
    # when
    unused = await post(gql, {"query": "{ __typename }", "variables": {"x": {"y": [SURROGATE]}}})
    key = await post(gql, {"query": "{ __typename }", "variables": {"x": {NUL: 1}}})

    # then
    assert refusal(unused)["extensions"]["argument"] == "$x.y[0]"
    assert refusal(key)["extensions"]["argument"] == f"$x.{NUL}"


async def test_a_variable_default_is_checked(gql: GraphQLClient):
    # given
    query = 'query Search($s: String = "\\u0000") { goals(filter: {search: $s}) { totalCount } }'

    # when
    body = await post(gql, {"query": query})

    # then
    assert refusal(body)["extensions"]["argument"] == "$s"


async def test_the_refusal_is_valid_utf8_json(http: httpx.AsyncClient, db):
    # given
    body = json.dumps({"query": LOGIN, "variables": {"input": {"email": SURROGATE, "password": 1}}})

    # when
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    # then: the message names the place, never the value
    response.content.decode("utf-8")
    assert "\\ud800" not in response.text
    assert refusal(response.json())["message"].startswith("`$input.email` contains a lone")


def test_paths_name_aliases_fragments_and_list_items():
    # given
    document = graphql.parse(
        """
        query { mine: goals(filter: {search: "ok", teams: ["a", "b\\u0000"]}) { totalCount } }
        fragment F on Query { tasks(filter: {search: "\\u0000"}) { totalCount } }
        """
    )

    # when
    error = first_unstorable(None, document)
    fragment_only = first_unstorable(
        None,
        graphql.parse('fragment F on Query { tasks(filter: {search: "\\u0000"}) { totalCount } }'),
    )

    # then
    assert error.extensions["argument"] == "mine.filter.teams[1]"
    assert fragment_only.extensions["argument"] == "...F.tasks.filter.search"


def test_a_clean_operation_passes():
    # given
    document = graphql.parse('{ goals(filter: {search: "Zürich \\n 🚀"}) { totalCount } }')

    # then
    assert first_unstorable({"a": ["x", {"b": "y\tz"}], "n": 1, "z": None}, document) is None
