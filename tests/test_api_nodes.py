"""Relay object identification: `node(id:)` and `nodes(ids:)` for every type."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from server.enums import ResultMetric
from server.statements import count_statements
from tests import factories

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Team { name }
    ... on User { email }
    ... on Goal { title }
    ... on KeyResult { title }
    ... on CheckIn { note }
    ... on Campaign { name }
    ... on Alignment { share }
    ... on SpendEntry { note }
    ... on ResultEntry { metric }
    ... on Task { title }
    ... on Milestone { title }
  }
}
"""

NODE_ID_ONLY = """
query NodeId($id: ID!) {
  node(id: $id) { __typename id }
}
"""

NODE_INTERFACES = """
query NodeInterfaces($id: ID!) {
  node(id: $id) {
    ... on Node { id }
    ... on Versioned { version archivedAt }
  }
}
"""

NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id }
}
"""

GOAL_LIST_IDS = """
query GoalIds {
  goals { nodes { id } }
}
"""


def encode(raw: str) -> str:
    """url-safe base64 without padding, as the API encodes IDs."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def gid(row) -> str:
    return encode(f"{type(row).__name__}:{row.pk}")


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """One row of each of the eleven node types."""
    o = SimpleNamespace()
    o.team = await factories.team(name="Growth")
    o.user = await factories.user(teams=[o.team], name="Ann", email="ann@example.com")
    o.goal = await factories.goal(o.team, title="Grow revenue")
    o.key_result = await factories.key_result(o.goal, title="ARR")
    o.check_in = await factories.check_in(o.key_result, "12", note="Up")
    o.campaign = await factories.campaign(o.team, name="Spring push")
    o.alignment = await factories.align(o.campaign, o.key_result, "0.75")
    o.spend = await factories.spend(o.campaign, "10", note="Ads")
    o.result = await factories.result(o.campaign, ResultMetric.SIGNUPS, "3")
    o.task = await factories.task(title="Write copy", campaign=o.campaign)
    o.milestone = await factories.milestone(o.team, title="Launch")
    return o


# (fixture row, GraphQL type, the field its fragment selects, expected value)
EVERY_TYPE = [
    ("team", "Team", "name", "Growth"),
    ("user", "User", "email", "ann@example.com"),
    ("goal", "Goal", "title", "Grow revenue"),
    ("key_result", "KeyResult", "title", "ARR"),
    ("check_in", "CheckIn", "note", "Up"),
    ("campaign", "Campaign", "name", "Spring push"),
    ("alignment", "Alignment", "share", Decimal("0.75")),
    ("spend", "SpendEntry", "note", "Ads"),
    ("result", "ResultEntry", "metric", "SIGNUPS"),
    ("task", "Task", "title", "Write copy"),
    ("milestone", "Milestone", "title", "Launch"),
]
EVERY_TYPE_IDS = [case[1] for case in EVERY_TYPE]


@pytest.mark.parametrize(("name", "type_name", "field", "value"), EVERY_TYPE, ids=EVERY_TYPE_IDS)
async def test_node_fetches_each_type_with_its_fragment(gql, org, name, type_name, field, value):
    # given
    row = getattr(org, name)

    # when
    data = await gql.data(NODE, {"id": gid(row)})

    # then
    node = data["node"]
    assert node["__typename"] == type_name
    assert node["id"] == gid(row)
    got = Decimal(node[field]) if isinstance(value, Decimal) else node[field]
    assert got == value
    assert set(node) == {"__typename", "id", field}


@pytest.mark.parametrize(("name", "type_name", "field", "value"), EVERY_TYPE, ids=EVERY_TYPE_IDS)
async def test_nodes_fetches_each_type(gql, org, name, type_name, field, value):
    # given
    row = getattr(org, name)

    # when
    data = await gql.data(NODES, {"ids": [gid(row)]})

    # then
    assert data["nodes"] == [{"__typename": type_name, "id": gid(row)}]


@pytest.mark.parametrize("type_name", EVERY_TYPE_IDS)
async def test_unknown_but_well_formed_id_gives_null(gql, org, type_name):
    # given
    missing = encode(f"{type_name}:999999")

    # when
    body = await gql.raw(NODE_ID_ONLY, {"id": missing})

    # then
    assert "errors" not in body
    assert body["data"] == {"node": None}


async def test_ids_are_opaque_and_not_plain_integers(gql, org):
    # when
    data = await gql.data(NODES, {"ids": [gid(org.team), gid(org.user), gid(org.goal)]})

    # then: three rows with the same database id get three distinct, non-numeric IDs
    assert org.team.pk == org.user.pk == org.goal.pk == 1
    ids = [node["id"] for node in data["nodes"]]
    assert len(set(ids)) == 3
    for global_id in ids:
        assert not global_id.isdigit()
        assert global_id != "1"
        assert "=" not in global_id


