"""Goal mutations: create, update, archive, move, each checked through the API for its
result, its permissions, its validation, its version check and its history."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import HistoryAction, Role
from tests import factories

GOAL_FIELDS = """
fragment GoalFields on Goal {
  id title description category periodStart periodEnd weight version archivedAt isRoot
  parent { id } ownerTeam { id } owner { id }
}
"""

READ_GOAL = (
    """
query ReadGoal($id: ID!) {
  node(id: $id) { ...GoalFields }
}
"""
    + GOAL_FIELDS
)

COUNT_GOALS = """
query CountGoals {
  goals(filter: {includeArchived: true}) { totalCount }
}
"""

GOAL_CREATE = (
    """
mutation GoalCreate($input: GoalCreateInput!) {
  goalCreate(input: $input) {
    goal { ...GoalFields }
    userErrors { field code message }
  }
}
"""
    + GOAL_FIELDS
)

GOAL_UPDATE = (
    """
mutation GoalUpdate($input: GoalUpdateInput!) {
  goalUpdate(input: $input) {
    goal { ...GoalFields }
    userErrors { field code message }
  }
}
"""
    + GOAL_FIELDS
)

GOAL_ARCHIVE = (
    """
mutation GoalArchive($input: GoalArchiveInput!) {
  goalArchive(input: $input) {
    goal { ...GoalFields }
    userErrors { field code message }
  }
}
"""
    + GOAL_FIELDS
)

GOAL_MOVE = (
    """
mutation GoalMove($input: GoalMoveInput!) {
  goalMove(input: $input) {
    goal { ...GoalFields }
    userErrors { field code message }
  }
}
"""
    + GOAL_FIELDS
)

NO_SUCH_GOAL = encode_global_id("Goal", 999_999)
NO_SUCH_TEAM = encode_global_id("Team", 999_999)
NO_SUCH_USER = encode_global_id("User", 999_999)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def ref(row) -> dict[str, str] | None:
    return None if row is None else {"id": gid(row)}


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with their editors, a viewer, and a small goal tree of each team:
    revenue > pipeline > webinars (Growth), and quota (Sales)."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.closed_team = await factories.archive(await factories.team(name="Closed"))
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.both_editor = await factories.user(teams=[o.growth, o.sales], role=Role.EDITOR)
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.former = await factories.archive(await factories.user(teams=[o.growth], name="Fay"))
    o.revenue = await factories.goal(o.growth, title="Grow revenue")
    o.pipeline = await factories.goal(o.growth, o.revenue, title="Grow pipeline")
    o.webinars = await factories.goal(o.growth, o.pipeline, title="Run webinars")
    o.quota = await factories.goal(o.sales, title="Make quota")
    o.dropped = await factories.archive(await factories.goal(o.growth, title="Dropped"))
    return o


def expected_goal(goal: models.Goal, **changes) -> dict:
    """The API's view of a factory goal (weight compared apart), with `changes` applied."""
    view = {
        "id": gid(goal),
        "title": goal.title,
        "description": goal.description,
        "category": goal.category.value,
        "periodStart": goal.period_start.isoformat(),
        "periodEnd": goal.period_end.isoformat(),
        "version": goal.version,
        "archivedAt": None,
        "isRoot": goal.parent_id is None,
        "parent": {"id": encode_global_id("Goal", goal.parent_id)} if goal.parent_id else None,
        "ownerTeam": {"id": encode_global_id("Team", goal.owner_team_id)},
        "owner": {"id": encode_global_id("User", goal.owner_id)} if goal.owner_id else None,
    }
    return {**view, **changes}


def without_weight(view: dict) -> dict:
    """Decimals are spelled differently by each engine: compare the weight as a number."""
    return {k: v for k, v in view.items() if k != "weight"}


async def read_goal(gql, goal: models.Goal) -> dict:
    return (await gql.data(READ_GOAL, {"id": gid(goal)}))["node"]


async def goal_count(gql) -> int:
    return (await gql.data(COUNT_GOALS))["goals"]["totalCount"]


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


async def assert_unchanged(gql, goal: models.Goal) -> None:
    read = await read_goal(gql, goal)
    assert without_weight(read) == expected_goal(goal)
    assert await history_of(goal) == []


