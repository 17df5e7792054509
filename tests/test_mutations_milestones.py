"""Milestone mutations: create, update, archive, each checked through the API for its
result, its permissions, its validation, its version check and its history."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import HistoryAction, MilestoneKind, Role
from tests import factories

MILESTONE_FIELDS = """
fragment MilestoneFields on Milestone {
  id title description kind startDate endDate version archivedAt
  team { id } campaign { id } keyResult { id }
}
"""

READ_MILESTONE = (
    """
query ReadMilestone($id: ID!) {
  node(id: $id) { ...MilestoneFields }
}
"""
    + MILESTONE_FIELDS
)

COUNT_MILESTONES = """
query CountMilestones {
  milestones(filter: {includeArchived: true}) { totalCount }
}
"""

MILESTONE_CREATE = (
    """
mutation MilestoneCreate($input: MilestoneCreateInput!) {
  milestoneCreate(input: $input) {
    milestone { ...MilestoneFields }
    userErrors { field code message }
  }
}
"""
    + MILESTONE_FIELDS
)

MILESTONE_UPDATE = (
    """
mutation MilestoneUpdate($input: MilestoneUpdateInput!) {
  milestoneUpdate(input: $input) {
    milestone { ...MilestoneFields }
    userErrors { field code message }
  }
}
"""
    + MILESTONE_FIELDS
)

MILESTONE_ARCHIVE = (
    """
mutation MilestoneArchive($input: MilestoneArchiveInput!) {
  milestoneArchive(input: $input) {
    milestone { ...MilestoneFields }
    userErrors { field code message }
  }
}
"""
    + MILESTONE_FIELDS
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def ref(row) -> dict[str, str] | None:
    return None if row is None else {"id": gid(row)}


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with their editors, a viewer, and a launch of the growth team."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.key_result = await factories.key_result(o.goal, title="500 SQLs")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars")
    o.milestone = await factories.milestone(
        o.growth,
        title="Spring launch",
        description="Press and webinar",
        kind=MilestoneKind.LAUNCH,
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 2),
        campaign=o.campaign,
    )
    return o


def expected_milestone(milestone: models.Milestone, **changes) -> dict:
    """The API's view of a factory milestone, with `changes` applied."""

    def linked(type_name: str, pk: int | None) -> dict | None:
        return {"id": encode_global_id(type_name, pk)} if pk else None

    view = {
        "id": gid(milestone),
        "title": milestone.title,
        "description": milestone.description,
        "kind": milestone.kind.value,
        "startDate": milestone.start_date.isoformat(),
        "endDate": milestone.end_date and milestone.end_date.isoformat(),
        "version": milestone.version,
        "archivedAt": None,
        "team": linked("Team", milestone.team_id),
        "campaign": linked("Campaign", milestone.campaign_id),
        "keyResult": linked("KeyResult", milestone.key_result_id),
    }
    return {**view, **changes}


async def read_milestone(gql, milestone: models.Milestone) -> dict:
    return (await gql.data(READ_MILESTONE, {"id": gid(milestone)}))["node"]


async def milestone_count(gql) -> int:
    return (await gql.data(COUNT_MILESTONES))["milestones"]["totalCount"]


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


# milestoneCreate


async def test_editor_creates_a_milestone_for_their_team(gql, org):
    # given
    new_milestone = {
        "title": " Webinar episode 5 ",
        "description": "Guest: a customer",
        "teamId": gid(org.growth),
        "kind": "WEBINAR",
        "startDate": "2026-05-12",
        "endDate": "2026-05-12",
        "keyResultId": gid(org.key_result),
    }

    # when
    payload = await gql.as_user(org.editor).mutate(
        MILESTONE_CREATE, new_milestone, "milestoneCreate"
    )

    # then
    assert payload["userErrors"] == []
    created = payload["milestone"]
    expected = {
        "id": created["id"],
        "title": "Webinar episode 5",
        "description": "Guest: a customer",
        "kind": "WEBINAR",
        "startDate": "2026-05-12",
        "endDate": "2026-05-12",
        "version": 1,
        "archivedAt": None,
        "team": ref(org.growth),
        "campaign": None,
        "keyResult": ref(org.key_result),
    }
    assert created == expected
    assert (await gql.data(READ_MILESTONE, {"id": created["id"]}))["node"] == expected
    row = await models.Milestone.get(title="Webinar episode 5")
    [entry] = await history_of(row)
    assert entry.action == HistoryAction.CREATED
    assert entry.actor_id == org.editor.pk
    assert entry.changes["kind"] == {"before": None, "after": "WEBINAR"}


