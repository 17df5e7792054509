"""Limits on what one request may ask: each attack is refused quickly, before it runs.

Depth, aliases, tokens, selections and cost answer QUERY_TOO_COMPLEX with the measure,
the figure and the limit, before the document is validated; a batch is measured as one
request; a body too large answers 413; a batch too long answers 400; a request over its
time limit is cut off, and a write it was making is rolled back.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import pytest
from graphql import parse

from schema import build_schema, schema
from schema.core import limits
from schema.core import node as node_module
from schema.core.ids import encode_global_id
from schema.core.limits import count_tokens, measure_operation
from server import models
from server.rollups import engine
from server.settings import Limits, SettingsError, load_settings
from server.statements import count_statements
from server.writes import unit
from tests import factories
from tests.conftest import client_for
from tests.graphql import GraphQLClient
from tests.test_statement_counts import FULL_TREE

QUICKLY = 2.0  # seconds: generous for a shared machine, far below doing the work

DEEP_QUERY = "{ goals { nodes " + "{ parent " * 97 + "{ title }" + " }" * 97 + " } }"

EXPLODING_COST = """
{
  goals(first: 100) { nodes {
    keyResults(first: 100) { nodes {
      campaigns(first: 100) { nodes { name } }
    } }
  } }
}
"""

# A team overview (like GitHub's worked example of its node limit):
#   teams 10
# + goals 10 x 20 = 200,      key results 200 x 10 = 2 000, check-ins 2 000 x 5 = 10 000
# + campaigns 10 x 20 = 200,  tasks 200 x 50 = 10 000
# + members 10 x 100 (no page size given: the default page) = 1 000
# = 23 410 nodes.
TEAM_OVERVIEW = """
{
  teams(first: 10) {
    nodes {
      name
      goals(first: 20) {
        nodes { title keyResults(first: 10) { nodes { checkIns(last: 5) { nodes { value } } } } }
      }
      campaigns(first: 20) { nodes { name tasks(first: 50) { nodes { title } } } }
      members { nodes { name } }
    }
  }
}
"""
TEAM_OVERVIEW_COST = 23_410

# Hand-computed below FULL_TREE (tests/test_statement_counts.py): it may return, at
# worst, every page of every connection full. Per key result: check-ins 3, campaigns
# 100 x (1 + tasks 100 + milestones 100 + spend 100 + results 100) = 40 100, tasks 100,
# milestones 100: 40 303. Per root goal: key results 100 + 100 x 40 303 = 4 030 400;
# supporting work 15; children 100 + 100 x (4 030 400 + grandchildren 100 + 100 x
# 4 030 400) = 40 707 050 100. All: 100 + 100 x 40 711 080 515, and the rollups
# computed once (2 000), which a key result's `currentValue` reads (it may be measured).
FULL_TREE_COST = 4_071_108_053_600

VARIABLE_PAGES = """
query Pages($goals: Int = 7, $children: Int) {
  goals(first: $goals) { nodes { children(last: $children) { totalCount } } }
}
"""

FRAGMENTS = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Goal { keyResults(first: 4) { nodes { ...Reach } } }
    ... on Campaign { tasks(first: 2) { nodes { id } } }
  }
}

fragment Reach on KeyResult {
  checkIns(first: 5) { totalCount }
  campaigns(first: 2) { edges { node { alignments { share } } } }
}
"""
# nodes 3; goals' key results 3 x 4 = 12; per key result: check-ins 5, campaigns 2,
# alignments (a list, counted as the 100 a campaign may have) 2 x 100 = 200, so
# 12 x 207 = 2 484; campaigns' tasks 3 x 2 = 6. In all 3 + 12 + 2 484 + 6 = 2 505.
FRAGMENTS_COST = 2505

ALIASES_IN_A_FRAGMENT = """
{ a: goals(first: 1) { ...Titles } b: goals(first: 2) { ...Titles } }
fragment Titles on GoalConnection { nodes { first: title second: title } }
"""

TEAM_CREATE = """
mutation TeamCreate($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { id } userErrors { field code } }
}
"""

TEAM_COUNT = "{ teams { totalCount } }"
GOAL_TITLE = "query GoalTitle($id: ID!) { node(id: $id) { ... on Goal { title } } }"
GOAL_HISTORY = """query GoalHistory($id: ID!) {
  node(id: $id) { ... on Goal { title history { nodes { action } } } }
}"""
"""A read that still waits on the database: a node's history is read with SQL."""


