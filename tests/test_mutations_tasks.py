"""Task mutations: create, update, assign, set status, archive, each checked through the
API for its result, its permissions, its validation, its version check and its history."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import HistoryAction, Role, TaskStatus
from tests import factories

TASK_FIELDS = """
fragment TaskFields on Task {
  id title description status startDate dueDate estimateHours version archivedAt
  campaign { id } keyResult { id } team { id } assignee { id }
}
"""

READ_TASK = (
    """
query ReadTask($id: ID!) {
  node(id: $id) { ...TaskFields }
}
"""
    + TASK_FIELDS
)

COUNT_TASKS = """
query CountTasks {
  tasks(filter: {includeArchived: true}) { totalCount }
}
"""

TASK_CREATE = (
    """
mutation TaskCreate($input: TaskCreateInput!) {
  taskCreate(input: $input) {
    task { ...TaskFields }
    userErrors { field code message }
  }
}
"""
    + TASK_FIELDS
)

TASK_UPDATE = (
    """
mutation TaskUpdate($input: TaskUpdateInput!) {
  taskUpdate(input: $input) {
    task { ...TaskFields }
    userErrors { field code message }
  }
}
"""
    + TASK_FIELDS
)

TASK_ASSIGN = (
    """
mutation TaskAssign($input: TaskAssignInput!) {
  taskAssign(input: $input) {
    task { ...TaskFields }
    userErrors { field code message }
  }
}
"""
    + TASK_FIELDS
)

TASK_SET_STATUS = (
    """
mutation TaskSetStatus($input: TaskSetStatusInput!) {
  taskSetStatus(input: $input) {
    task { ...TaskFields }
    userErrors { field code message }
  }
}
"""
    + TASK_FIELDS
)

TASK_ARCHIVE = (
    """
mutation TaskArchive($input: TaskArchiveInput!) {
  taskArchive(input: $input) {
    task { ...TaskFields }
    userErrors { field code message }
  }
}
"""
    + TASK_FIELDS
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def ref(row) -> dict[str, str] | None:
    return None if row is None else {"id": gid(row)}


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with their editors, a viewer, and a task on the growth campaign."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.key_result = await factories.key_result(o.goal, title="500 SQLs")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars")
    o.sales_campaign = await factories.campaign(o.sales, name="Outbound push")
    o.task = await factories.task(
        title="Draft invitations",
        description="Three emails",
        campaign=o.campaign,
        team=o.growth,
        start_date=date(2026, 3, 2),
        due_date=date(2026, 3, 6),
        estimate_hours=Decimal("6.00"),
    )
    return o


def expected_task(task: models.Task, **changes) -> dict:
    """The API's view of a factory task, with `changes` applied."""
    view = {
        "id": gid(task),
        "title": task.title,
        "description": task.description,
        "status": task.status.value,
        "startDate": task.start_date and task.start_date.isoformat(),
        "dueDate": task.due_date and task.due_date.isoformat(),
        "estimateHours": task.estimate_hours and str(task.estimate_hours),
        "version": task.version,
        "archivedAt": None,
        "campaign": {"id": encode_global_id("Campaign", task.campaign_id)}
        if task.campaign_id
        else None,
        "keyResult": {"id": encode_global_id("KeyResult", task.key_result_id)}
        if task.key_result_id
        else None,
        "team": {"id": encode_global_id("Team", task.team_id)} if task.team_id else None,
        "assignee": {"id": encode_global_id("User", task.assignee_id)}
        if task.assignee_id
        else None,
    }
    return {**view, **changes}


async def read_task(gql, task: models.Task) -> dict:
    return (await gql.data(READ_TASK, {"id": gid(task)}))["node"]


async def task_count(gql) -> int:
    return (await gql.data(COUNT_TASKS))["tasks"]["totalCount"]


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


# taskCreate


