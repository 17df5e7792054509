"""Root fields completed along a plan (`schema.core.planned`) answer byte for byte what
graphql-core answers field by field: the same documents are sent with planning on and
off, over HTTP, on the demo organisation."""

from __future__ import annotations

import gc
import json
from datetime import timedelta
from typing import Any

import pytest

from bench import queries
from fixtures.demo import DEMO_NAME, demo_document
from fixtures.loader import load_document
from schema.core import planned
from schema.core.ids import encode_global_id
from server import clock, models

NODES = """
query Nodes($ids: [ID!]!, $withTitle: Boolean!, $skipHealth: Boolean!) {
  nodes(ids: $ids) {
    __typename id
    ... on Goal { title @include(if: $withTitle) health @skip(if: $skipHealth)
                  owner { name } children(first: 2) { totalCount edges { cursor node { id } } } }
    ... on Campaign { name budget { amount currency } channels isAligned
                      keyResults { edges { share node { title } } } alignments { share } }
    ... on Team { name members(first: 3) { nodes { name } } }
    ...Named
  }
}
fragment Named on KeyResult { title first: progress again: progress goal { title } }
"""

RISKS = """
{ risks(first: 20) { totalCount nodes { kind severity message
    node { __typename id ... on Task { title } ... on Campaign { name } } } } }
"""

# A field error inside a list: the plan gives way and graphql-core answers it (the
# workload is non-null, so the error nulls the list item).
NESTED_ERROR = """
query Nested($ids: [ID!]!) {
  teams(first: 10) { nodes { name } }
  nodes(ids: $ids) { id ... on Team { name workload(from: "2026-03-01", to: "2026-01-01") {
    weeks { bookedHours } } } }
}
"""

# `history` reads SQL: pending work the plan leaves to graphql-core.
WITH_HISTORY = """
{ goals(first: 3) { nodes { title history(first: 2) { nodes { action } } } } }
"""


async def answer(gql, query: str, variables: dict[str, Any] | None = None) -> bytes:
    response = await gql.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=await gql.headers(),
    )
    assert response.status_code < 500, response.text
    return response.content


async def both_ways(gql, monkeypatch, query: str, variables: dict | None = None):
    await answer(gql, query, variables)  # rollups computed: both answers read them ready
    with_plan = await answer(gql, query, variables)
    monkeypatch.setattr(planned, "ENABLED", False)
    without = await answer(gql, query, variables)
    monkeypatch.setattr(planned, "ENABLED", True)
    return with_plan, without


@pytest.fixture
async def demo(db: str) -> None:
    await load_document(demo_document(clock.today()), name=DEMO_NAME)


async def some_ids() -> list[str]:
    goals = await models.Goal.all().order_by("id").limit(3)
    campaigns = await models.Campaign.all().order_by("id").limit(3)
    key_results = await models.KeyResult.all().order_by("id").limit(2)
    teams = await models.Team.all().order_by("id").limit(2)
    rows = [*goals, *campaigns, *key_results, *teams]
    return [encode_global_id(type(row).__name__, row.pk) for row in rows]


async def documents() -> list[tuple[str, dict | None]]:
    today = clock.today()
    task = await models.Task.all().order_by("id").first()
    ids = await some_ids()
    return [
        (queries.W1_NESTED, {"after": None}),
        (queries.W2_CALENDAR, {"from": str(today), "to": str(today + timedelta(days=90))}),
        (queries.W3_TRACE, {"id": encode_global_id("Task", task.pk)}),
        (queries.W5_ROLLUPS, {"start": f"{today.year}-01-01", "end": f"{today.year}-12-31"}),
        (NODES, {"ids": ids, "withTitle": True, "skipHealth": False}),
        (NODES, {"ids": ids, "withTitle": False, "skipHealth": True}),
        (RISKS, None),
        (NESTED_ERROR, {"ids": ids}),
        (WITH_HISTORY, None),
    ]


def fields_executed(monkeypatch) -> list[str]:
    """The parent type of each field graphql-core's per-field machinery runs."""
    calls: list[str] = []
    original = planned.PlannedExecution.execute_field

    def counted(self, parent_type, *args, **kwargs):
        calls.append(parent_type.name)
        return original(self, parent_type, *args, **kwargs)

    monkeypatch.setattr(planned.PlannedExecution, "execute_field", counted)
    return calls


async def test_every_document_answers_the_same_bytes_with_and_without_the_plan(
    demo, client_with, monkeypatch
):
    admin = await client_with(max_cost=10**15)
    for query, variables in await documents():
        # when
        with_plan, without = await both_ways(admin, monkeypatch, query, variables)
        # then: the same bytes, and an answer (not a refusal of the document)
        assert with_plan == without, query
        body = json.loads(with_plan)
        assert body.get("data"), body
        assert "errors" not in body or query is NESTED_ERROR, body


async def test_a_nested_error_is_graphql_cores_own(demo, gql, monkeypatch):
    # given: two goals, then a team
    ids = (await some_ids())[:2] + [encode_global_id("Team", (await models.Team.first()).pk)]
    # when
    with_plan, _ = await both_ways(gql.as_admin(), monkeypatch, NESTED_ERROR, {"ids": ids})
    # then: the error carries its path inside the list, the rest is answered
    body = json.loads(with_plan)
    [error] = body["errors"]
    assert error["path"] == ["nodes", 2, "workload"]
    assert [node and node["id"] for node in body["data"]["nodes"]] == [*ids[:2], None]
    assert body["data"]["teams"]["nodes"][0]["name"]


