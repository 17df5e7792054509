"""Root lists are filtered once per snapshot and conditions (`listing.memoised`): the
same list asked again at one data version is not filtered again, a write is seen by the
next request, lists differing in one condition never share rows, and an iterator given
as a condition is read once, by the filter, not kept."""

from __future__ import annotations

import pytest
from tortoise.models import Model

from schema.core.ids import encode_global_id
from server import models
from server.enums import TaskStatus
from server.read_model import listing
from tests import factories as make
from tests.snapshots import current

TASKS = """query ($filter: TaskFilter) {
  tasks(filter: $filter, first: 10) { totalCount nodes { title } } }"""


@pytest.fixture
def filtered(monkeypatch) -> list[str]:
    """The names of the lists filtered afresh rather than taken from a memo."""
    found: list[str] = []
    listed = listing._listed

    def counted(snapshot, model, order, include_archived, conditions):
        found.append(model._meta.db_table)
        return listed(snapshot, model, order, include_archived, conditions)

    monkeypatch.setattr(listing, "_listed", counted)
    return found


@pytest.fixture
async def work(db):
    growth = await make.team(name="Growth")
    campaign = await make.campaign(growth, name="Spring")
    return [
        await make.task(campaign=campaign, title="Write the brief", status=TaskStatus.TODO),
        await make.task(campaign=campaign, title="Book the venue", status=TaskStatus.DONE),
        await make.task(campaign=campaign, title="Write the invite", status=TaskStatus.TODO),
    ]


async def titles(gql, filter: dict) -> tuple[int, list[str]]:
    tasks = (await gql.data(TASKS, {"filter": filter}))["tasks"]
    return tasks["totalCount"], [node["title"] for node in tasks["nodes"]]


async def test_the_same_list_twice_is_filtered_once(gql, work, filtered) -> None:
    await gql.settle()
    search = {"search": "write", "statuses": ["TODO"]}

    first = await titles(gql, search)
    again = await titles(gql, {"statuses": ["TODO"], "search": "write"})

    assert first == again == (2, ["Write the brief", "Write the invite"])
    assert filtered == ["task"]


async def test_a_write_is_seen_by_the_next_list(gql, work, filtered) -> None:
    await gql.settle()
    assert await titles(gql, {"search": "write"}) == (2, ["Write the brief", "Write the invite"])

    # when: one of them is renamed so that it no longer matches
    renamed = await gql.data(
        """mutation ($input: TaskUpdateInput!) { taskUpdate(input: $input) {
          task { title } userErrors { message } } }""",
        {
            "input": {
                "id": _task_id(work[0]),
                "version": work[0].version,
                "title": "Draft the brief",
            }
        },
    )
    assert renamed["taskUpdate"]["userErrors"] == []

    # then
    assert await titles(gql, {"search": "write"}) == (1, ["Write the invite"])
    assert filtered == ["task", "task"]


async def test_lists_differing_in_one_condition_are_apart(gql, work, filtered) -> None:
    await gql.settle()
    answers = {
        "no condition": await titles(gql, {}),
        "no status at all": await titles(gql, {"statuses": []}),
        "to do": await titles(gql, {"statuses": ["TODO"]}),
        "done": await titles(gql, {"statuses": ["DONE"]}),
        "either": await titles(gql, {"statuses": ["DONE", "TODO"]}),
        "either, reordered": await titles(gql, {"statuses": ["TODO", "DONE"]}),
    }

    assert answers == {
        "no condition": (3, ["Write the brief", "Book the venue", "Write the invite"]),
        "no status at all": (0, []),
        "to do": (2, ["Write the brief", "Write the invite"]),
        "done": (1, ["Book the venue"]),
        "either": (3, ["Write the brief", "Book the venue", "Write the invite"]),
        "either, reordered": (3, ["Write the brief", "Book the venue", "Write the invite"]),
    }
    assert len(filtered) == 5  # the reordered set is the same list


async def test_an_iterator_condition_is_read_by_the_filter_and_not_kept(work, filtered) -> None:
    snapshot = await current()
    wanted = [TaskStatus.TODO]

    first = listing.tasks(snapshot, statuses=iter(wanted))
    second = listing.tasks(snapshot, statuses=iter(wanted))
    by_list = listing.tasks(snapshot, statuses=wanted)

    assert [t.title for t in first.rows] == ["Write the brief", "Write the invite"]
    assert [t.title for t in second.rows] == [t.title for t in by_list.rows]
    assert filtered == ["task", "task", "task"]
    assert listing.tasks(snapshot, statuses=wanted) is by_list


def _task_id(task: models.Task) -> str:
    return encode_global_id("Task", task.pk)


CHECK_IN = """mutation ($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
  userErrors { message } } }"""
CAMPAIGN_UPDATE = """mutation ($input: CampaignUpdateInput!) { campaignUpdate(input: $input) {
  userErrors { message } } }"""


async def test_a_write_to_what_no_filter_reads_keeps_the_list(gql, work, filtered) -> None:
    # given: a key result, and the tasks of a team listed once
    growth = await models.Team.get(name="Growth")
    brand = await make.team(name="Brand")
    key_result = await make.key_result(await make.goal(growth))
    await gql.settle()
    by_team = {"teams": [encode_global_id("Team", growth.pk)]}
    assert (await titles(gql, by_team))[0] == 3

    # when: a check-in changes the key result's value only
    check_in = {"id": encode_global_id("KeyResult", key_result.pk), "version": 1, "value": "5"}
    assert (await gql.data(CHECK_IN, {"input": check_in}))["keyResultCheckIn"]["userErrors"] == []

    # then: the list is not filtered again
    assert (await titles(gql, by_team))[0] == 3
    assert filtered == ["task"]

    # when: the campaign moves to another team, which the team filter reads
    campaign = await models.Campaign.get(name="Spring")
    move = {"id": encode_global_id("Campaign", campaign.pk), "version": campaign.version,
            "ownerTeamId": encode_global_id("Team", brand.pk)}  # fmt: skip
    assert (await gql.data(CAMPAIGN_UPDATE, {"input": move}))["campaignUpdate"]["userErrors"] == []

    # then: filtered again, and the tasks went with their campaign
    assert await titles(gql, by_team) == (0, [])
    assert filtered == ["task", "task"]


def test_every_list_reads_real_tables_and_columns() -> None:
    tables = {
        held._meta.db_table: held
        for held in vars(models).values()
        if isinstance(held, type) and issubclass(held, Model) and not held._meta.abstract
    }
    lists = [listing.teams, listing.users, listing.goals, listing.key_results]
    lists += [listing.campaigns, listing.tasks, listing.milestones]
    for kept in lists:
        for read in kept.reads:
            table, _, column = read.partition(".")
            assert table in tables, read
            assert not column or column in tables[table]._meta.fields_db_projection, read