ME_REPEATED = "{ " + "me { id } " * 745 + "}"
"""1 490 fields in 2 982 tokens: validation compares the repeated fields pairwise."""


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    """The extensions of the single error of a refused operation, which ran nothing."""
    assert body["data"] is None, body
    assert len(body["errors"]) == 1, body["errors"]
    return body["errors"][0]["extensions"]


async def timed(call: Awaitable[Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = await call
    return result, time.perf_counter() - started


def clocked(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


@pytest.fixture
def validations(monkeypatch, settings) -> list[str]:
    """The documents graphql-core is asked to validate, as Strawberry asks it (none of
    them validated before: the schema forgets the documents it has cached)."""
    build_schema(settings).documents.clear()
    module = importlib.import_module("strawberry.schema.schema")
    validate = module.validate_document
    seen: list[str] = []

    def counted(schema, document, rules):
        seen.append(document.loc.source.body)
        return validate(schema, document, rules)

    monkeypatch.setattr(module, "validate_document", counted)
    return seen


async def batch(client: GraphQLClient, *queries: str, signed_in: bool = True) -> list[dict]:
    """The results of one request holding `queries` as a batch."""
    response = await client.http.post(
        "/graphql",
        json=[{"query": query} for query in queries],
        headers=await client.headers() if signed_in else {},
    )
    assert response.status_code == 200, response.text
    return response.json()


# --- depth, aliases, tokens, cost ---------------------------------------------------------


async def test_a_hundred_levels_deep_query_is_refused_before_it_runs(gql):
    # given: the statements any request costs (signing in), without the query
    await gql.settle()
    with count_statements() as baseline:
        await gql.data("{ __typename }")

    # when
    with count_statements() as statements:
        body, seconds = await timed(gql.raw(DEEP_QUERY))

    # then
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "depth",
        "value": 100,
        "limit": 15,
    }
    assert body["errors"][0]["message"] == ("The query is nested 100 levels deep; the limit is 15.")
    assert statements.count == baseline.count
    assert seconds < QUICKLY


async def test_ten_thousand_aliases_are_refused_after_reading_the_token_limit(gql):
    # when
    body, seconds = await timed(gql.raw(aliases(10_000)))

    # then: 30 002 tokens, counted only up to one past the limit
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "tokens",
        "value": 3001,
        "limit": 3000,
    }
    assert body["errors"][0]["message"] == (
        "The document has at least 3001 tokens; the limit is 3000."
    )
    assert seconds < QUICKLY


async def test_ten_thousand_aliases_are_counted_when_tokens_allow_them(client_with):
    # given
    client = await client_with(max_tokens=100_000)
    await client.settle()  # the read model is built, so only refusing is timed

    # when
    body, seconds = await timed(client.raw(aliases(10_000)))

    # then
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "aliases",
        "value": 10_000,
        "limit": 30,
    }
    assert body["errors"][0]["message"] == "The query uses 10000 aliases; the limit is 30."
    assert seconds < QUICKLY


async def test_limits_apply_before_signing_in_and_nothing_runs_signed_out(anonymous):
    # when
    flood = await anonymous.raw(aliases(10_000))
    deep = await anonymous.raw(DEEP_QUERY)
    shallow = await anonymous.raw("{ goals { totalCount } }")

    # then: refused alike; a query within the limits ran nothing, so it reports no cost
    assert refusal(flood)["measure"] == "tokens"
    assert refusal(deep)["measure"] == "depth"
    assert refusal(shallow) == {"code": "UNAUTHENTICATED"}
    assert "extensions" not in shallow


async def test_aliases_up_to_the_limit_are_accepted_and_one_more_is_refused(gql):
    # when
    accepted = await gql.data(aliases(30))
    body = await gql.raw(aliases(31))

    # then
    assert len(accepted) == 30
    assert refusal(body)["measure"] == "aliases"
    assert refusal(body)["value"] == 31