async def test_editor_creates_a_task_on_their_campaign(gql, org):
    # given
    editor = gql.as_user(org.editor)
    new_task = {
        "title": "  Book the speaker  ",
        "description": "Confirm by phone",
        "campaignId": gid(org.campaign),
        "teamId": gid(org.growth),
        "assigneeId": gid(org.sales_editor),
        "status": "IN_PROGRESS",
        "startDate": "2026-03-10",
        "dueDate": "2026-03-10",
        "estimateHours": "12.5",
    }

    # when
    payload = await editor.mutate(TASK_CREATE, new_task, "taskCreate")

    # then
    assert payload["userErrors"] == []
    created = payload["task"]
    expected = {
        "id": created["id"],
        "title": "Book the speaker",
        "description": "Confirm by phone",
        "status": "IN_PROGRESS",
        "startDate": "2026-03-10",
        "dueDate": "2026-03-10",
        "estimateHours": "12.50",
        "version": 1,
        "archivedAt": None,
        "campaign": ref(org.campaign),
        "keyResult": None,
        "team": ref(org.growth),
        "assignee": ref(org.sales_editor),
    }
    assert created == expected
    assert (await gql.data(READ_TASK, {"id": created["id"]}))["node"] == expected
    row = await models.Task.get(title="Book the speaker")
    [entry] = await history_of(row)
    assert entry.action == HistoryAction.CREATED
    assert entry.actor_id == org.editor.pk
    assert entry.changes["title"] == {"before": None, "after": "Book the speaker"}
    assert entry.changes["status"] == {"before": None, "after": "IN_PROGRESS"}


async def test_task_on_a_key_result_or_on_neither_is_allowed(gql, org):
    # given
    editor = gql.as_user(org.editor)

    # when
    on_key_result = await editor.mutate(
        TASK_CREATE, {"title": "Call lost deals", "keyResultId": gid(org.key_result)}, "taskCreate"
    )
    unaligned = await editor.mutate(
        TASK_CREATE, {"title": "Tidy the wiki", "teamId": gid(org.growth)}, "taskCreate"
    )

    # then
    assert on_key_result["userErrors"] == unaligned["userErrors"] == []
    assert on_key_result["task"]["keyResult"] == ref(org.key_result)
    assert on_key_result["task"]["campaign"] is None
    assert on_key_result["task"]["status"] == "TODO"
    assert unaligned["task"]["campaign"] is None
    assert unaligned["task"]["keyResult"] is None
    assert unaligned["task"]["team"] == ref(org.growth)
    assert await task_count(gql) == 3


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_create_is_refused_outside_the_owning_team(gql, org, who):
    # given
    outsider = gql.as_user(getattr(org, who))
    new_task = {"title": "Sneaky", "campaignId": gid(org.campaign), "teamId": gid(org.growth)}

    # when
    error = await outsider.error(TASK_CREATE, {"input": new_task})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await task_count(gql) == 1


async def test_editor_may_not_create_unaligned_work_without_their_team(gql, org):
    # given
    editor = gql.as_user(org.editor)

    # when
    error = await editor.error(TASK_CREATE, {"input": {"title": "Nobody's"}})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await task_count(gql) == 1


CREATE_ERRORS = [
    ({"title": "   "}, "title", "REQUIRED"),
    ({"title": "x" * 201}, "title", "TOO_LONG"),
    ({"description": "x" * 10_001}, "description", "TOO_LONG"),
    ({"startDate": "2026-04-10", "dueDate": "2026-04-09"}, "dueDate", "END_BEFORE_START"),
    ({"estimateHours": "-1"}, "estimateHours", "NEGATIVE"),
    ({"estimateHours": "1.005"}, "estimateHours", "INVALID"),
    ({"estimateHours": "10000.01"}, "estimateHours", "OUT_OF_RANGE"),
    ({"campaignId": encode_global_id("Campaign", 99_999)}, "campaignId", "NOT_FOUND"),
    ({"campaignId": "not-an-id"}, "campaignId", "NOT_FOUND"),
    ({"campaignId": "archived"}, "campaignId", "ARCHIVED"),
    ({"campaignId": None, "keyResultId": "archived"}, "keyResultId", "ARCHIVED"),
    ({"teamId": encode_global_id("Team", 99_999)}, "teamId", "NOT_FOUND"),
    ({"assigneeId": "archived"}, "assigneeId", "ARCHIVED"),
    ({"keyResultId": "live"}, "keyResultId", "NOT_ALLOWED"),
]


