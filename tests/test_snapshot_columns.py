"""An index that names the columns it reads survives a write changing other columns of
the same table, and is rebuilt when one of its columns changes or a row comes or goes;
an index naming the whole table is rebuilt by any change to it. And through the API: a
check-in keeps the tasks' teams, a key result moved to another goal moves its tasks."""

from __future__ import annotations

from decimal import Decimal

from schema.core.ids import encode_global_id
from server import models
from server.read_model import Snapshot
from tests import factories as make
from tests.snapshots import current, edited


def builds_of(snapshot: Snapshot, reads: tuple[str, ...]) -> list[int]:
    """Asks the snapshot for an index reading `reads`; the list grows when it is built."""
    built: list[int] = []
    snapshot.index(f"probe:{reads}", reads, lambda s: built.append(s.version))
    return built


async def test_an_index_of_some_columns_survives_changes_to_others(db) -> None:
    growth = await make.team(name="Growth")
    goal = await make.goal(growth)
    other_goal = await make.goal(growth)
    key_result = await make.key_result(goal)
    before = await current()
    reads = {
        "goal column": ("key_result.goal_id",),
        "value column": ("key_result.current_value",),
        "whole table": ("key_result",),
        "other table": ("task",),
    }
    for each in reads.values():
        assert builds_of(before, each) == [before.version]

    def rebuilt(after: Snapshot) -> set[str]:
        return {name for name, each in reads.items() if builds_of(after, each)}

    # a check-in's change: the value and the version, not the goal
    held = before.row(models.KeyResult, key_result.pk)
    checked_in = edited(held, current_value=Decimal("12.5"), version=held.version + 1)
    assert rebuilt(before.changed(before.version + 1, {"key_result": {held.pk: checked_in}})) == {
        "value column",
        "whole table",
    }
    # the key result moved to another goal
    moved = edited(held, goal_id=other_goal.pk)
    assert rebuilt(before.changed(before.version + 1, {"key_result": {held.pk: moved}})) == {
        "goal column",
        "whole table",
    }
    # a number written with another scale reads differently, so it is a change
    rescaled = edited(held, current_value=Decimal(f"{held.current_value}0"))
    assert "value column" in rebuilt(
        before.changed(before.version + 1, {"key_result": {held.pk: rescaled}})
    )
    # a row added, and a row removed
    added = edited(held, pk=held.pk + 1000)
    assert rebuilt(before.changed(before.version + 1, {"key_result": {added.pk: added}})) == {
        "goal column",
        "value column",
        "whole table",
    }
    assert rebuilt(before.changed(before.version + 1, {"key_result": {held.pk: None}})) == {
        "goal column",
        "value column",
        "whole table",
    }


TASKS_OF_TEAM = """query ($teams: [ID!]) {
  tasks(filter: {teams: $teams}) { nodes { title } } }"""


async def test_tasks_follow_their_key_result_to_another_goal(gql, db) -> None:
    # given: a task of a key result of Growth's goal
    growth = await make.team(name="Growth")
    brand = await make.team(name="Brand")
    growth_goal = await make.goal(growth)
    brand_goal = await make.goal(brand)
    key_result = await make.key_result(growth_goal)
    await make.task(key_result=key_result, title="Draft the survey")

    async def titles(team) -> list[str]:
        variables = {"teams": [encode_global_id("Team", team.pk)]}
        return [n["title"] for n in (await gql.data(TASKS_OF_TEAM, variables))["tasks"]["nodes"]]

    assert await titles(growth) == ["Draft the survey"]
    assert await titles(brand) == []

    # when: a check-in (the tasks' team stays), then the key result moves to Brand's goal
    checked = await gql.data(
        """mutation ($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
          keyResult { version } userErrors { message } } }""",
        {"input": {"id": encode_global_id("KeyResult", key_result.pk),
                   "version": key_result.version, "value": "5"}},
    )  # fmt: skip
    assert checked["keyResultCheckIn"]["userErrors"] == []
    assert await titles(growth) == ["Draft the survey"]
    moved = await gql.data(
        """mutation ($input: KeyResultUpdateInput!) { keyResultUpdate(input: $input) {
          userErrors { message } } }""",
        {"input": {"id": encode_global_id("KeyResult", key_result.pk),
                   "version": checked["keyResultCheckIn"]["keyResult"]["version"],
                   "goalId": encode_global_id("Goal", brand_goal.pk)}},
    )  # fmt: skip

    # then
    assert moved["keyResultUpdate"]["userErrors"] == []
    assert await titles(growth) == []
    assert await titles(brand) == ["Draft the survey"]