async def test_cost_exploding_through_nested_connections_is_refused(gql):
    # when
    body, seconds = await timed(gql.raw(EXPLODING_COST))

    # then: 100 + 100 x 100 + 100 x 100 x 100
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "cost",
        "value": 1_010_100,
        "limit": 50_000,
    }
    assert body["errors"][0]["message"].startswith(
        "The query may return 1010100 nodes; the limit is 50000."
    )
    assert seconds < QUICKLY


async def test_a_large_query_within_the_limits_runs_and_reports_its_cost(gql):
    # given
    team = await factories.team(name="Growth")
    await factories.goal(team, title="Grow")

    # when
    body = await gql.raw(TEAM_OVERVIEW)

    # then
    assert "errors" not in body, body["errors"]
    assert body["data"]["teams"]["nodes"][0]["goals"]["nodes"][0]["title"] == "Grow"
    assert body["extensions"] == {"cost": {"nodes": TEAM_OVERVIEW_COST, "limit": 50_000}}


async def test_the_full_tree_is_refused_by_default_with_its_worst_case_cost(gql):
    # when
    body = await gql.raw(FULL_TREE)

    # then: depth 15 is allowed; every page full would be four trillion nodes
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "cost",
        "value": FULL_TREE_COST,
        "limit": 50_000,
    }


async def test_the_full_tree_runs_where_the_cost_limit_allows_it(settings):
    # given: a deployment that trusts its clients with whole-tree reads
    lifted = replace(settings, limits=replace(settings.limits, max_cost=FULL_TREE_COST))
    team = await factories.team()
    await factories.goal(team, title="Root")

    async with AsyncExitStack() as stack:
        client = await client_for(stack, lifted)

        # when
        body = await client.raw(FULL_TREE)

    # then
    assert "errors" not in body, body["errors"]
    assert body["data"]["goals"]["nodes"][0]["title"] == "Root"
    assert body["extensions"] == {"cost": {"nodes": FULL_TREE_COST, "limit": FULL_TREE_COST}}


async def test_page_sizes_come_from_variables_and_their_defaults(gql):
    # when: first falls back to the declared default 7, last comes from the request
    given = await gql.raw(VARIABLE_PAGES, {"children": 3})
    defaulted = await gql.raw(VARIABLE_PAGES, {})

    # then: 7 + 7 x 3, and 7 + 7 x 100 when children take the default page
    assert given["extensions"]["cost"]["nodes"] == 28
    assert defaulted["extensions"]["cost"]["nodes"] == 707


async def test_a_remembered_measure_answers_only_the_variables_it_was_measured_with(
    gql, monkeypatch
):
    # given: the document measured with three children per goal
    measured: list[dict] = []
    original = limits.measure_operation

    def counted(schema, document, operation_name=None, variables=None, read=None):
        measured.append(dict(variables or {}))
        return original(schema, document, operation_name, variables, read)

    monkeypatch.setattr(limits, "measure_operation", counted)
    document = f"# {uuid.uuid4()}\n{VARIABLE_PAGES}"  # a text new to the document cache
    first = await gql.raw(document, {"children": 3})

    # when: the same values again (an unread variable aside), then other page sizes
    again = await gql.raw(document, {"children": 3, "unread": "x"})
    other = await gql.raw(document, {"children": 5})
    defaulted = await gql.raw(document, {})

    # then: measured once per set of page sizes, each answered with its own cost
    assert [body["extensions"]["cost"]["nodes"] for body in (first, again, other, defaulted)] == [
        28,
        28,
        42,
        707,
    ]
    assert measured == [{"children": 3}, {"children": 5}, {}]


def test_measures_are_remembered_by_plain_json_values_alone():
    # given
    document = parse(VARIABLE_PAGES)
    memo: dict = {}

    def cost(variables: dict) -> int:
        return limits.remembered_measure(memo, schema._schema, document, None, variables).cost

    # then: equal values share a measure, unequal ones (1 and True) do not
    assert cost({"children": 3}) == cost({"children": 3}) == 28
    assert cost({"children": True}) == 707  # not a page size: the default
    assert cost({"children": 1}) == 14
    [(names, known)] = memo.values()
    assert names == ("children", "goals") and len(known) == 3


async def test_fragments_and_ids_are_counted_through(gql):
    # given: well-formed IDs, whatever they name
    ids = [
        encode_global_id("Goal", 1),
        encode_global_id("Campaign", 2),
        encode_global_id("Task", 3),
    ]

    # when
    body = await gql.raw(FRAGMENTS, {"ids": ids})

    # then
    assert "errors" not in body, body["errors"]
    assert body["extensions"]["cost"]["nodes"] == FRAGMENTS_COST