async def test_an_id_read_from_a_list_round_trips_through_node(gql, org):
    # given
    listed = await gql.data(GOAL_LIST_IDS)
    global_id = listed["goals"]["nodes"][0]["id"]

    # when
    data = await gql.data(NODE_ID_ONLY, {"id": global_id})

    # then
    assert data["node"] == {"__typename": "Goal", "id": global_id}


async def test_id_encoding_is_urlsafe_base64_of_type_and_pk(gql, org):
    # when
    data = await gql.data(NODE_ID_ONLY, {"id": gid(org.key_result)})

    # then
    global_id = data["node"]["id"]
    decoded = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    assert decoded == f"KeyResult:{org.key_result.pk}"


async def test_padded_id_is_accepted_too(gql, org):
    # given
    padded = base64.urlsafe_b64encode(f"KeyResult:{org.key_result.pk}".encode()).decode()
    assert padded.endswith("=")

    # when
    data = await gql.data(NODE_ID_ONLY, {"id": padded})

    # then: the canonical (unpadded) ID comes back
    assert data["node"] == {"__typename": "KeyResult", "id": gid(org.key_result)}


async def test_node_answers_through_node_and_versioned_interfaces(gql, org):
    # when
    data = await gql.data(NODE_INTERFACES, {"id": gid(org.campaign)})

    # then
    assert data["node"] == {"id": gid(org.campaign), "version": 1, "archivedAt": None}


async def test_node_still_fetches_an_archived_row(gql, org):
    # given
    archived_at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    await factories.archive(org.task, at=archived_at)

    # when
    data = await gql.data(NODE_INTERFACES, {"id": gid(org.task)})

    # then
    assert data["node"]["id"] == gid(org.task)
    assert datetime.fromisoformat(data["node"]["archivedAt"]) == archived_at


async def test_nodes_keeps_order_and_gives_null_for_missing(gql, org):
    # given
    ids = [
        gid(org.milestone),
        encode("Goal:999999"),
        gid(org.team),
        gid(org.goal),
        encode("Task:424242"),
        gid(org.alignment),
    ]

    # when
    body = await gql.raw(NODES, {"ids": ids})

    # then
    assert "errors" not in body
    assert body["data"]["nodes"] == [
        {"__typename": "Milestone", "id": gid(org.milestone)},
        None,
        {"__typename": "Team", "id": gid(org.team)},
        {"__typename": "Goal", "id": gid(org.goal)},
        None,
        {"__typename": "Alignment", "id": gid(org.alignment)},
    ]


async def test_nodes_repeats_a_repeated_id(gql, org):
    # when
    data = await gql.data(NODES, {"ids": [gid(org.goal), gid(org.task), gid(org.goal)]})

    # then
    assert [n["id"] for n in data["nodes"]] == [gid(org.goal), gid(org.task), gid(org.goal)]


async def test_nodes_of_an_empty_list_is_empty(gql, org):
    # when
    data = await gql.data(NODES, {"ids": []})

    # then
    assert data["nodes"] == []


async def test_nodes_accepts_exactly_one_hundred_ids(gql, org):
    # given
    ids = [gid(org.goal)] + [encode(f"Goal:{1000 + i}") for i in range(99)]

    # when
    data = await gql.data(NODES, {"ids": ids})

    # then
    assert len(data["nodes"]) == 100
    assert data["nodes"][0] == {"__typename": "Goal", "id": gid(org.goal)}
    assert data["nodes"][1:] == [None] * 99


async def test_nodes_refuses_more_than_one_hundred_ids(gql, org):
    # given
    ids = [encode(f"Goal:{i}") for i in range(1, 102)]

    # when
    error = await gql.error(NODES, {"ids": ids})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100" in error["message"]


async def test_nodes_with_one_malformed_id_is_bad_user_input(gql, org):
    # when
    error = await gql.error(NODES, {"ids": [gid(org.goal), "not an id"]})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_nodes_are_read_from_the_model_after_one_freshness_check(gql, db):
    # given: ten goals and ten tasks
    team = await factories.team()
    goals = [await factories.goal(team) for _ in range(10)]
    tasks = [await factories.task() for _ in range(10)]
    ids = [gid(row) for pair in zip(goals, tasks, strict=True) for row in pair]
    await gql.settle()

    # when
    with count_statements() as counter:
        data = await gql.data(NODES, {"ids": ids})

    # then: the read model's freshness check, which found nothing new; the user, the
    # goals and the tasks came from the model
    assert [n["id"] for n in data["nodes"]] == ids
    assert counter.count == 1, counter.statements
    assert counter.statements[0].startswith("SELECT version, tbl, row_id FROM")


async def test_unknown_id_beyond_32_bits_gives_null(gql, org):
    # given: well formed, but larger than any PostgreSQL integer key
    missing = encode("Goal:99999999999")

    # when
    body = await gql.raw(NODE_ID_ONLY, {"id": missing})

    # then
    assert "errors" not in body
    assert body["data"] == {"node": None}