@pytest.mark.parametrize(("fields", "field", "code"), CREATE_ERRORS)
async def test_create_reports_invalid_input_and_writes_nothing(gql, org, fields, field, code):
    # given
    archived = {
        "campaignId": gid(await factories.archive(await factories.campaign(org.growth))),
        "keyResultId": gid(await factories.archive(await factories.key_result(org.goal))),
        "assigneeId": gid(await factories.archive(await factories.user(teams=[org.growth]))),
    }
    live = {"keyResultId": gid(org.key_result)}
    named = {
        name: archived[name] if value == "archived" else live[name] if value == "live" else value
        for name, value in fields.items()
    }
    new_task = {"title": "Valid", "campaignId": gid(org.campaign), **named}

    # when
    payload = await gql.as_user(org.editor).mutate(TASK_CREATE, new_task, "taskCreate")

    # then
    assert payload["task"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await task_count(gql) == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_create_reports_every_problem_at_once(gql, org):
    # given
    bad = {
        "title": "",
        "description": "x" * 10_001,
        "startDate": "2026-04-10",
        "dueDate": "2026-04-01",
        "estimateHours": "-2",
        "teamId": encode_global_id("Team", 99_999),
    }

    # when
    payload = await gql.mutate(TASK_CREATE, bad, "taskCreate")

    # then
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("description", "TOO_LONG"),
        ("dueDate", "END_BEFORE_START"),
        ("estimateHours", "NEGATIVE"),
        ("teamId", "NOT_FOUND"),
        ("title", "REQUIRED"),
    ]
    assert await task_count(gql) == 1


async def test_unknown_status_is_refused_by_the_schema(gql, org):
    # when
    error = await gql.error(TASK_CREATE, {"input": {"title": "Odd", "status": "FINISHED"}})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await task_count(gql) == 1


# taskUpdate


async def test_owning_editor_updates_only_the_fields_sent(gql, org):
    # given
    editor = gql.as_user(org.editor)
    changes = {"id": gid(org.task), "version": 1, "title": "Draft invites", "estimateHours": "8"}

    # when
    payload = await editor.mutate(TASK_UPDATE, changes, "taskUpdate")

    # then
    assert payload["userErrors"] == []
    expected = expected_task(org.task, title="Draft invites", estimateHours="8.00", version=2)
    assert payload["task"] == expected
    assert await read_task(gql, org.task) == expected
    [entry] = await history_of(org.task)
    assert entry.action == HistoryAction.UPDATED
    assert entry.actor_id == org.editor.pk
    assert entry.changes == {
        "title": {"before": "Draft invitations", "after": "Draft invites"},
        "estimate_hours": {"before": "6", "after": "8"},
    }


async def test_update_moves_a_task_from_its_campaign_to_a_key_result(gql, org):
    # given
    move = {
        "id": gid(org.task),
        "version": 1,
        "campaignId": None,
        "keyResultId": gid(org.key_result),
    }

    # when
    payload = await gql.as_user(org.editor).mutate(TASK_UPDATE, move, "taskUpdate")

    # then
    assert payload["userErrors"] == []
    read = await read_task(gql, org.task)
    assert (read["campaign"], read["keyResult"], read["version"]) == (
        None,
        ref(org.key_result),
        2,
    )


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_update_is_refused_outside_the_owning_team(gql, org, who):
    # given
    outsider = gql.as_user(getattr(org, who))
    changes = {"id": gid(org.task), "version": 1, "title": "Hijacked"}

    # when
    error = await outsider.error(TASK_UPDATE, {"input": changes})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_task(gql, org.task) == expected_task(org.task)
    assert await history_of(org.task) == []


async def test_moving_a_task_into_another_teams_campaign_needs_that_team(gql, org):
    # given: a task that only the campaign's team owns
    task = await factories.task(title="Landing page", campaign=org.campaign)
    move = {"id": gid(task), "version": 1, "campaignId": gid(org.sales_campaign)}

    # when
    refused = await gql.as_user(org.editor).error(TASK_UPDATE, {"input": move})
    moved = await gql.mutate(TASK_UPDATE, move, "taskUpdate")

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert moved["userErrors"] == []
    assert (await read_task(gql, task))["campaign"] == ref(org.sales_campaign)
    assert len(await history_of(task)) == 1