async def test_the_plan_resolves_nested_fields_without_graphql_cores_field_machinery(
    demo, client_with, monkeypatch
):
    # given: graphql-core's per-field entry point, counted
    calls = fields_executed(monkeypatch)
    admin = await client_with(max_cost=10**15)
    await answer(admin, queries.W1_NESTED, {"after": None})
    calls.clear()

    # when
    await answer(admin, queries.W1_NESTED, {"after": None})

    # then: only the root field went through it; without the plan, every field does
    assert calls == ["Query"]
    monkeypatch.setattr(planned, "ENABLED", False)
    await answer(admin, queries.W1_NESTED, {"after": None})
    assert len(calls) > 100


# The goals' plans are kept for every request; the owner's depends on the variable.
CONDITIONAL_OWNER = """
query Owners($withEmail: Boolean!) {
  goals(first: 3) { nodes { title owner { name email @include(if: $withEmail) } } }
}
"""


async def test_a_plan_kept_across_requests_leaves_directives_to_each_request(
    demo, client_with, monkeypatch
):
    # given: graphql-core's per-field entry point, counted
    calls = fields_executed(monkeypatch)
    admin = await client_with(max_cost=10**15)

    # when: the same document with the email included, left out, then included again
    answers = [
        json.loads(await answer(admin, CONDITIONAL_OWNER, {"withEmail": flag}))
        for flag in (True, False, True)
    ]

    # then: each answer follows its own variable, all along the plan
    owners = [[goal["owner"] for goal in each["data"]["goals"]["nodes"]] for each in answers]
    assert all("email" in owner for owner in owners[0]) and owners[0] == owners[2]
    assert owners[1] == [{"name": owner["name"]} for owner in owners[0]]
    assert calls == ["Query"] * 3
    monkeypatch.setattr(planned, "ENABLED", False)
    for flag, planned_answer in zip((True, False), answers, strict=False):
        assert json.loads(await answer(admin, CONDITIONAL_OWNER, {"withEmail": flag})) == (
            planned_answer
        )


async def test_plans_go_when_the_document_cache_lets_their_document_go(demo, client_with):
    # given: a cache of two documents
    client = (await client_with(query_cache_entries=2)).as_admin()

    # when: five documents, each planned, one after another
    for n in range(5):
        document = f"query Evicted{n} {{ teams {{ nodes {{ name }} }} }}"
        body = json.loads(await answer(client, document))
        assert body["data"]["teams"]["nodes"], body
    gc.collect()

    # then: only the plans of the two documents still cached are kept
    kept = sorted(
        operation.name.value
        for kept in planned.PLANS.values()
        if (operation := kept.operation()) is not None
        and operation.name
        and operation.name.value.startswith("Evicted")
    )
    assert kept == ["Evicted3", "Evicted4"]


GOAL_PAGE = "{ goals(first: 20) { nodes { id progress health } } }"
CHECK_IN = """mutation ($input: KeyResultCheckInInput!) {
  keyResultCheckIn(input: $input) { userErrors { message } } }"""


async def test_after_a_write_the_engine_is_computed_first_and_fields_stay_on_the_plan(
    demo, client_with, monkeypatch
):
    # given: a goal page read once, then a check-in, so the next read needs a new engine
    calls = fields_executed(monkeypatch)
    admin = await client_with(max_cost=10**15)
    before = json.loads(await answer(admin, GOAL_PAGE))
    key_result = await models.KeyResult.filter(archived_at=None).order_by("id").first()
    check_in = {
        "id": encode_global_id("KeyResult", key_result.pk),
        "version": key_result.version,
        "value": str(key_result.target_value),
    }
    written = json.loads(await answer(admin, CHECK_IN, {"input": check_in}))
    assert written["data"]["keyResultCheckIn"]["userErrors"] == []
    calls.clear()

    # when
    after = json.loads(await answer(admin, GOAL_PAGE))

    # then: the computed fields waited once, before running, and ran along the plan;
    # the answer is graphql-core's own
    assert calls == ["Query"]
    assert after != before  # the check-in moved a goal's progress
    monkeypatch.setattr(planned, "ENABLED", False)
    assert json.loads(await answer(admin, GOAL_PAGE)) == after


async def test_a_node_finds_its_type_by_its_class_without_the_type_resolver(
    demo, client_with, monkeypatch
):
    # given: Strawberry's fallback to graphql-core's type resolver, counted
    from strawberry.schema import schema_converter

    resolved: list[str] = []
    default = schema_converter.default_type_resolver

    def counted(value, info, abstract_type):
        resolved.append(type(value).__name__)
        return default(value, info, abstract_type)

    monkeypatch.setattr(schema_converter, "default_type_resolver", counted)
    admin = await client_with(max_cost=10**15)
    ids = await some_ids()
    variables = {"ids": ids, "withTitle": True, "skipHealth": False}

    await answer(admin, NODES, variables)  # rollups computed: the next answers read them
    resolved.clear()

    # when
    with_plan = await answer(admin, NODES, variables)
    along_the_plan = list(resolved)
    monkeypatch.setattr(planned, "ENABLED", False)
    without = await answer(admin, NODES, variables)

    # then: the same answer; along the plan no value went through the resolver
    assert with_plan == without
    assert along_the_plan == []
    assert sorted(set(resolved)) == ["Campaign", "Goal", "KeyResult", "Team"]