async def test_a_limit_set_in_the_settings_applies(client_with):
    # given
    client = await client_with(max_depth=3, max_cost=100)

    # when
    too_deep = await client.raw("{ goals(first: 1) { nodes { owner { name } } } }")
    too_costly = await client.raw(
        "{ goals(first: 60) { totalCount } teams(first: 41) { totalCount } }"
    )
    fits = await client.raw("{ goals(first: 50) { totalCount } }")

    # then
    assert refusal(too_deep) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "depth",
        "value": 4,
        "limit": 3,
    }
    assert refusal(too_costly) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "cost",
        "value": 101,
        "limit": 100,
    }
    assert fits["extensions"] == {"cost": {"nodes": 50, "limit": 100}}


def test_the_selection_and_in_flight_limits_are_read_from_the_environment():
    # when
    limits = load_settings(
        env={"THROUGHLINE_MAX_SELECTIONS": "20", "THROUGHLINE_MAX_IN_FLIGHT": "2"}
    ).limits

    # then
    assert (limits.max_selections, limits.max_in_flight) == (20, 2)
    assert (load_settings(env={}).limits.max_selections, Limits().max_in_flight) == (500, 4)
    for name in ("THROUGHLINE_MAX_SELECTIONS", "THROUGHLINE_MAX_IN_FLIGHT"):
        with pytest.raises(SettingsError, match=name):
            load_settings(env={name: "0"})


def test_exact_figures_of_operations():
    # given: a schema-only measurement, no request
    def figures(query: str, variables: dict | None = None) -> tuple[int, int, int]:
        measure = measure_operation(schema._schema, parse(query), None, variables)
        return measure.depth, measure.aliases, measure.cost

    # then
    assert figures("{ __typename }") == (1, 0, 0)
    assert figures("{ goals { totalCount } }") == (2, 0, 100)
    assert figures("{ node(id: 1) { id } }") == (2, 0, 0)
    assert figures(ALIASES_IN_A_FRAGMENT) == (3, 6, 3)
    assert figures(FRAGMENTS, {"ids": ["a", "b", "c"]}) == (8, 0, FRAGMENTS_COST)
    assert figures(FRAGMENTS, {"ids": "a"}) == (8, 0, 835)  # one ID given as a single value
    assert figures(VARIABLE_PAGES, {"goals": 2, "children": 0}) == (4, 0, 2)
    assert figures("{ goals(first: 1000) { totalCount } }") == (2, 0, 100)  # refused later
    assert figures("{ goals(first: 3, last: 2) { totalCount } }") == (2, 0, 2)
    assert figures(TEAM_OVERVIEW) == (9, 0, TEAM_OVERVIEW_COST)
    assert figures("{ nope { a: b { c { d } } } goals { totalCount } }") == (4, 1, 100)


def test_repeated_fragments_are_measured_once_each():
    # given: thirty fragments, each spreading the next twice (2^30 expansions)
    chain = [
        f"fragment F{i} on Goal {{ parent {{ ...F{i + 1} }} p: parent {{ ...F{i + 1} }} }}"
        for i in range(30)
    ]
    query = (
        "{ goals(first: 1) { nodes { ...F0 } } } "
        + " ".join(chain)
        + " fragment F30 on Goal { title }"
    )

    # when
    measure, seconds = clocked(measure_operation, schema._schema, parse(query))

    # then: each fragment has one alias more than twice the next one's
    assert measure.depth == 33
    assert measure.aliases == 2**30 - 1
    assert seconds < QUICKLY


def test_a_long_chain_of_fragments_is_measured_in_full():
    # given: two thousand fragments, each nesting the next one level deeper
    chain = " ".join(f"fragment F{i} on Goal {{ parent {{ ...F{i + 1} }} }}" for i in range(2000))
    query = "{ goals { nodes { ...F0 } } } " + chain + " fragment F2000 on Goal { title }"

    # when
    measure, seconds = clocked(measure_operation, schema._schema, parse(query))

    # then
    assert measure.depth == 2003
    assert seconds < QUICKLY