UPDATE_ERRORS = [
    ({"title": None}, "title", "REQUIRED"),
    ({"title": "x" * 201}, "title", "TOO_LONG"),
    ({"status": None}, "status", "REQUIRED"),
    ({"dueDate": "2026-03-01"}, "dueDate", "END_BEFORE_START"),
    ({"estimateHours": "10001"}, "estimateHours", "OUT_OF_RANGE"),
    ({"keyResultId": "live"}, "keyResultId", "NOT_ALLOWED"),
    ({"assigneeId": encode_global_id("User", 99_999)}, "assigneeId", "NOT_FOUND"),
    ({"campaignId": encode_global_id("Goal", 1)}, "campaignId", "NOT_FOUND"),
]


@pytest.mark.parametrize(("fields", "field", "code"), UPDATE_ERRORS)
async def test_update_reports_invalid_input_and_changes_nothing(gql, org, fields, field, code):
    # given
    live = {"keyResultId": gid(org.key_result)}
    named = {name: live[name] if value == "live" else value for name, value in fields.items()}
    changes = {"id": gid(org.task), "version": 1, **named}

    # when
    payload = await gql.as_user(org.editor).mutate(TASK_UPDATE, changes, "taskUpdate")

    # then
    assert payload["task"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await read_task(gql, org.task) == expected_task(org.task)
    assert await history_of(org.task) == []


async def test_update_with_a_stale_version_is_a_conflict(gql, org):
    # given
    await gql.mutate(TASK_UPDATE, {"id": gid(org.task), "version": 1, "title": "v2"}, "taskUpdate")

    # when
    error = await gql.error(
        TASK_UPDATE, {"input": {"id": gid(org.task), "version": 1, "title": "Lost edit"}}
    )

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["currentVersion"] == 2
    assert await read_task(gql, org.task) == expected_task(org.task, title="v2", version=2)
    assert len(await history_of(org.task)) == 1


async def test_update_of_a_missing_task_is_not_found(gql, org):
    # when
    error = await gql.error(
        TASK_UPDATE, {"input": {"id": encode_global_id("Task", 99_999), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "NOT_FOUND"


# taskAssign and taskSetStatus


async def test_assign_and_unassign(gql, org):
    # given
    editor = gql.as_user(org.editor)
    assign = {"id": gid(org.task), "version": 1, "assigneeId": gid(org.sales_editor)}

    # when
    assigned = await editor.mutate(TASK_ASSIGN, assign, "taskAssign")
    unassigned = await editor.mutate(
        TASK_ASSIGN, {"id": gid(org.task), "version": 2, "assigneeId": None}, "taskAssign"
    )

    # then
    assert assigned["task"]["assignee"] == ref(org.sales_editor)
    assert unassigned["task"]["assignee"] is None
    assert await read_task(gql, org.task) == expected_task(org.task, version=3)
    first, second = await history_of(org.task)
    assert first.changes == {"assignee_id": {"before": None, "after": org.sales_editor.pk}}
    assert second.changes == {"assignee_id": {"before": org.sales_editor.pk, "after": None}}


@pytest.mark.parametrize(("assignee", "code"), [("archived", "ARCHIVED"), ("missing", "NOT_FOUND")])
async def test_assignee_must_be_a_live_user(gql, org, assignee, code):
    # given
    archived_user = await factories.archive(await factories.user(teams=[org.growth]))
    assignee_id = gid(archived_user) if assignee == "archived" else encode_global_id("User", 99_999)

    # when
    payload = await gql.mutate(
        TASK_ASSIGN, {"id": gid(org.task), "version": 1, "assigneeId": assignee_id}, "taskAssign"
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("assigneeId", code)]
    assert await read_task(gql, org.task) == expected_task(org.task)


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_assign_is_refused_outside_the_owning_team(gql, org, who):
    # given
    outsider = getattr(org, who)
    assign = {"id": gid(org.task), "version": 1, "assigneeId": gid(outsider)}

    # when
    error = await gql.as_user(outsider).error(TASK_ASSIGN, {"input": assign})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_task(gql, org.task) == expected_task(org.task)


async def test_assignee_from_another_team_may_change_their_tasks_status(gql, org):
    # given
    org.task.assignee = org.sales_editor
    await org.task.save()
    change = {"id": gid(org.task), "version": 1, "status": "DONE"}

    # when
    payload = await gql.as_user(org.sales_editor).mutate(TASK_SET_STATUS, change, "taskSetStatus")

    # then
    assert payload["userErrors"] == []
    assert await read_task(gql, org.task) == expected_task(org.task, status="DONE", version=2)
    [entry] = await history_of(org.task)
    assert entry.actor_id == org.sales_editor.pk
    assert entry.changes == {"status": {"before": "TODO", "after": "DONE"}}


async def test_assignee_from_another_team_may_not_move_the_task_to_their_team(gql, org):
    # given
    org.task.assignee = org.sales_editor
    await org.task.save()
    move = {
        "id": gid(org.task),
        "version": 1,
        "teamId": gid(org.sales),
        "campaignId": gid(org.sales_campaign),
    }

    # when
    error = await gql.as_user(org.sales_editor).error(TASK_UPDATE, {"input": move})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_task(gql, org.task) == expected_task(org.task)
    assert await history_of(org.task) == []


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_set_status_is_refused_outside_the_owning_team(gql, org, who):
    # given
    change = {"id": gid(org.task), "version": 1, "status": "DONE"}

    # when
    error = await gql.as_user(getattr(org, who)).error(TASK_SET_STATUS, {"input": change})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_task(gql, org.task) == expected_task(org.task)


async def test_set_status_with_a_stale_version_is_a_conflict(gql, org):
    # given
    change = {"id": gid(org.task), "version": 1, "status": "BLOCKED"}
    await gql.mutate(TASK_SET_STATUS, change, "taskSetStatus")

    # when
    error = await gql.error(TASK_SET_STATUS, {"input": {**change, "status": "DONE"}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert await read_task(gql, org.task) == expected_task(org.task, status="BLOCKED", version=2)


async def test_racing_status_changes_on_one_version_let_exactly_one_win(gql, org):
    # given
    editor = gql.as_user(org.editor)
    racing = [
        {"input": {"id": gid(org.task), "version": 1, "status": status}}
        for status in ("IN_PROGRESS", "DONE")
    ]

    # when
    answers = await asyncio.gather(*(editor.raw(TASK_SET_STATUS, v) for v in racing))

    # then
    won = [a for a in answers if "errors" not in a]
    lost = [a for a in answers if "errors" in a]
    assert len(won) == len(lost) == 1
    assert [e["extensions"]["code"] for e in lost[0]["errors"]] == ["CONFLICT"]
    winner_status = won[0]["data"]["taskSetStatus"]["task"]["status"]
    read = await read_task(gql, org.task)
    assert (read["status"], read["version"]) == (winner_status, 2)
    [entry] = await history_of(org.task)
    assert entry.changes == {"status": {"before": "TODO", "after": winner_status}}


# taskArchive


async def test_owning_editor_archives_a_task(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        TASK_ARCHIVE, {"id": gid(org.task), "version": 1}, "taskArchive"
    )

    # then
    assert payload["userErrors"] == []
    read = await read_task(gql, org.task)
    assert read["archivedAt"] is not None
    assert read == expected_task(org.task, version=2, archivedAt=read["archivedAt"])
    [entry] = await history_of(org.task)
    assert entry.action == HistoryAction.ARCHIVED
    row = await models.Task.get(id=org.task.pk)
    assert row.status == TaskStatus.TODO


async def test_an_archived_task_can_no_longer_be_changed(gql, org):
    # given
    await factories.archive(org.task)

    # when
    payload = await gql.mutate(
        TASK_SET_STATUS, {"id": gid(org.task), "version": 1, "status": "DONE"}, "taskSetStatus"
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert (await read_task(gql, org.task))["status"] == "TODO"


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_archive_is_refused_outside_the_owning_team(gql, org, who):
    # when
    error = await gql.as_user(getattr(org, who)).error(
        TASK_ARCHIVE, {"input": {"id": gid(org.task), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_task(gql, org.task) == expected_task(org.task)


async def test_archive_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(TASK_ARCHIVE, {"input": {"id": gid(org.task), "version": 7}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert await read_task(gql, org.task) == expected_task(org.task)
    assert await history_of(org.task) == []
