"""Relay cursor pagination: a root list, nested edges and a goal's supporting work.

Every behaviour is checked on four connections built over five known items:
`teams` (a root list, paged in SQL), `goal.children` and `campaign.tasks` (edges,
paged in memory over batched rows) and `goal.supportingWork.tasks` (an edge over IDs
found by a recursive query).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.models import Model

from schema.core import root_lists
from schema.core.connection import encode_cursor
from schema.core.ids import encode_global_id
from server import models
from server.listing import BY_NAME
from tests import factories
from tests.graphql import GraphQLClient

PAGE_ARGS = "first: $first, after: $after, last: $last, before: $before"
PAGE_VARS = "$first: Int, $after: String, $last: Int, $before: String"
PAGE_FIELDS = """
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id label: %s } }
  nodes { id label: %s }
"""

TEAMS_PAGE = f"""
query Page({PAGE_VARS}) {{
  teams({PAGE_ARGS}) {{ {PAGE_FIELDS % ("name", "name")} }}
}}
"""

GOAL_CHILDREN_PAGE = f"""
query Page($id: ID!, {PAGE_VARS}) {{
  node(id: $id) {{
    ... on Goal {{ children({PAGE_ARGS}) {{ {PAGE_FIELDS % ("title", "title")} }} }}
  }}
}}
"""

CAMPAIGN_TASKS_PAGE = f"""
query Page($id: ID!, {PAGE_VARS}) {{
  node(id: $id) {{
    ... on Campaign {{ tasks({PAGE_ARGS}) {{ {PAGE_FIELDS % ("title", "title")} }} }}
  }}
}}
"""

SUPPORTING_TASKS_PAGE = f"""
query Page($id: ID!, {PAGE_VARS}) {{
  node(id: $id) {{
    ... on Goal {{
      supportingWork {{ tasks({PAGE_ARGS}) {{ {PAGE_FIELDS % ("title", "title")} }} }}
    }}
  }}
}}
"""

FIRST_CHILD_OF_EACH_GOAL = """
query {
  goals(filter: {rootsOnly: true}) {
    nodes { title children(first: 1) { totalCount nodes { title } } }
  }
}
"""

FIVE = ["Item 1", "Item 2", "Item 3", "Item 4", "Item 5"]


def gid(row: Model) -> str:
    return encode_global_id(type(row).__name__, row.pk)


# --- the four connections, each with five items, none, or 105 -----------------------------


async def _teams_setup(count: int) -> dict[str, Any]:
    if count > 5:
        await models.Team.bulk_create([models.Team(name=f"Item {n:03}") for n in range(count)])
        return {}
    for name in reversed(FIVE[:count]):
        await factories.team(name=name)
    await _archived(await factories.team(name="Item 0"))
    return {}


async def _goal_children_setup(count: int) -> dict[str, Any]:
    team = await factories.team()
    parent = await factories.goal(team, title="Parent")
    other = await factories.goal(team, title="Other parent")
    await factories.goal(team, parent=other, title="Not a child")
    if count > 5:
        await models.Goal.bulk_create(
            [
                models.Goal(
                    title=f"Item {n:03}",
                    parent=parent,
                    owner_team=team,
                    period_start=factories.YEAR_START,
                    period_end=factories.YEAR_END,
                )
                for n in range(count)
            ]
        )
        return {"id": gid(parent)}
    for title in FIVE[:count]:
        child = await factories.goal(team, parent=parent, title=title)
        await factories.goal(team, parent=child, title=f"Grandchild of {title}")
    await _archived(await factories.goal(team, parent=parent, title="Archived child"))
    return {"id": gid(parent)}


async def _campaign_tasks_setup(count: int) -> dict[str, Any]:
    team = await factories.team()
    campaign = await factories.campaign(team, name="Spring")
    other = await factories.campaign(team, name="Summer")
    await factories.task(title="Other campaign's", campaign=other)
    if count > 5:
        await models.Task.bulk_create(
            [models.Task(title=f"Item {n:03}", campaign=campaign) for n in range(count)]
        )
        return {"id": gid(campaign)}
    for title in FIVE[:count]:
        await factories.task(title=title, campaign=campaign)
    await _archived(await factories.task(title="Archived task", campaign=campaign))
    return {"id": gid(campaign)}


async def _supporting_tasks_setup(count: int) -> dict[str, Any]:
    # goal <- child goal; a task reaches the goal through a key result of either, or a
    # campaign aligned to one of them
    team = await factories.team()
    goal = await factories.goal(team, title="Objective")
    kr = await factories.key_result(goal)
    child = await factories.goal(team, parent=goal, title="Sub-objective")
    child_kr = await factories.key_result(child)
    aligned = await factories.campaign(team, name="Aligned")
    await factories.align(aligned, kr)
    aligned_below = await factories.campaign(team, name="Aligned below")
    await factories.align(aligned_below, child_kr)
    elsewhere = await factories.key_result(await factories.goal(team, title="Elsewhere"))
    await factories.task(title="Unaligned")
    await factories.task(title="Other goal's", key_result=elsewhere)
    if count > 5:
        await models.Task.bulk_create(
            [models.Task(title=f"Item {n:03}", campaign=aligned) for n in range(count)]
        )
        return {"id": gid(goal)}
    ways_in = [
        {"campaign": aligned},
        {"key_result": kr},
        {"key_result": child_kr},
        {"campaign": aligned, "key_result": kr},
        {"campaign": aligned_below},
    ]
    for title, way_in in zip(FIVE[:count], ways_in, strict=False):
        await factories.task(title=title, **way_in)
    return {"id": gid(goal)}


async def _archived(row: Model) -> None:
    row.archived_at = datetime(2026, 2, 1, tzinfo=UTC)
    await row.save()


@dataclass(frozen=True)
class Subject:
    name: str
    query: str
    path: tuple[str, ...]
    setup: Callable[[int], Awaitable[dict[str, Any]]]


SUBJECTS = [
    Subject("teams", TEAMS_PAGE, ("teams",), _teams_setup),
    Subject("goal.children", GOAL_CHILDREN_PAGE, ("node", "children"), _goal_children_setup),
    Subject("campaign.tasks", CAMPAIGN_TASKS_PAGE, ("node", "tasks"), _campaign_tasks_setup),
    Subject(
        "goal.supportingWork.tasks",
        SUPPORTING_TASKS_PAGE,
        ("node", "supportingWork", "tasks"),
        _supporting_tasks_setup,
    ),
]

each_connection = pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)


async def page(
    gql: GraphQLClient, subject: Subject, variables: dict[str, Any], **arguments: Any
) -> dict[str, Any]:
    """The connection that `subject` answers with these paging arguments."""
    data = await gql.data(subject.query, {**variables, **arguments})
    for key in subject.path:
        data = data[key]
    return data


async def cursor_of_first_item(gql: GraphQLClient, subject: Subject, variables) -> str:
    return (await page(gql, subject, variables, first=1))["pageInfo"]["endCursor"]


def far_past_the_end(subject: Subject) -> str:
    """An offset past every item; for a root list (keyset cursors), a key past every one."""
    if subject.name != "teams":
        return encode_cursor(1000)
    return root_lists.encode_cursor("teams", BY_NAME, ("Item 999", 10**6))


def labels(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["label"] for edge in connection["edges"]]


def cursors(connection: dict[str, Any]) -> list[str]:
    return [edge["cursor"] for edge in connection["edges"]]


async def bad_input(
    gql: GraphQLClient, subject: Subject, variables: dict[str, Any], **arguments: Any
) -> dict[str, Any]:
    error = await gql.error(subject.query, {**variables, **arguments})
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error


# --- pages --------------------------------------------------------------------------------


@each_connection
async def test_first_page(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(5)

    # when
    connection = await page(gql, subject, variables, first=2)

    # then
    assert labels(connection) == ["Item 1", "Item 2"]
    assert connection["totalCount"] == 5
    assert connection["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": connection["edges"][0]["cursor"],
        "endCursor": connection["edges"][1]["cursor"],
    }
    assert connection["edges"][0]["cursor"] != connection["edges"][1]["cursor"]


@each_connection
async def test_following_end_cursors_walks_every_item_once_to_the_last_page(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    first = await page(gql, subject, variables, first=2)
    second = await page(gql, subject, variables, first=2, after=first["pageInfo"]["endCursor"])
    third = await page(gql, subject, variables, first=2, after=second["pageInfo"]["endCursor"])

    # then
    assert [labels(first), labels(second), labels(third)] == [
        ["Item 1", "Item 2"],
        ["Item 3", "Item 4"],
        ["Item 5"],
    ]
    assert second["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert third["pageInfo"]["hasNextPage"] is False
    assert third["pageInfo"]["hasPreviousPage"] is True
    assert third["pageInfo"]["startCursor"] == third["pageInfo"]["endCursor"]
    assert {second["totalCount"], third["totalCount"]} == {5}


@each_connection
async def test_last_two(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(5)

    # when
    connection = await page(gql, subject, variables, last=2)

    # then
    assert labels(connection) == ["Item 4", "Item 5"]
    assert connection["totalCount"] == 5
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": connection["edges"][0]["cursor"],
        "endCursor": connection["edges"][1]["cursor"],
    }


@each_connection
async def test_last_before_a_cursor(gql: GraphQLClient, subject: Subject) -> None:
    # given: the cursor of "Item 4"
    variables = await subject.setup(5)
    everything = await page(gql, subject, variables, first=5)
    fourth = cursors(everything)[3]

    # when
    connection = await page(gql, subject, variables, last=2, before=fourth)

    # then
    assert labels(connection) == ["Item 2", "Item 3"]
    assert cursors(connection) == cursors(everything)[1:3]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is True


@each_connection
async def test_walking_backwards_with_start_cursors_reaches_the_first_item(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    last = await page(gql, subject, variables, last=2)
    middle = await page(gql, subject, variables, last=2, before=last["pageInfo"]["startCursor"])
    first = await page(gql, subject, variables, last=2, before=middle["pageInfo"]["startCursor"])

    # then
    assert [labels(first), labels(middle), labels(last)] == [
        ["Item 1"],
        ["Item 2", "Item 3"],
        ["Item 4", "Item 5"],
    ]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["hasNextPage"] is True


@each_connection
async def test_first_after_the_last_item_is_an_empty_page(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)
    last_cursor = (await page(gql, subject, variables, last=1))["pageInfo"]["endCursor"]

    # when
    connection = await page(gql, subject, variables, first=2, after=last_cursor)

    # then
    assert connection["edges"] == []
    assert connection["nodes"] == []
    assert connection["totalCount"] == 5
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


@each_connection
async def test_first_after_a_cursor_far_past_the_end_is_an_empty_page(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    connection = await page(gql, subject, variables, first=2, after=far_past_the_end(subject))

    # then
    assert connection["edges"] == []
    assert connection["totalCount"] == 5
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["startCursor"] is None
    assert connection["pageInfo"]["endCursor"] is None


@each_connection
async def test_an_empty_list(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(0)

    # when
    connection = await page(gql, subject, variables, first=2)

    # then
    assert connection == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
        "nodes": [],
    }


@each_connection
async def test_first_zero_gives_the_count_and_no_items(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    connection = await page(gql, subject, variables, first=0)

    # then
    assert connection["edges"] == []
    assert connection["nodes"] == []
    assert connection["totalCount"] == 5
    assert connection["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


@each_connection
async def test_nodes_are_the_nodes_of_the_edges(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(5)

    # when
    after = await cursor_of_first_item(gql, subject, variables)
    connection = await page(gql, subject, variables, first=3, after=after)

    # then
    assert [node["label"] for node in connection["nodes"]] == ["Item 2", "Item 3", "Item 4"]
    assert connection["nodes"] == [edge["node"] for edge in connection["edges"]]


@each_connection
async def test_no_arguments_gives_the_whole_short_list(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    connection = await page(gql, subject, variables)

    # then
    assert labels(connection) == FIVE
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is False


# --- the page size limit ------------------------------------------------------------------


@each_connection
async def test_no_arguments_gives_at_most_100_items(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(105)

    # when
    connection = await page(gql, subject, variables)

    # then
    assert len(connection["edges"]) == 100
    assert labels(connection)[0] == "Item 000"
    assert labels(connection)[-1] == "Item 099"
    assert connection["totalCount"] == 105
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is False


@each_connection
async def test_after_the_first_default_page_come_the_last_five(
    gql: GraphQLClient, subject: Subject
) -> None:
    # given
    variables = await subject.setup(105)
    first = await page(gql, subject, variables)

    # when
    rest = await page(gql, subject, variables, after=first["pageInfo"]["endCursor"])

    # then
    assert labels(rest) == [f"Item {n}" for n in range(100, 105)]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True


@each_connection
async def test_first_100_is_allowed(gql: GraphQLClient, subject: Subject) -> None:
    # given
    variables = await subject.setup(105)

    # when
    connection = await page(gql, subject, variables, first=100)

    # then
    assert len(connection["nodes"]) == 100
    assert connection["totalCount"] == 105
    assert connection["pageInfo"]["hasNextPage"] is True


@each_connection
@pytest.mark.parametrize("argument", ["first", "last"])
async def test_more_than_100_is_refused_naming_the_limit(
    gql: GraphQLClient, subject: Subject, argument: str
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    error = await bad_input(gql, subject, variables, **{argument: 101})

    # then
    assert argument in error["message"]
    assert "100" in error["message"]


@each_connection
@pytest.mark.parametrize("argument", ["first", "last"])
async def test_a_negative_page_size_is_refused(
    gql: GraphQLClient, subject: Subject, argument: str
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    error = await bad_input(gql, subject, variables, **{argument: -1})

    # then
    assert argument in error["message"]


GARBAGE_CURSORS = {
    "word": "nope",
    "empty": "",
    "global-id": encode_global_id("Team", 1),
    "negative-offset": base64.urlsafe_b64encode(b"offset:-1").decode(),
    "no-offset": base64.urlsafe_b64encode(b"offset:").decode(),
    "huge-offset": base64.urlsafe_b64encode(b"offset:" + b"9" * 40).decode(),
}


@each_connection
@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize("cursor", GARBAGE_CURSORS.values(), ids=GARBAGE_CURSORS.keys())
async def test_a_garbage_cursor_is_refused(
    gql: GraphQLClient, subject: Subject, argument: str, cursor: str
) -> None:
    # given
    variables = await subject.setup(5)

    # when
    error = await bad_input(gql, subject, variables, first=2, **{argument: cursor})

    # then
    assert f"`{argument}`" in error["message"]


# --- edges of several parents in one request ------------------------------------------------


async def test_each_parent_pages_its_own_children(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    north = await factories.goal(team, title="North")
    south = await factories.goal(team, title="South")
    await factories.goal(team, title="Childless")
    await factories.goal(team, parent=south, title="South 1")
    await factories.goal(team, parent=north, title="North 1")
    await factories.goal(team, parent=south, title="South 2")
    await factories.goal(team, parent=north, title="North 2")
    await factories.goal(team, parent=north, title="North 3")

    # when
    data = await gql.data(FIRST_CHILD_OF_EACH_GOAL)

    # then
    assert data["goals"]["nodes"] == [
        {"title": "North", "children": {"totalCount": 3, "nodes": [{"title": "North 1"}]}},
        {"title": "South", "children": {"totalCount": 2, "nodes": [{"title": "South 1"}]}},
        {"title": "Childless", "children": {"totalCount": 0, "nodes": []}},
    ]