def test_fragment_cycles_end():
    # given: a cycle validation would refuse
    query = (
        "{ goals { nodes { ...A } } } "
        "fragment A on Goal { parent { ...B } } fragment B on Goal { ...A }"
    )

    # when
    measure = measure_operation(schema._schema, parse(query))

    # then
    assert measure.cost == 100


def test_token_counting_stops_past_the_limit():
    # given: 10 MB of tokens
    document = "{ " + "a " * 5_000_000 + "}"

    # when
    count, seconds = clocked(count_tokens, document, 3000)

    # then
    assert count == 3001
    assert seconds < QUICKLY
    assert count_tokens("{ goals { totalCount } }", 3000) == 6


# --- selections, and signed-out callers before validation ---------------------------------


def test_selections_count_every_field_of_the_document_as_validation_reads_it():
    # given
    def selections(query: str) -> int:
        return measure_operation(schema._schema, parse(query)).selections

    # then: each spread again, and each fragment definition once more
    assert selections("{ goals { totalCount } }") == 2
    assert selections(ME_REPEATED) == 1490
    assert selections(ALIASES_IN_A_FRAGMENT) == 2 * (1 + 3) + 3
    # every operation, not only the one to run; a fragment no operation spreads
    assert selections("query A { __typename } query B { me { id } }") == 3
    assert selections("{ __typename } fragment F on User { id name }") == 3
    # no single operation to run: the document is still counted
    assert selections("{ me { id } } { me { id } }") == 4


async def test_repeated_fields_over_the_selection_limit_are_refused_before_validation(
    gql, validations
):
    # when
    body = await gql.raw("{ " + "me { id } " * 251 + "}")

    # then
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "selections",
        "value": 502,
        "limit": 500,
    }
    assert body["errors"][0]["message"] == (
        "The query selects 502 fields (counting each spread of a fragment); the limit is 500."
    )
    assert validations == []


async def test_selections_up_to_the_limit_are_validated_and_run(gql, validations):
    # when
    data = await gql.data("{ " + "me { id } " * 250 + "}")

    # then
    assert data["me"]["id"]
    assert len(validations) == 1


async def test_a_signed_out_operation_is_refused_before_validation(anonymous, validations):
    # when
    body = await anonymous.raw("{ me { id } goals { totalCount } }")

    # then
    assert refusal(body) == {"code": "UNAUTHENTICATED"}
    assert "extensions" not in body
    assert validations == []


async def test_signing_in_is_still_validated_when_signed_out(anonymous, validations):
    # when
    error = await anonymous.error('mutation { login(input: {email: "a@b.c"}) { accessToken } }')

    # then: validation ran, and reported the missing password
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(validations) == 1


async def test_a_signed_out_batch_of_repeated_fields_is_refused_without_validating_any(
    client_with, validations
):
    # given: production mode, no token
    client = await client_with(env="production")

    # when: ten operations of 745 `me { id }` each (75 kB)
    results = await batch(client, *[ME_REPEATED] * 10, signed_in=False)

    # then: the first passes the selection limit, the others the batch's token budget
    assert [refusal(result) for result in results] == [
        {"code": "QUERY_TOO_COMPLEX", "measure": "selections", "value": 1490, "limit": 500}
    ] + [{"code": "QUERY_TOO_COMPLEX", "measure": "tokens", "value": 3001, "limit": 3000}] * 9
    assert validations == []


# --- one budget per request ---------------------------------------------------------------

TOKENS_1500 = (
    "{ campaigns(first: 1, filter: {statuses: [" + "ACTIVE " * 1484 + "]}) { totalCount } }"
)
"""1 503 tokens, two fields."""

COST_20_100 = (
    "{ goals(first: 100) { nodes { children(first: 100) { totalCount } "
    "keyResults(first: 100) { totalCount } } } }"
)
PROGRESS_OF_ONE_GOAL = "{ goals(first: 1) { nodes { progress } } }"


async def test_the_operations_of_a_batch_share_one_token_budget(gql):
    # when
    first, second = await batch(gql, TOKENS_1500, TOKENS_1500)

    # then: counting stopped one past the budget
    assert first["data"] == {"campaigns": {"totalCount": 0}}
    assert refusal(second) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "tokens",
        "value": 3001,
        "limit": 3000,
    }
    assert second["errors"][0]["message"] == (
        "The batch's documents have at least 3001 tokens; the limit is 3000."
    )