async def test_a_one_day_milestone_needs_only_title_team_and_date(gql, org):
    # given
    new_milestone = {"title": "Price change", "teamId": gid(org.sales), "startDate": "2026-06-01"}

    # when
    payload = await gql.as_user(org.sales_editor).mutate(
        MILESTONE_CREATE, new_milestone, "milestoneCreate"
    )

    # then
    created = payload["milestone"]
    assert (created["kind"], created["endDate"], created["description"]) == ("OTHER", None, "")
    assert await milestone_count(gql) == 2


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_create_is_refused_outside_the_owning_team(gql, org, who):
    # given
    new_milestone = {"title": "Sneaky", "teamId": gid(org.growth), "startDate": "2026-06-01"}

    # when
    error = await gql.as_user(getattr(org, who)).error(MILESTONE_CREATE, {"input": new_milestone})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await milestone_count(gql) == 1


CREATE_ERRORS = [
    ({"title": "  "}, "title", "REQUIRED"),
    ({"title": "x" * 201}, "title", "TOO_LONG"),
    ({"description": "x" * 10_001}, "description", "TOO_LONG"),
    ({"endDate": "2026-05-31"}, "endDate", "END_BEFORE_START"),
    ({"teamId": encode_global_id("Team", 99_999)}, "teamId", "NOT_FOUND"),
    ({"teamId": "archived"}, "teamId", "ARCHIVED"),
    ({"campaignId": "archived"}, "campaignId", "ARCHIVED"),
    ({"campaignId": "junk"}, "campaignId", "NOT_FOUND"),
    ({"keyResultId": encode_global_id("KeyResult", 99_999)}, "keyResultId", "NOT_FOUND"),
]