def new_goal_input(o: SimpleNamespace, **overrides) -> dict:
    fields = {
        "title": "Double trial sign-ups",
        "ownerTeamId": gid(o.growth),
        "periodStart": "2026-04-01",
        "periodEnd": "2026-06-30",
    }
    return {**fields, **overrides}


# goalCreate


async def test_owning_editor_creates_a_goal_under_their_teams_goal(gql, org):
    # given
    editor = gql.as_user(org.editor)
    new_goal = new_goal_input(
        org,
        title="  Double trial sign-ups  ",
        description="From the website and the app",
        category="PRODUCT_ADOPTION",
        ownerId=gid(org.editor),
        parentId=gid(org.pipeline),
        weight="2.5",
    )

    # when
    payload = await editor.mutate(GOAL_CREATE, new_goal, "goalCreate")

    # then
    assert payload["userErrors"] == []
    created = payload["goal"]
    expected = {
        "id": created["id"],
        "title": "Double trial sign-ups",
        "description": "From the website and the app",
        "category": "PRODUCT_ADOPTION",
        "periodStart": "2026-04-01",
        "periodEnd": "2026-06-30",
        "version": 1,
        "archivedAt": None,
        "isRoot": False,
        "parent": ref(org.pipeline),
        "ownerTeam": ref(org.growth),
        "owner": ref(org.editor),
    }
    assert without_weight(created) == expected
    read = (await gql.data(READ_GOAL, {"id": created["id"]}))["node"]
    assert without_weight(read) == expected
    assert Decimal(read["weight"]) == Decimal("2.5")
    row = await models.Goal.get(title="Double trial sign-ups")
    [entry] = await history_of(row)
    assert (entry.action, entry.actor_id) == (HistoryAction.CREATED, org.editor.pk)
    assert entry.changes["title"] == {"before": None, "after": "Double trial sign-ups"}
    assert entry.changes["parent_id"] == {"before": None, "after": org.pipeline.pk}


async def test_a_goal_created_with_only_the_required_fields_gets_the_defaults(gql, org):
    # when
    payload = await gql.mutate(GOAL_CREATE, new_goal_input(org), "goalCreate")

    # then
    assert payload["userErrors"] == []
    read = (await gql.data(READ_GOAL, {"id": payload["goal"]["id"]}))["node"]
    assert (read["description"], read["category"], read["isRoot"]) == ("", "OTHER", True)
    assert (read["parent"], read["owner"]) == (None, None)
    assert Decimal(read["weight"]) == 1


async def test_create_is_refused_outside_the_owning_team(gql, org):
    # given
    before = await goal_count(gql)

    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(GOAL_CREATE, {"input": new_goal_input(org)})

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    assert await goal_count(gql) == before


async def test_create_under_another_teams_goal_is_refused(gql, org):
    # given: Sam may write for Sales, but the parent belongs to Growth
    before = await goal_count(gql)
    new_goal = new_goal_input(org, ownerTeamId=gid(org.sales), parentId=gid(org.revenue))

    # when
    error = await gql.as_user(org.sales_editor).error(GOAL_CREATE, {"input": new_goal})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await goal_count(gql) == before


async def test_a_viewer_is_refused_before_anything_is_looked_up(gql, org):
    # given: references to nothing at all
    new_goal = new_goal_input(
        org, ownerTeamId=NO_SUCH_TEAM, parentId=NO_SUCH_GOAL, ownerId=NO_SUCH_USER
    )

    # when
    error = await gql.as_user(org.viewer).error(GOAL_CREATE, {"input": new_goal})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"