async def test_the_operations_of_a_batch_share_one_selection_budget(gql, validations):
    # given: 300 fields each
    query = "{ me { " + "id " * 299 + "} }"

    # when
    first, second = await batch(gql, query, query)

    # then: the second is refused before validation
    assert "errors" not in first
    assert refusal(second) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "selections",
        "value": 600,
        "limit": 500,
    }
    assert len(validations) == 1
    assert second["errors"][0]["message"].startswith("The batch's operations select 600 fields")


async def test_the_operations_of_a_batch_share_one_cost_budget(gql):
    # when
    results = await batch(gql, COST_20_100, COST_20_100, COST_20_100)

    # then
    assert [result["extensions"]["cost"] for result in results[:2]] == [
        {"nodes": 20_100, "limit": 50_000}
    ] * 2
    assert refusal(results[2]) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "cost",
        "value": 60_300,
        "limit": 50_000,
    }
    assert results[2]["errors"][0]["message"].startswith(
        "The batch's operations may return 60300 nodes; the limit is 50000."
    )


async def test_the_organisation_rollups_are_counted_once_per_request(gql):
    # when
    results = await batch(gql, PROGRESS_OF_ONE_GOAL, PROGRESS_OF_ONE_GOAL)

    # then: the goal, and the rollups the request computes once
    assert [result["extensions"]["cost"]["nodes"] for result in results] == [1 + 2000, 1]


# --- body size and batches ----------------------------------------------------------------


async def test_a_body_twice_the_limit_is_refused_with_413_without_being_read(gql, settings):
    # given: the limit leaves room for an uploaded calendar at the import limit
    limit = settings.max_request_bytes
    assert limit == 2_000_000 * 6 + 65_536
    body = b'{"query": "{ __typename }", "variables": {"pad": "' + b"x" * 2 * limit + b'"}}'

    # when
    response, seconds = await timed(
        gql.http.post(
            "/graphql",
            content=body,
            headers={"content-type": "application/json", **(await gql.headers())},
        )
    )

    # then
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": f"The request body is larger than {limit} bytes.",
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "measure": "bytes",
                    "value": len(body),
                    "limit": limit,
                },
            }
        ]
    }
    assert seconds < QUICKLY


async def test_a_streamed_body_is_cut_off_once_past_the_limit(gql, settings):
    # given: twice the limit in 64 kB chunks, without a Content-Length
    chunk = b"x" * 65_536
    needed = settings.max_request_bytes // len(chunk) + 1
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(2 * needed):
            sent += 1
            yield chunk

    # when
    response = await gql.http.post(
        "/graphql",
        content=chunks(),
        headers={"content-type": "application/json", **(await gql.headers())},
    )

    # then: refused at the first chunk past the limit, the rest never read
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["measure"] == "bytes"
    assert error["extensions"]["value"] == needed * 65_536
    assert sent < needed + 4


async def test_a_batch_runs_up_to_ten_operations(gql):
    # when
    response = await gql.http.post(
        "/graphql",
        json=[{"query": "{ goals { totalCount } }"}] * 10,
        headers=await gql.headers(),
    )

    # then
    assert response.status_code == 200
    assert (
        response.json()
        == [
            {
                "data": {"goals": {"totalCount": 0}},
                "extensions": {"cost": {"nodes": 100, "limit": 50_000}},
            }
        ]
        * 10
    )


async def test_an_eleven_operation_batch_is_refused(gql):
    # when
    response, seconds = await timed(
        gql.http.post(
            "/graphql",
            json=[{"query": "{ __typename }"}] * 11,
            headers=await gql.headers(),
        )
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "A batch may hold at most 10 operations; this one holds 11.",
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "measure": "operations",
                    "value": 11,
                    "limit": 10,
                },
            }
        ]
    }
    assert seconds < QUICKLY


@pytest.mark.parametrize(
    "batch",
    [[], [{"query": 5}], [{"query": "{ __typename }", "variables": "x"}], [{"query": "{ a }"}, 5]],
    ids=["empty", "query not a string", "variables not an object", "not an object"],
)
async def test_a_malformed_batch_is_a_client_error(gql, batch):
    # when
    response = await gql.http.post("/graphql", json=batch, headers=await gql.headers())

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- time limit ---------------------------------------------------------------------------


