"""The shared write steps: transactions, versions, permissions and history."""

from __future__ import annotations

import pytest

from server import models
from server.enums import HistoryAction, Role
from server.permissions import Actor
from server.writes.errors import Conflict, Forbidden, Invalid, Missing
from server.writes.unit import archive, fetch_for_write, save_changes, save_new, transactional
from tests import factories


@pytest.fixture
async def team(db):
    return await factories.team(name="Growth")


@pytest.fixture
async def editor(team):
    user = await factories.user(teams=[team], role=Role.EDITOR)
    return Actor(user_id=user.pk, role=Role.EDITOR)


async def test_a_failed_write_leaves_nothing_behind(team, editor):
    # given
    @transactional
    async def create_then_fail():
        await save_new(editor, models.Goal(**goal_fields(team, "Doomed")))
        raise RuntimeError("boom")

    # when
    with pytest.raises(RuntimeError):
        await create_then_fail()

    # then
    assert await models.Goal.filter(title="Doomed").count() == 0
    assert await models.HistoryEntry.all().count() == 0


def goal_fields(team, title: str) -> dict:
    return {
        "title": title,
        "owner_team_id": team.pk,
        "period_start": factories.YEAR_START,
        "period_end": factories.YEAR_END,
    }


async def test_save_changes_bumps_the_version_and_records_before_and_after(team, editor):
    # given
    goal = await factories.goal(team, title="Old title")

    # when
    row = await fetch_for_write(editor, models.Goal, goal.pk)
    await transactional(save_changes)(editor, row, 1, {"title": "New title"})

    # then
    stored = await models.Goal.get(id=goal.pk)
    entry = await models.HistoryEntry.get(node_type="Goal", node_id=goal.pk)
    assert (stored.title, stored.version) == ("New title", 2)
    assert entry.action == HistoryAction.UPDATED
    assert entry.actor_id == editor.user_id
    assert entry.changes == {"title": {"before": "Old title", "after": "New title"}}


async def test_a_stale_version_is_a_conflict_and_changes_nothing(team, editor):
    # given
    goal = await factories.goal(team, title="Kept", version=3)

    # when
    row = await fetch_for_write(editor, models.Goal, goal.pk)
    with pytest.raises(Conflict) as refused:
        await save_changes(editor, row, 2, {"title": "Lost"})

    # then
    assert refused.value.current == 3
    assert (await models.Goal.get(id=goal.pk)).title == "Kept"


async def test_a_row_changed_underneath_is_a_conflict(team, editor):
    # given: the row was read at version 1, then someone else saved version 2
    goal = await factories.goal(team, title="Mine")
    row = await fetch_for_write(editor, models.Goal, goal.pk)
    await models.Goal.filter(id=goal.pk).update(title="Theirs", version=2)

    # when
    with pytest.raises(Conflict):
        await save_changes(editor, row, 1, {"title": "Mine again"})

    # then
    assert (await models.Goal.get(id=goal.pk)).title == "Theirs"
    assert await models.HistoryEntry.all().count() == 0


async def test_an_unchanged_save_records_nothing(team, editor):
    # given
    goal = await factories.goal(team, title="Same")

    # when
    row = await fetch_for_write(editor, models.Goal, goal.pk)
    await save_changes(editor, row, 1, {"title": "Same"})

    # then
    assert (await models.Goal.get(id=goal.pk)).version == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_handing_a_goal_to_another_team_needs_rights_there_too(team, editor):
    # given
    other = await factories.team(name="Elsewhere")
    goal = await factories.goal(team)

    # when
    row = await fetch_for_write(editor, models.Goal, goal.pk)
    with pytest.raises(Forbidden):
        await save_changes(editor, row, 1, {"owner_team_id": other.pk})

    # then
    assert (await models.Goal.get(id=goal.pk)).owner_team_id == team.pk


async def test_viewers_are_refused_before_any_lookup(db):
    # given
    viewer = Actor(user_id=1, role=Role.VIEWER)

    # then: the same answer whether the goal exists or not
    with pytest.raises(Forbidden):
        await fetch_for_write(viewer, models.Goal, 123456)


async def test_missing_and_archived_targets(team, editor):
    # given
    goal = await factories.archive(await factories.goal(team))

    # then
    with pytest.raises(Missing):
        await fetch_for_write(editor, models.Goal, 999)
    with pytest.raises(Invalid) as archived:
        await fetch_for_write(editor, models.Goal, goal.pk)
    assert archived.value.errors[0].field == "id"


async def test_archive_records_once_and_is_idempotent(team, editor):
    # given
    goal = await factories.goal(team)
    row = await fetch_for_write(editor, models.Goal, goal.pk, live=False)

    # when
    await archive(editor, row, 1)
    again = await fetch_for_write(editor, models.Goal, goal.pk, live=False)
    await archive(editor, again, 2)

    # then
    stored = await models.Goal.get(id=goal.pk)
    actions = await models.HistoryEntry.all().values_list("action", flat=True)
    assert stored.archived_at is not None and stored.version == 2
    assert actions == [HistoryAction.ARCHIVED]