def bad_create_input(o: SimpleNamespace) -> list[tuple[dict, str, str]]:
    """Each rule of goalCreate broken once: (input fields, field at fault, code)."""
    return [
        ({"title": ""}, "title", "REQUIRED"),
        ({"title": "   "}, "title", "REQUIRED"),
        ({"title": "x" * 201}, "title", "TOO_LONG"),
        ({"description": "x" * 10_001}, "description", "TOO_LONG"),
        ({"periodEnd": "2026-03-31"}, "periodEnd", "END_BEFORE_START"),
        ({"weight": "0"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "-1"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "1000.001"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "0.0001"}, "weight", "INVALID"),
        ({"weight": "NaN"}, "weight", "INVALID"),
        ({"weight": "Infinity"}, "weight", "INVALID"),
        ({"weight": "1e999999999"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "12345678901234567890123456789.12345"}, "weight", "OUT_OF_RANGE"),
        ({"ownerTeamId": NO_SUCH_TEAM}, "ownerTeamId", "NOT_FOUND"),
        ({"ownerTeamId": "not-an-id"}, "ownerTeamId", "NOT_FOUND"),
        ({"ownerTeamId": encode_global_id("Goal", 1)}, "ownerTeamId", "NOT_FOUND"),
        ({"ownerTeamId": gid(o.closed_team)}, "ownerTeamId", "ARCHIVED"),
        ({"ownerId": NO_SUCH_USER}, "ownerId", "NOT_FOUND"),
        ({"ownerId": gid(o.former)}, "ownerId", "ARCHIVED"),
        ({"parentId": NO_SUCH_GOAL}, "parentId", "NOT_FOUND"),
        ({"parentId": gid(o.dropped)}, "parentId", "ARCHIVED"),
    ]


async def test_create_reports_each_invalid_input_and_writes_nothing(gql, org):
    # given
    before = await goal_count(gql)

    for fields, field, code in bad_create_input(org):
        # when
        payload = await gql.mutate(GOAL_CREATE, new_goal_input(org, **fields), "goalCreate")

        # then
        assert payload["goal"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], fields
    assert await goal_count(gql) == before
    assert await models.HistoryEntry.all().count() == 0


async def test_create_reports_every_problem_at_once(gql, org):
    # given
    new_goal = new_goal_input(
        org, title="", periodEnd="2026-01-01", weight="0", ownerId=NO_SUCH_USER
    )

    # when
    payload = await gql.mutate(GOAL_CREATE, new_goal, "goalCreate")

    # then
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("ownerId", "NOT_FOUND"),
        ("periodEnd", "END_BEFORE_START"),
        ("title", "REQUIRED"),
        ("weight", "OUT_OF_RANGE"),
    ]
    assert all(e["message"] for e in payload["userErrors"])


# goalUpdate


async def test_owning_editor_updates_only_the_fields_sent(gql, org):
    # given
    changes = {
        "id": gid(org.pipeline),
        "version": 1,
        "title": "Grow qualified pipeline",
        "category": "LEAD_GENERATION",
        "ownerId": gid(org.editor),
        "periodEnd": "2026-09-30",
        "weight": "3",
    }

    # when
    payload = await gql.as_user(org.editor).mutate(GOAL_UPDATE, changes, "goalUpdate")

    # then
    assert payload["userErrors"] == []
    expected = expected_goal(
        org.pipeline,
        title="Grow qualified pipeline",
        category="LEAD_GENERATION",
        owner=ref(org.editor),
        periodEnd="2026-09-30",
        version=2,
    )
    assert without_weight(payload["goal"]) == expected
    read = await read_goal(gql, org.pipeline)
    assert without_weight(read) == expected
    assert Decimal(read["weight"]) == 3
    [entry] = await history_of(org.pipeline)
    assert (entry.action, entry.actor_id) == (HistoryAction.UPDATED, org.editor.pk)
    assert entry.changes == {
        "title": {"before": "Grow pipeline", "after": "Grow qualified pipeline"},
        "category": {"before": "OTHER", "after": "LEAD_GENERATION"},
        "owner_id": {"before": None, "after": org.editor.pk},
        "period_end": {"before": "2026-12-31", "after": "2026-09-30"},
        "weight": {"before": "1", "after": "3"},
    }


async def test_update_to_null_clears_the_owner(gql, org):
    # given
    org.pipeline.owner_id = org.editor.pk
    await org.pipeline.save(update_fields=["owner_id"])

    # when
    payload = await gql.mutate(
        GOAL_UPDATE, {"id": gid(org.pipeline), "version": 1, "ownerId": None}, "goalUpdate"
    )

    # then
    assert payload["userErrors"] == []
    assert (await read_goal(gql, org.pipeline))["owner"] is None


async def test_update_with_nothing_changed_keeps_the_version(gql, org):
    # when
    same = {"id": gid(org.pipeline), "version": 1, "title": org.pipeline.title}
    payload = await gql.mutate(GOAL_UPDATE, same, "goalUpdate")

    # then
    assert payload["goal"]["version"] == 1
    assert await history_of(org.pipeline) == []