@pytest.mark.parametrize(("fields", "field", "code"), CREATE_ERRORS)
async def test_create_reports_invalid_input_and_writes_nothing(gql, org, fields, field, code):
    # given
    archived = {
        "teamId": gid(await factories.archive(await factories.team())),
        "campaignId": gid(await factories.archive(await factories.campaign(org.growth))),
    }
    named = {
        name: archived[name] if value == "archived" else value for name, value in fields.items()
    }
    new_milestone = {"title": "Valid", "teamId": gid(org.growth), "startDate": "2026-06-01"}

    # when
    payload = await gql.as_user(org.editor).mutate(
        MILESTONE_CREATE, {**new_milestone, **named}, "milestoneCreate"
    )

    # then
    assert payload["milestone"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await milestone_count(gql) == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_unknown_kind_is_refused_by_the_schema(gql, org):
    # given
    new_milestone = {
        "title": "Party",
        "teamId": gid(org.growth),
        "startDate": "2026-06-01",
        "kind": "PARTY",
    }

    # when
    error = await gql.error(MILESTONE_CREATE, {"input": new_milestone})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await milestone_count(gql) == 1


# milestoneUpdate


async def test_owning_editor_updates_only_the_fields_sent(gql, org):
    # given
    changes = {"id": gid(org.milestone), "version": 1, "endDate": None, "kind": "RELEASE"}

    # when
    payload = await gql.as_user(org.editor).mutate(MILESTONE_UPDATE, changes, "milestoneUpdate")

    # then
    assert payload["userErrors"] == []
    expected = expected_milestone(org.milestone, endDate=None, kind="RELEASE", version=2)
    assert payload["milestone"] == expected
    assert await read_milestone(gql, org.milestone) == expected
    [entry] = await history_of(org.milestone)
    assert entry.action == HistoryAction.UPDATED
    assert entry.changes == {
        "kind": {"before": "LAUNCH", "after": "RELEASE"},
        "end_date": {"before": "2026-04-02", "after": None},
    }


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_update_is_refused_outside_the_owning_team(gql, org, who):
    # given
    changes = {"id": gid(org.milestone), "version": 1, "title": "Hijacked"}

    # when
    error = await gql.as_user(getattr(org, who)).error(MILESTONE_UPDATE, {"input": changes})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_milestone(gql, org.milestone) == expected_milestone(org.milestone)
    assert await history_of(org.milestone) == []


async def test_moving_a_milestone_to_another_team_needs_that_team(gql, org):
    # given: a milestone that only the growth team owns
    milestone = await factories.milestone(org.growth, title="Trade show")
    move = {"id": gid(milestone), "version": 1, "teamId": gid(org.sales)}

    # when
    refused = await gql.as_user(org.editor).error(MILESTONE_UPDATE, {"input": move})
    moved = await gql.mutate(MILESTONE_UPDATE, move, "milestoneUpdate")

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert moved["userErrors"] == []
    assert (await read_milestone(gql, milestone))["team"] == ref(org.sales)
    assert len(await history_of(milestone)) == 1


UPDATE_ERRORS = [
    ({"title": None}, "title", "REQUIRED"),
    ({"teamId": None}, "teamId", "REQUIRED"),
    ({"startDate": None}, "startDate", "REQUIRED"),
    ({"kind": None}, "kind", "REQUIRED"),
    ({"startDate": "2026-04-03"}, "endDate", "END_BEFORE_START"),
    ({"keyResultId": encode_global_id("Task", 1)}, "keyResultId", "NOT_FOUND"),
]


@pytest.mark.parametrize(("fields", "field", "code"), UPDATE_ERRORS)
async def test_update_reports_invalid_input_and_changes_nothing(gql, org, fields, field, code):
    # given
    changes = {"id": gid(org.milestone), "version": 1, **fields}

    # when
    payload = await gql.as_user(org.editor).mutate(MILESTONE_UPDATE, changes, "milestoneUpdate")

    # then
    assert payload["milestone"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await read_milestone(gql, org.milestone) == expected_milestone(org.milestone)
    assert await history_of(org.milestone) == []


async def test_update_with_a_stale_version_is_a_conflict(gql, org):
    # given
    first = {"id": gid(org.milestone), "version": 1, "title": "Spring launch, v2"}
    await gql.mutate(MILESTONE_UPDATE, first, "milestoneUpdate")

    # when
    error = await gql.error(MILESTONE_UPDATE, {"input": {**first, "title": "Lost edit"}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert await read_milestone(gql, org.milestone) == expected_milestone(
        org.milestone, title="Spring launch, v2", version=2
    )
    assert len(await history_of(org.milestone)) == 1


async def test_racing_updates_on_one_version_let_exactly_one_win(gql, org):
    # given
    editor = gql.as_user(org.editor)
    racing = [
        {"input": {"id": gid(org.milestone), "version": 1, "startDate": day}}
        for day in ("2026-03-30", "2026-03-31")
    ]

    # when
    answers = await asyncio.gather(*(editor.raw(MILESTONE_UPDATE, v) for v in racing))

    # then
    won = [a for a in answers if "errors" not in a]
    lost = [a for a in answers if "errors" in a]
    assert len(won) == len(lost) == 1
    assert [e["extensions"]["code"] for e in lost[0]["errors"]] == ["CONFLICT"]
    winner_day = won[0]["data"]["milestoneUpdate"]["milestone"]["startDate"]
    read = await read_milestone(gql, org.milestone)
    assert (read["startDate"], read["version"]) == (winner_day, 2)
    assert len(await history_of(org.milestone)) == 1


# milestoneArchive


async def test_owning_editor_archives_a_milestone(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        MILESTONE_ARCHIVE, {"id": gid(org.milestone), "version": 1}, "milestoneArchive"
    )

    # then
    assert payload["userErrors"] == []
    read = await read_milestone(gql, org.milestone)
    assert read["archivedAt"] is not None
    assert read == expected_milestone(org.milestone, version=2, archivedAt=read["archivedAt"])
    [entry] = await history_of(org.milestone)
    assert entry.action == HistoryAction.ARCHIVED


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_archive_is_refused_outside_the_owning_team(gql, org, who):
    # when
    error = await gql.as_user(getattr(org, who)).error(
        MILESTONE_ARCHIVE, {"input": {"id": gid(org.milestone), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_milestone(gql, org.milestone) == expected_milestone(org.milestone)


async def test_archive_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(MILESTONE_ARCHIVE, {"input": {"id": gid(org.milestone), "version": 3}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert await read_milestone(gql, org.milestone) == expected_milestone(org.milestone)
    assert await history_of(org.milestone) == []


async def test_an_archived_milestone_can_no_longer_be_changed(gql, org):
    # given
    await factories.archive(org.milestone)

    # when
    payload = await gql.mutate(
        MILESTONE_UPDATE,
        {"id": gid(org.milestone), "version": 1, "title": "Late"},
        "milestoneUpdate",
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert (await read_milestone(gql, org.milestone))["title"] == "Spring launch"