@pytest.fixture
def slow_history(monkeypatch):
    """Reading history stalls (the database is slow)."""

    async def crawl(keys):
        await asyncio.sleep(30)

    monkeypatch.setattr(node_module, "history_by_node", crawl)


async def test_a_slow_request_is_cut_off_at_the_time_limit(client_with, slow_history):
    # given
    client = await client_with(request_seconds=0.3)
    goal = await factories.goal(await factories.team())

    # when
    body, seconds = await timed(client.raw(GOAL_HISTORY, {"id": encode_global_id("Goal", goal.pk)}))

    # then
    extensions = refusal(body)
    assert extensions["code"] == "QUERY_TOO_COMPLEX"
    assert extensions["measure"] == "seconds"
    assert extensions["limit"] == 0.3
    assert 0.3 <= extensions["value"] < QUICKLY
    assert body["errors"][0]["message"].startswith(
        "The request ran for more than 0.3 seconds and was stopped"
    )
    assert seconds < QUICKLY


async def test_a_write_cut_off_by_the_time_limit_is_rolled_back(client_with, monkeypatch):
    # given: creating a team stalls after its row and history are written
    client = await client_with(request_seconds=0.3)
    record = unit.record

    async def record_then_stall(*args, **kwargs):
        await record(*args, **kwargs)
        await asyncio.sleep(30)

    monkeypatch.setattr(unit, "record", record_then_stall)
    await client.signed_in_user()
    history_before = await models.HistoryEntry.all().count()

    # when
    body, seconds = await timed(client.raw(TEAM_CREATE, {"input": {"name": "Stalled"}}))

    # then: refused in time, and neither the team nor its history entry remains
    assert refusal(body)["measure"] == "seconds"
    assert seconds < QUICKLY
    monkeypatch.setattr(unit, "record", record)
    assert await client.data(TEAM_COUNT) == {"teams": {"totalCount": 0}}
    assert await models.Team.filter(name="Stalled").count() == 0
    assert await models.HistoryEntry.all().count() == history_before


# --- heavy computations and the event loop ------------------------------------------------

RISK_COUNT = "{ risks(first: 1) { totalCount } }"


class HeavyRisks:
    """A risk rule that records when it starts and ends, and in between waits until the
    test releases it. Ten seconds end the wait in any case: only a computation holding
    the event loop, which the test could not release, ever reaches them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.events: list[str] = []
        self.started = asyncio.Event()
        self.released = threading.Event()
        self.finished = threading.Event()

    def rule(self, rollups: Any) -> list:
        self.events.append("heavy started")
        self.loop.call_soon_threadsafe(self.started.set)
        self.released.wait(timeout=10)
        self.events.append("heavy finished")
        self.finished.set()
        return []


@pytest.fixture
async def heavy_risks(monkeypatch) -> AsyncIterator[HeavyRisks]:
    heavy = HeavyRisks(asyncio.get_running_loop())
    monkeypatch.setattr(engine, "RULES", (*engine.RULES, heavy.rule))
    yield heavy
    heavy.released.set()
    heavy.finished.wait(timeout=10)


async def test_other_requests_are_answered_while_risks_are_computed(gql, heavy_risks):
    # given: a request computing the organisation's risks
    await gql.signed_in_user()
    computing = asyncio.create_task(gql.raw(RISK_COUNT))
    await heavy_risks.started.wait()

    # when
    health = await gql.http.get("/healthz")
    light = await gql.data("{ me { name } }")
    heavy_risks.events.append("light answered")
    heavy_risks.released.set()
    heavy = await computing

    # then: answered before the computation ended
    assert heavy_risks.events == ["heavy started", "light answered", "heavy finished"]
    assert health.json()["status"] == "ok"
    assert light == {"me": {"name": "Test Admin"}}
    assert heavy["data"] == {"risks": {"totalCount": 0}}


async def test_the_time_limit_stops_a_request_while_risks_are_computed(client_with, heavy_risks):
    # given
    client = await client_with(request_seconds=0.3)

    # when
    body = await client.raw(RISK_COUNT)
    heavy_risks.events.append("answered")

    # then: refused while the computation still ran
    assert refusal(body)["measure"] == "seconds"
    assert heavy_risks.events == ["heavy started", "answered"]