async def test_update_is_refused_outside_the_owning_team(gql, org):
    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            GOAL_UPDATE, {"input": {"id": gid(org.pipeline), "version": 1, "title": "Mine now"}}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    await assert_unchanged(gql, org.pipeline)


async def test_update_of_a_missing_goal_says_not_found_only_to_writers(gql, org):
    # given
    update = {"input": {"id": NO_SUCH_GOAL, "version": 1, "title": "Anything"}}

    # when
    to_viewer = await gql.as_user(org.viewer).error(GOAL_UPDATE, update)
    to_editor = await gql.as_user(org.editor).error(GOAL_UPDATE, update)

    # then
    assert to_viewer["extensions"]["code"] == "FORBIDDEN"
    assert to_editor["extensions"]["code"] == "NOT_FOUND"


async def test_handing_a_goal_to_another_team_needs_both_teams(gql, org):
    # given
    handover = {"input": {"id": gid(org.pipeline), "version": 1, "ownerTeamId": gid(org.sales)}}

    # when
    refused = await gql.as_user(org.editor).error(GOAL_UPDATE, handover)
    allowed = await gql.as_user(org.both_editor).data(GOAL_UPDATE, handover)

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert allowed["goalUpdate"]["userErrors"] == []
    read = await read_goal(gql, org.pipeline)
    assert (read["ownerTeam"], read["version"]) == (ref(org.sales), 2)
    [entry] = await history_of(org.pipeline)
    assert entry.changes == {"owner_team_id": {"before": org.growth.pk, "after": org.sales.pk}}


def bad_update_input(o: SimpleNamespace) -> list[tuple[dict, str, str]]:
    """Each rule of goalUpdate broken once, against the stored period 2026-01-01 to
    2026-12-31: (input fields, field at fault, code)."""
    return [
        ({"title": None}, "title", "REQUIRED"),
        ({"title": "x" * 201}, "title", "TOO_LONG"),
        ({"description": "x" * 10_001}, "description", "TOO_LONG"),
        ({"category": None}, "category", "REQUIRED"),
        ({"ownerTeamId": None}, "ownerTeamId", "REQUIRED"),
        ({"ownerTeamId": NO_SUCH_TEAM}, "ownerTeamId", "NOT_FOUND"),
        ({"ownerTeamId": gid(o.closed_team)}, "ownerTeamId", "ARCHIVED"),
        ({"ownerId": NO_SUCH_USER}, "ownerId", "NOT_FOUND"),
        ({"ownerId": gid(o.former)}, "ownerId", "ARCHIVED"),
        ({"periodStart": None}, "periodStart", "REQUIRED"),
        ({"periodStart": "2027-01-01"}, "periodStart", "END_BEFORE_START"),
        ({"periodEnd": "2025-12-31"}, "periodEnd", "END_BEFORE_START"),
        ({"periodStart": "2026-06-01", "periodEnd": "2026-05-31"}, "periodEnd", "END_BEFORE_START"),
        ({"weight": None}, "weight", "REQUIRED"),
        ({"weight": "1001"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "-0.5"}, "weight", "OUT_OF_RANGE"),
    ]


async def test_update_reports_each_invalid_input_and_changes_nothing(gql, org):
    for fields, field, code in bad_update_input(org):
        # when
        changes = {"id": gid(org.pipeline), "version": 1, **fields}
        payload = await gql.mutate(GOAL_UPDATE, changes, "goalUpdate")

        # then
        assert payload["goal"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], fields
    await assert_unchanged(gql, org.pipeline)


async def test_an_archived_goal_can_no_longer_be_changed(gql, org):
    # when
    changes = {"id": gid(org.dropped), "version": 1, "title": "Revived"}
    payload = await gql.mutate(GOAL_UPDATE, changes, "goalUpdate")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert (await read_goal(gql, org.dropped))["title"] == "Dropped"


async def test_update_with_a_stale_version_is_a_conflict(gql, org):
    # given: someone else saved version 2 meanwhile
    await gql.mutate(
        GOAL_UPDATE, {"id": gid(org.pipeline), "version": 1, "title": "First"}, "goalUpdate"
    )

    # when
    error = await gql.as_user(org.editor).error(
        GOAL_UPDATE, {"input": {"id": gid(org.pipeline), "version": 1, "title": "Second"}}
    )

    # then
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    read = await read_goal(gql, org.pipeline)
    assert (read["title"], read["version"]) == ("First", 2)
    assert len(await history_of(org.pipeline)) == 1


