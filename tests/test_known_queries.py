"""A known query answered without the extension machinery (`schema.core.known_queries`)
answers byte for byte what the extensions answer, refuses nothing they would let
through and lets through nothing they would refuse; anything that does not end well
is left to them, with the request's budget as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fixtures.demo import DEMO_NAME, demo_document
from fixtures.loader import load_document
from schema.core import known_queries, limits
from schema.core.ids import encode_global_id
from server import clock, models

TEAMS = "query Teams($first: Int!) { teams(first: $first) { totalCount nodes { id name } } }"
GOALS = "{ goals(first: 5) { nodes { id title progress health } } }"
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Goal { title } } }"
# `workload` refuses a reversed range: an error inside an answer.
FAILING = """query Failing($id: ID!) { node(id: $id) { ... on Team {
  workload(from: "2026-03-01", to: "2026-01-01") { weeks { bookedHours } } } } }"""
RENAME = """mutation Rename($input: TeamUpdateInput!) {
  teamUpdate(input: $input) { team { name } userErrors { code } } }"""


@pytest.fixture
async def demo(db: str) -> None:
    await load_document(demo_document(clock.today()), name=DEMO_NAME)


async def post(client, body: Any, signed_in: bool = True) -> tuple[int, bytes]:
    headers = await client.headers() if signed_in else {}
    response = await client.http.post("/graphql", json=body, headers=headers)
    assert response.status_code < 500, response.text
    return response.status_code, response.content


async def both_roads(client, monkeypatch, body: Any, signed_in: bool = True):
    await post(client, body, signed_in)  # the document is now known and validated
    known = await post(client, body, signed_in)
    monkeypatch.setattr(known_queries, "ENABLED", False)
    extensions = await post(client, body, signed_in)
    monkeypatch.setattr(known_queries, "ENABLED", True)
    return known, extensions


def hooks_counted(monkeypatch) -> list[str]:
    """Each time the limits extension validates an operation."""
    calls: list[str] = []
    original = limits.QueryLimits.on_validate

    def counted(self):
        calls.append(self.execution_context.operation_name or "")
        yield from original(self)

    monkeypatch.setattr(limits.QueryLimits, "on_validate", counted)
    return calls


async def ids() -> tuple[str, str]:
    goal = await models.Goal.all().order_by("id").first()
    team = await models.Team.all().order_by("id").first()
    return encode_global_id("Goal", goal.pk), encode_global_id("Team", team.pk)


async def test_both_roads_answer_the_same_bytes(demo, gql, monkeypatch):
    goal, team = await ids()
    admin = gql.as_admin()
    bodies: list[tuple[Any, bool]] = [
        ({"query": TEAMS, "variables": {"first": 3}}, True),
        ({"query": GOALS}, True),
        ({"query": NODE, "variables": {"id": goal}}, True),
        ({"query": NODE, "variables": {"id": "not an id"}}, True),
        ({"query": FAILING, "variables": {"id": team}}, True),
        ({"query": TEAMS, "variables": {"first": 3}}, False),  # signed out
        ({"query": TEAMS, "variables": {"first": "three"}}, True),  # a bad variable
        ({"query": TEAMS, "variables": {"first": 10**6}}, True),  # over the cost
        ({"query": NODE, "variables": {"id": "a\x00b"}}, True),  # unstorable text
        ([{"query": GOALS}, {"query": TEAMS, "variables": {"first": 2}}], True),
    ]
    for body, signed_in in bodies:
        # when
        known, extensions = await both_roads(admin, monkeypatch, body, signed_in)
        # then
        assert known == extensions, body


async def test_a_known_valid_query_skips_the_extensions_and_reports_its_cost(
    demo, gql, monkeypatch
):
    # given: the document answered once
    admin = gql.as_admin()
    body = {"query": TEAMS, "variables": {"first": 3}, "operationName": "Teams"}
    await post(admin, body)
    calls = hooks_counted(monkeypatch)

    # when
    status, content = await post(admin, body)

    # then: answered, with its cost, and no extension measured it
    answer = json.loads(content)
    assert status == 200 and len(answer["data"]["teams"]["nodes"]) == 3
    assert answer["extensions"]["cost"]["nodes"] == 3
    assert calls == []


async def test_mutations_refusals_and_errors_take_the_extensions_road(
    demo, client_with, monkeypatch
):
    # given: every document known
    _, team = await ids()
    admin = (await client_with(max_cost=50)).as_admin()
    rename = {"query": RENAME, "operationName": "Rename",
              "variables": {"input": {"id": team, "name": "Renamed"}}}  # fmt: skip
    over = {"query": TEAMS, "operationName": "Teams", "variables": {"first": 60}}
    failing = {"query": FAILING, "operationName": "Failing", "variables": {"id": team}}
    for body in (rename, over, failing):
        await post(admin, body)
    calls = hooks_counted(monkeypatch)

    # when
    for body in (rename, over, failing):
        await post(admin, body)

    # then: the extensions measured each one (the failing query after the known road
    # gave way)
    assert calls == ["Rename", "Teams", "Failing"]


async def test_an_operation_given_up_leaves_the_batch_budget_as_it_was(
    demo, client_with, monkeypatch
):
    # given: what a failing query and a page of teams cost alone
    _, team = await ids()
    failing = {"query": FAILING, "variables": {"id": team}}
    teams = {"query": TEAMS, "variables": {"first": 4}}
    probe = (await client_with()).as_admin()
    costs = []
    for body in (failing, teams):
        _, content = await post(probe, body)
        costs.append(json.loads(content)["extensions"]["cost"]["nodes"])
    # a limit the two fit exactly: counting the failing query twice would refuse one
    admin = (await client_with(max_cost=sum(costs))).as_admin()

    # when
    known, extensions = await both_roads(admin, monkeypatch, [failing, teams])

    # then
    assert known == extensions
    second = json.loads(known[1])[1]
    assert "errors" not in second and len(second["data"]["teams"]["nodes"]) == 4