async def test_racing_updates_on_one_version_let_exactly_one_win(gql, org):
    # given
    editor = gql.as_user(org.editor)
    racing = [
        {"input": {"id": gid(org.pipeline), "version": 1, "title": title}}
        for title in ("Pipeline A", "Pipeline B")
    ]

    # when
    answers = await asyncio.gather(*(editor.raw(GOAL_UPDATE, v) for v in racing))

    # then
    won = [a for a in answers if "errors" not in a]
    lost = [a for a in answers if "errors" in a]
    assert len(won) == len(lost) == 1
    assert [e["extensions"]["code"] for e in lost[0]["errors"]] == ["CONFLICT"]
    winner_title = won[0]["data"]["goalUpdate"]["goal"]["title"]
    read = await read_goal(gql, org.pipeline)
    assert (read["title"], read["version"]) == (winner_title, 2)
    [entry] = await history_of(org.pipeline)
    assert entry.action == HistoryAction.UPDATED
    assert entry.changes == {"title": {"before": "Grow pipeline", "after": winner_title}}


# goalArchive


async def test_owning_editor_archives_a_leaf_goal(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        GOAL_ARCHIVE, {"id": gid(org.webinars), "version": 1}, "goalArchive"
    )

    # then
    assert payload["userErrors"] == []
    read = await read_goal(gql, org.webinars)
    assert read["archivedAt"] is not None
    assert read["version"] == 2
    [entry] = await history_of(org.webinars)
    assert (entry.action, entry.actor_id) == (HistoryAction.ARCHIVED, org.editor.pk)


async def test_archive_waits_for_live_child_goals_and_key_results(gql, org):
    # given: pipeline has one live child goal and two live key results (one archived)
    await factories.key_result(org.pipeline)
    await factories.key_result(org.pipeline)
    await factories.archive(await factories.key_result(org.pipeline))

    # when
    payload = await gql.mutate(GOAL_ARCHIVE, {"id": gid(org.pipeline), "version": 1}, "goalArchive")

    # then
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("id", "HAS_DEPENDENTS")
    assert error["message"] == (
        "This goal still has 1 live child goal and 2 live key results; first move its "
        "child goals elsewhere or archive them and archive its key results."
    )
    await assert_unchanged(gql, org.pipeline)


async def test_archived_children_do_not_hold_a_goal_back(gql, org):
    # given
    await factories.archive(org.webinars)

    # when
    payload = await gql.mutate(GOAL_ARCHIVE, {"id": gid(org.pipeline), "version": 1}, "goalArchive")

    # then
    assert payload["userErrors"] == []
    assert (await read_goal(gql, org.pipeline))["archivedAt"] is not None


async def test_archiving_an_archived_goal_changes_nothing(gql, org):
    # when
    payload = await gql.mutate(GOAL_ARCHIVE, {"id": gid(org.dropped), "version": 1}, "goalArchive")

    # then
    assert payload["userErrors"] == []
    assert payload["goal"]["version"] == 1
    assert await history_of(org.dropped) == []


async def test_archive_is_refused_outside_the_owning_team(gql, org):
    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            GOAL_ARCHIVE, {"input": {"id": gid(org.webinars), "version": 1}}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    await assert_unchanged(gql, org.webinars)


async def test_archive_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(GOAL_ARCHIVE, {"input": {"id": gid(org.webinars), "version": 7}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    await assert_unchanged(gql, org.webinars)


# goalMove


async def test_owning_editor_makes_a_goal_top_level(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        GOAL_MOVE, {"id": gid(org.webinars), "version": 1, "parentId": None}, "goalMove"
    )

    # then
    assert payload["userErrors"] == []
    expected = expected_goal(org.webinars, parent=None, isRoot=True, version=2)
    assert without_weight(await read_goal(gql, org.webinars)) == expected
    [entry] = await history_of(org.webinars)
    assert (entry.action, entry.actor_id) == (HistoryAction.MOVED, org.editor.pk)
    assert entry.changes == {"parent_id": {"before": org.pipeline.pk, "after": None}}


async def test_a_goal_moves_under_another_goal_with_its_subtree(gql, org):
    # given
    target = await factories.goal(org.growth, title="Retain customers")

    # when
    payload = await gql.as_user(org.editor).mutate(
        GOAL_MOVE, {"id": gid(org.pipeline), "version": 1, "parentId": gid(target)}, "goalMove"
    )

    # then
    assert payload["userErrors"] == []
    assert (await read_goal(gql, org.pipeline))["parent"] == ref(target)
    assert (await read_goal(gql, org.webinars))["parent"] == ref(org.pipeline)


async def test_a_move_under_itself_or_a_descendant_is_a_cycle(gql, org):
    # given: revenue > pipeline > webinars
    for under in (org.revenue, org.pipeline, org.webinars):
        # when
        move = {"id": gid(org.revenue), "version": 1, "parentId": gid(under)}
        payload = await gql.mutate(GOAL_MOVE, move, "goalMove")

        # then
        errors = [(e["field"], e["code"]) for e in payload["userErrors"]]
        assert errors == [("parentId", "CYCLE")], under.title
    await assert_unchanged(gql, org.revenue)


async def test_a_move_needs_a_live_parent(gql, org):
    for parent_id, code in [
        (NO_SUCH_GOAL, "NOT_FOUND"),
        ("not-an-id", "NOT_FOUND"),
        (gid(org.dropped), "ARCHIVED"),
    ]:
        # when
        move = {"id": gid(org.webinars), "version": 1, "parentId": parent_id}
        payload = await gql.mutate(GOAL_MOVE, move, "goalMove")

        # then
        errors = [(e["field"], e["code"]) for e in payload["userErrors"]]
        assert errors == [("parentId", code)], parent_id
    await assert_unchanged(gql, org.webinars)


async def test_a_move_needs_write_permission_on_the_goal_and_the_new_parent(gql, org):
    refused = [
        (org.viewer, org.webinars, org.revenue),
        (org.sales_editor, org.webinars, org.quota),  # may change the new parent, not the goal
        (org.editor, org.webinars, org.quota),  # may change the goal, not the new parent
        (org.sales_editor, org.quota, org.revenue),  # the same, from the other side
    ]
    for who, moving, parent in refused:
        # when
        move = {"id": gid(moving), "version": 1, "parentId": gid(parent)}
        error = await gql.as_user(who).error(GOAL_MOVE, {"input": move})

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", (who.name, moving.title)
    for goal in (org.webinars, org.quota):
        await assert_unchanged(gql, goal)


async def test_an_editor_of_both_teams_moves_a_goal_under_the_other_teams_goal(gql, org):
    # when
    move = {"id": gid(org.quota), "version": 1, "parentId": gid(org.revenue)}
    payload = await gql.as_user(org.both_editor).mutate(GOAL_MOVE, move, "goalMove")

    # then
    assert payload["userErrors"] == []
    read = await read_goal(gql, org.quota)
    assert (read["parent"], read["ownerTeam"]) == (ref(org.revenue), ref(org.sales))


async def test_move_with_a_stale_version_is_a_conflict(gql, org):
    # when
    move = {"id": gid(org.webinars), "version": 2, "parentId": None}
    error = await gql.error(GOAL_MOVE, {"input": move})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    await assert_unchanged(gql, org.webinars)


async def test_racing_moves_cannot_make_the_tree_loop(gql, org):
    # given: two goals, each moved under the other at the same time
    first = await factories.goal(org.growth, title="First")
    second = await factories.goal(org.growth, title="Second")
    moves = [
        {"input": {"id": gid(first), "version": 1, "parentId": gid(second)}},
        {"input": {"id": gid(second), "version": 1, "parentId": gid(first)}},
    ]

    # when
    editor = gql.as_user(org.editor)
    answers = await asyncio.gather(*(editor.raw(GOAL_MOVE, m) for m in moves))

    # then
    errors = [a["data"]["goalMove"]["userErrors"] for a in answers]
    assert sorted(len(e) for e in errors) == [0, 1]
    assert [e["code"] for e in errors[0] + errors[1]] == ["CYCLE"]
    parents = {goal.pk: (await models.Goal.get(id=goal.pk)).parent_id for goal in (first, second)}
    assert None in parents.values()
