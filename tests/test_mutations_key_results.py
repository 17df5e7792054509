"""Key result mutations: create, update, archive, check in, each checked through the API
for its result, its permissions, its validation, its version check and its history."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import HistoryAction, MeasureUnit, Role
from tests import factories

pytestmark = pytest.mark.date_sensitive

KEY_RESULT_FIELDS = """
fragment KeyResultFields on KeyResult {
  id title description unit currency startValue targetValue currentValue dueDate weight
  version archivedAt goal { id } owner { id }
}
"""

READ_KEY_RESULT = (
    """
query ReadKeyResult($id: ID!) {
  node(id: $id) {
    ...KeyResultFields
    ... on KeyResult { checkIns { nodes { id value note checkedInAt author { id } } } }
  }
}
"""
    + KEY_RESULT_FIELDS
)

COUNT_KEY_RESULTS = """
query CountKeyResults {
  keyResults(filter: {includeArchived: true}) { totalCount }
}
"""

KEY_RESULT_CREATE = (
    """
mutation KeyResultCreate($input: KeyResultCreateInput!) {
  keyResultCreate(input: $input) {
    keyResult { ...KeyResultFields }
    userErrors { field code message }
  }
}
"""
    + KEY_RESULT_FIELDS
)

KEY_RESULT_UPDATE = (
    """
mutation KeyResultUpdate($input: KeyResultUpdateInput!) {
  keyResultUpdate(input: $input) {
    keyResult { ...KeyResultFields }
    userErrors { field code message }
  }
}
"""
    + KEY_RESULT_FIELDS
)

KEY_RESULT_ARCHIVE = (
    """
mutation KeyResultArchive($input: KeyResultArchiveInput!) {
  keyResultArchive(input: $input) {
    keyResult { ...KeyResultFields }
    userErrors { field code message }
  }
}
"""
    + KEY_RESULT_FIELDS
)

KEY_RESULT_CHECK_IN = (
    """
mutation KeyResultCheckIn($input: KeyResultCheckInInput!) {
  keyResultCheckIn(input: $input) {
    keyResult { ...KeyResultFields }
    checkIn { id value note checkedInAt author { id } keyResult { id } version }
    userErrors { field code message }
  }
}
"""
    + KEY_RESULT_FIELDS
)

NUMBER_FIELDS = ("startValue", "targetValue", "currentValue", "weight")
NO_SUCH_GOAL = encode_global_id("Goal", 999_999)
NO_SUCH_KEY_RESULT = encode_global_id("KeyResult", 999_999)
NO_SUCH_USER = encode_global_id("User", 999_999)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def ref(row) -> dict[str, str] | None:
    return None if row is None else {"id": gid(row)}


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with their editors and a viewer; a Growth goal with a count key result
    (0 -> 100) and a revenue key result (USD 0 -> 250000), and a Sales goal."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.both_editor = await factories.user(teams=[o.growth, o.sales], role=Role.EDITOR)
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.former = await factories.archive(await factories.user(teams=[o.growth], name="Fay"))
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.other_goal = await factories.goal(o.growth, title="Retain customers")
    o.sales_goal = await factories.goal(o.sales, title="Make quota")
    o.dropped_goal = await factories.archive(await factories.goal(o.growth, title="Dropped"))
    o.signups = await factories.key_result(o.goal, title="500 sign-ups")
    o.revenue = await factories.key_result(
        o.goal,
        title="New ARR",
        unit=MeasureUnit.CURRENCY,
        currency="USD",
        target_value=Decimal(250_000),
    )
    o.retired = await factories.archive(await factories.key_result(o.goal, title="Retired"))
    return o


def numbers(view: dict) -> dict:
    """Decimals are spelled differently by each engine: compare them as numbers."""
    return {k: Decimal(v) if k in NUMBER_FIELDS and v is not None else v for k, v in view.items()}


def expected_key_result(key_result: models.KeyResult, **changes) -> dict:
    """The API's view of a key result row, numbers as Decimal, with `changes` applied."""
    view = {
        "id": gid(key_result),
        "title": key_result.title,
        "description": key_result.description,
        "unit": key_result.unit.value,
        "currency": key_result.currency,
        "startValue": Decimal(key_result.start_value),
        "targetValue": Decimal(key_result.target_value),
        "currentValue": Decimal(key_result.current_value),
        "dueDate": key_result.due_date.isoformat(),
        "weight": Decimal(key_result.weight),
        "version": key_result.version,
        "archivedAt": None,
        "goal": {"id": encode_global_id("Goal", key_result.goal_id)},
        "owner": {"id": encode_global_id("User", key_result.owner_id)}
        if key_result.owner_id
        else None,
    }
    return {**view, **changes}


async def read_key_result(gql, key_result: models.KeyResult) -> dict:
    node = (await gql.data(READ_KEY_RESULT, {"id": gid(key_result)}))["node"]
    return numbers(node)


async def key_result_count(gql) -> int:
    return (await gql.data(COUNT_KEY_RESULTS))["keyResults"]["totalCount"]


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


async def assert_unchanged(gql, key_result: models.KeyResult) -> None:
    read = await read_key_result(gql, key_result)
    assert read.pop("checkIns") == {"nodes": []}
    assert read == expected_key_result(key_result)
    assert await history_of(key_result) == []


def new_key_result_input(o: SimpleNamespace, **overrides) -> dict:
    fields = {
        "goalId": gid(o.goal),
        "title": "Webinar attendees",
        "startValue": "0",
        "targetValue": "1200",
        "dueDate": "2026-06-30",
    }
    return {**fields, **overrides}


# keyResultCreate


async def test_owning_editor_creates_a_key_result(gql, org):
    # given
    new_key_result = new_key_result_input(
        org,
        title="  Expansion revenue ",
        description="Upsell to existing customers",
        unit="CURRENCY",
        currency="eur",
        startValue="10000",
        targetValue="75000.50",
        currentValue="12500",
        weight="2",
        ownerId=gid(org.editor),
    )

    # when
    payload = await gql.as_user(org.editor).mutate(
        KEY_RESULT_CREATE, new_key_result, "keyResultCreate"
    )

    # then
    assert payload["userErrors"] == []
    created = numbers(payload["keyResult"])
    expected = {
        "id": created["id"],
        "title": "Expansion revenue",
        "description": "Upsell to existing customers",
        "unit": "CURRENCY",
        "currency": "EUR",
        "startValue": Decimal(10_000),
        "targetValue": Decimal("75000.5"),
        "currentValue": Decimal(12_500),
        "dueDate": "2026-06-30",
        "weight": Decimal(2),
        "version": 1,
        "archivedAt": None,
        "goal": ref(org.goal),
        "owner": ref(org.editor),
    }
    assert created == expected
    read = numbers((await gql.data(READ_KEY_RESULT, {"id": created["id"]}))["node"])
    assert read == {**expected, "checkIns": {"nodes": []}}
    row = await models.KeyResult.get(title="Expansion revenue")
    [entry] = await history_of(row)
    assert (entry.action, entry.actor_id) == (HistoryAction.CREATED, org.editor.pk)
    assert entry.changes["target_value"] == {"before": None, "after": "75000.5000"}


async def test_a_key_result_created_with_only_the_required_fields_gets_the_defaults(gql, org):
    # when
    payload = await gql.mutate(
        KEY_RESULT_CREATE, new_key_result_input(org, startValue="5"), "keyResultCreate"
    )

    # then
    assert payload["userErrors"] == []
    read = numbers((await gql.data(READ_KEY_RESULT, {"id": payload["keyResult"]["id"]}))["node"])
    assert (read["unit"], read["currency"], read["description"]) == ("NUMBER", None, "")
    assert (read["currentValue"], read["weight"], read["owner"]) == (5, 1, None)


async def test_create_is_refused_outside_the_owning_team(gql, org):
    # given
    before = await key_result_count(gql)

    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            KEY_RESULT_CREATE, {"input": new_key_result_input(org)}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    assert await key_result_count(gql) == before


async def test_a_viewer_is_refused_before_anything_is_looked_up(gql, org):
    # when
    new_key_result = new_key_result_input(org, goalId=NO_SUCH_GOAL, ownerId=NO_SUCH_USER)
    error = await gql.as_user(org.viewer).error(KEY_RESULT_CREATE, {"input": new_key_result})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"


def bad_create_input(o: SimpleNamespace) -> list[tuple[dict, str, str]]:
    """Each rule of keyResultCreate broken once: (input fields, field at fault, code)."""
    return [
        ({"title": " "}, "title", "REQUIRED"),
        ({"title": "x" * 201}, "title", "TOO_LONG"),
        ({"description": "x" * 10_001}, "description", "TOO_LONG"),
        ({"startValue": "1200.0"}, "targetValue", "TARGET_EQUALS_START"),
        ({"unit": "CURRENCY"}, "currency", "REQUIRED"),
        ({"unit": "CURRENCY", "currency": "XYZ"}, "currency", "UNKNOWN_CURRENCY"),
        ({"unit": "PERCENT", "currency": "USD"}, "currency", "INVALID"),
        ({"currency": "USD"}, "currency", "INVALID"),
        ({"startValue": "NaN"}, "startValue", "INVALID"),
        ({"targetValue": "-Infinity"}, "targetValue", "INVALID"),
        ({"startValue": "0.00001"}, "startValue", "INVALID"),
        ({"targetValue": "1e30"}, "targetValue", "OUT_OF_RANGE"),
        ({"currentValue": "-1e999999999"}, "currentValue", "OUT_OF_RANGE"),
        ({"weight": "0"}, "weight", "OUT_OF_RANGE"),
        ({"weight": "1000.5"}, "weight", "OUT_OF_RANGE"),
        ({"goalId": NO_SUCH_GOAL}, "goalId", "NOT_FOUND"),
        ({"goalId": "garbage"}, "goalId", "NOT_FOUND"),
        ({"goalId": gid(o.dropped_goal)}, "goalId", "ARCHIVED"),
        ({"ownerId": NO_SUCH_USER}, "ownerId", "NOT_FOUND"),
        ({"ownerId": gid(o.former)}, "ownerId", "ARCHIVED"),
    ]


async def test_create_reports_each_invalid_input_and_writes_nothing(gql, org):
    # given
    before = await key_result_count(gql)

    for fields, field, code in bad_create_input(org):
        # when
        new_key_result = new_key_result_input(org, **fields)
        payload = await gql.mutate(KEY_RESULT_CREATE, new_key_result, "keyResultCreate")

        # then
        assert payload["keyResult"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], fields
    assert await key_result_count(gql) == before
    assert await models.HistoryEntry.all().count() == 0


async def test_create_reports_every_problem_at_once(gql, org):
    # given
    new_key_result = new_key_result_input(
        org, title="", targetValue="0", unit="CURRENCY", weight="-2", goalId=NO_SUCH_GOAL
    )

    # when
    payload = await gql.mutate(KEY_RESULT_CREATE, new_key_result, "keyResultCreate")

    # then
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("currency", "REQUIRED"),
        ("goalId", "NOT_FOUND"),
        ("targetValue", "TARGET_EQUALS_START"),
        ("title", "REQUIRED"),
        ("weight", "OUT_OF_RANGE"),
    ]


# keyResultUpdate


async def test_owning_editor_updates_only_the_fields_sent(gql, org):
    # given
    changes = {
        "id": gid(org.signups),
        "version": 1,
        "title": "600 sign-ups",
        "targetValue": "600",
        "dueDate": "2026-09-30",
        "weight": "1.5",
        "ownerId": gid(org.editor),
    }

    # when
    payload = await gql.as_user(org.editor).mutate(KEY_RESULT_UPDATE, changes, "keyResultUpdate")

    # then
    assert payload["userErrors"] == []
    expected = expected_key_result(
        org.signups,
        title="600 sign-ups",
        targetValue=Decimal(600),
        dueDate="2026-09-30",
        weight=Decimal("1.5"),
        owner=ref(org.editor),
        version=2,
    )
    assert numbers(payload["keyResult"]) == expected
    read = await read_key_result(gql, org.signups)
    assert {k: v for k, v in read.items() if k != "checkIns"} == expected
    [entry] = await history_of(org.signups)
    assert (entry.action, entry.actor_id) == (HistoryAction.UPDATED, org.editor.pk)
    assert entry.changes == {
        "title": {"before": "500 sign-ups", "after": "600 sign-ups"},
        "target_value": {"before": "100", "after": "600"},
        "due_date": {"before": "2026-12-31", "after": "2026-09-30"},
        "weight": {"before": "1", "after": "1.500"},
        "owner_id": {"before": None, "after": org.editor.pk},
    }


async def test_a_unit_other_than_currency_drops_the_currency(gql, org):
    # when
    change = {"id": gid(org.revenue), "version": 1, "unit": "NUMBER"}
    payload = await gql.mutate(KEY_RESULT_UPDATE, change, "keyResultUpdate")

    # then
    assert payload["userErrors"] == []
    read = await read_key_result(gql, org.revenue)
    assert (read["unit"], read["currency"]) == ("NUMBER", None)


async def test_a_currency_key_result_may_change_its_currency_alone(gql, org):
    # when
    change = {"id": gid(org.revenue), "version": 1, "currency": "GBP"}
    payload = await gql.mutate(KEY_RESULT_UPDATE, change, "keyResultUpdate")

    # then
    assert payload["userErrors"] == []
    read = await read_key_result(gql, org.revenue)
    assert (read["unit"], read["currency"]) == ("CURRENCY", "GBP")


async def test_moving_a_key_result_to_another_teams_goal_needs_both_teams(gql, org):
    # given
    move = {"input": {"id": gid(org.signups), "version": 1, "goalId": gid(org.sales_goal)}}

    # when
    refused = await gql.as_user(org.editor).error(KEY_RESULT_UPDATE, move)
    allowed = await gql.as_user(org.both_editor).data(KEY_RESULT_UPDATE, move)

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert allowed["keyResultUpdate"]["userErrors"] == []
    read = await read_key_result(gql, org.signups)
    assert (read["goal"], read["version"]) == (ref(org.sales_goal), 2)


async def test_update_is_refused_outside_the_owning_team(gql, org):
    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            KEY_RESULT_UPDATE, {"input": {"id": gid(org.signups), "version": 1, "title": "Mine"}}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    await assert_unchanged(gql, org.signups)


async def test_update_of_a_missing_key_result_says_not_found_only_to_writers(gql, org):
    # given
    update = {"input": {"id": NO_SUCH_KEY_RESULT, "version": 1, "title": "Anything"}}

    # when
    to_viewer = await gql.as_user(org.viewer).error(KEY_RESULT_UPDATE, update)
    to_editor = await gql.as_user(org.editor).error(KEY_RESULT_UPDATE, update)

    # then
    assert to_viewer["extensions"]["code"] == "FORBIDDEN"
    assert to_editor["extensions"]["code"] == "NOT_FOUND"


def bad_update_input(o: SimpleNamespace) -> list[tuple[models.KeyResult, dict, str, str]]:
    """Each rule of keyResultUpdate broken once, against sign-ups (NUMBER, 0 -> 100) or
    revenue (USD, 0 -> 250000): (key result, input fields, field at fault, code)."""
    return [
        (o.signups, {"title": None}, "title", "REQUIRED"),
        (o.signups, {"description": "x" * 10_001}, "description", "TOO_LONG"),
        (o.signups, {"startValue": "100"}, "startValue", "TARGET_EQUALS_START"),
        (o.signups, {"targetValue": "0.0000"}, "targetValue", "TARGET_EQUALS_START"),
        (o.signups, {"startValue": "7", "targetValue": "7"}, "targetValue", "TARGET_EQUALS_START"),
        (o.signups, {"startValue": None}, "startValue", "REQUIRED"),
        (o.signups, {"targetValue": "NaN"}, "targetValue", "INVALID"),
        (o.signups, {"unit": None}, "unit", "REQUIRED"),
        (o.signups, {"unit": "CURRENCY"}, "currency", "REQUIRED"),
        (o.signups, {"currency": "USD"}, "currency", "INVALID"),
        (o.revenue, {"currency": "ABC"}, "currency", "UNKNOWN_CURRENCY"),
        (o.revenue, {"currency": None}, "currency", "REQUIRED"),
        (o.signups, {"dueDate": None}, "dueDate", "REQUIRED"),
        (o.signups, {"weight": None}, "weight", "REQUIRED"),
        (o.signups, {"weight": "0.0"}, "weight", "OUT_OF_RANGE"),
        (o.signups, {"goalId": None}, "goalId", "REQUIRED"),
        (o.signups, {"goalId": gid(o.dropped_goal)}, "goalId", "ARCHIVED"),
        (o.signups, {"ownerId": gid(o.former)}, "ownerId", "ARCHIVED"),
    ]


async def test_update_reports_each_invalid_input_and_changes_nothing(gql, org):
    for key_result, fields, field, code in bad_update_input(org):
        # when
        changes = {"id": gid(key_result), "version": 1, **fields}
        payload = await gql.mutate(KEY_RESULT_UPDATE, changes, "keyResultUpdate")

        # then
        assert payload["keyResult"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], fields
    await assert_unchanged(gql, org.signups)
    await assert_unchanged(gql, org.revenue)


async def test_an_archived_key_result_can_no_longer_be_changed(gql, org):
    # when
    changes = {"id": gid(org.retired), "version": 1, "title": "Revived"}
    payload = await gql.mutate(KEY_RESULT_UPDATE, changes, "keyResultUpdate")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert (await read_key_result(gql, org.retired))["title"] == "Retired"


async def test_update_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(
        KEY_RESULT_UPDATE, {"input": {"id": gid(org.signups), "version": 0, "title": "Late"}}
    )

    # then
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    await assert_unchanged(gql, org.signups)


# keyResultArchive


async def test_owning_editor_archives_a_key_result(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        KEY_RESULT_ARCHIVE, {"id": gid(org.signups), "version": 1}, "keyResultArchive"
    )

    # then
    assert payload["userErrors"] == []
    read = await read_key_result(gql, org.signups)
    assert (read["archivedAt"] is not None, read["version"]) == (True, 2)
    [entry] = await history_of(org.signups)
    assert (entry.action, entry.actor_id) == (HistoryAction.ARCHIVED, org.editor.pk)


async def test_archive_waits_while_live_campaigns_are_aligned(gql, org):
    # given: two live campaigns and an archived one aligned to sign-ups
    for name in ("Webinars", "Paid search"):
        await factories.align(await factories.campaign(org.growth, name=name), org.signups)
    ended = await factories.archive(await factories.campaign(org.growth, name="Ended"))
    await factories.align(ended, org.signups)

    # when
    payload = await gql.mutate(
        KEY_RESULT_ARCHIVE, {"id": gid(org.signups), "version": 1}, "keyResultArchive"
    )

    # then
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("id", "HAS_DEPENDENTS")
    assert error["message"] == (
        "2 live campaigns are aligned to this key result; "
        "first align them elsewhere or archive them."
    )
    await assert_unchanged(gql, org.signups)


async def test_archive_is_refused_outside_the_owning_team(gql, org):
    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            KEY_RESULT_ARCHIVE, {"input": {"id": gid(org.signups), "version": 1}}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    await assert_unchanged(gql, org.signups)


async def test_archive_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(KEY_RESULT_ARCHIVE, {"input": {"id": gid(org.signups), "version": 3}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    await assert_unchanged(gql, org.signups)


# keyResultCheckIn


def parsed(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def test_owning_editor_checks_in_a_new_current_value(gql, org):
    # given
    before = clock.now()

    # when
    check_in = {"id": gid(org.signups), "version": 1, "value": "40", "note": " Webinar week "}
    payload = await gql.as_user(org.editor).mutate(
        KEY_RESULT_CHECK_IN, check_in, "keyResultCheckIn"
    )

    # then
    assert payload["userErrors"] == []
    assert numbers(payload["keyResult"]) == expected_key_result(
        org.signups, currentValue=Decimal(40), version=2
    )
    recorded = payload["checkIn"]
    assert Decimal(recorded["value"]) == 40
    assert (recorded["note"], recorded["author"], recorded["keyResult"], recorded["version"]) == (
        "Webinar week",
        ref(org.editor),
        ref(org.signups),
        1,
    )
    assert before <= parsed(recorded["checkedInAt"]) <= clock.now()
    read = await read_key_result(gql, org.signups)
    assert (read["currentValue"], read["version"]) == (40, 2)
    [listed] = read["checkIns"]["nodes"]
    assert listed["id"] == recorded["id"]
    [kr_entry] = await history_of(org.signups)
    assert (kr_entry.action, kr_entry.actor_id) == (HistoryAction.CHECKED_IN, org.editor.pk)
    entry_row = await models.CheckIn.get(key_result_id=org.signups.pk)
    assert kr_entry.changes == {
        "current_value": {"before": "0", "after": "40"},
        "check_in_id": {"before": None, "after": entry_row.pk},
    }
    [ci_entry] = await history_of(entry_row)
    assert (ci_entry.action, ci_entry.actor_id) == (HistoryAction.CREATED, org.editor.pk)
    assert ci_entry.changes["value"] == {"before": None, "after": "40"}


@pytest.mark.parametrize("offset", ["+02:00", "+02"], ids=["hours-and-minutes", "whole-hours"])
async def test_a_back_dated_check_in_keeps_the_later_value_current(gql, org, offset):
    # given: the latest check-in (March 1st) says 30
    await factories.check_in(org.signups, "30", checked_in_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    org.signups.current_value = Decimal(30)
    await org.signups.save(update_fields=["current_value"])

    # when: a value measured in February, given in another time zone (ISO 8601 allows the
    # offset in whole hours too)
    check_in = {
        "id": gid(org.signups),
        "version": 1,
        "value": "20",
        "checkedInAt": f"2026-02-01T11:00:00{offset}",
    }
    payload = await gql.mutate(KEY_RESULT_CHECK_IN, check_in, "keyResultCheckIn")

    # then: still 30, but the key result's version moved and its history shows the check-in
    assert payload["userErrors"] == []
    assert parsed(payload["checkIn"]["checkedInAt"]) == datetime(2026, 2, 1, 9, tzinfo=UTC)
    read = await read_key_result(gql, org.signups)
    assert (read["currentValue"], read["version"]) == (30, 2)
    values = [Decimal(c["value"]) for c in read["checkIns"]["nodes"]]
    assert values == [20, 30]
    [entry] = await history_of(org.signups)
    assert entry.action == HistoryAction.CHECKED_IN
    assert list(entry.changes) == ["check_in_id"]


async def test_a_check_in_slightly_ahead_of_the_server_clock_is_accepted(gql, org):
    # when: a client clock one minute fast
    ahead = (clock.now() + timedelta(minutes=1)).isoformat()
    check_in = {"id": gid(org.signups), "version": 1, "value": "55", "checkedInAt": ahead}
    payload = await gql.mutate(KEY_RESULT_CHECK_IN, check_in, "keyResultCheckIn")

    # then
    assert payload["userErrors"] == []
    assert (await read_key_result(gql, org.signups))["currentValue"] == 55


async def test_check_in_is_refused_outside_the_owning_team(gql, org):
    for outsider in (org.viewer, org.sales_editor):
        # when
        error = await gql.as_user(outsider).error(
            KEY_RESULT_CHECK_IN, {"input": {"id": gid(org.signups), "version": 1, "value": "9"}}
        )

        # then
        assert error["extensions"]["code"] == "FORBIDDEN", outsider.name
    await assert_unchanged(gql, org.signups)


async def test_check_in_reports_each_invalid_input_and_records_nothing(gql, org):
    # given
    tomorrow = (clock.now() + timedelta(days=1)).isoformat()
    bad_input = [
        ({"value": "NaN"}, "value", "INVALID"),
        ({"value": "Infinity"}, "value", "INVALID"),
        ({"value": "1e30"}, "value", "OUT_OF_RANGE"),
        ({"value": "0.12345"}, "value", "INVALID"),
        ({"note": "x" * 10_001}, "note", "TOO_LONG"),
        ({"checkedInAt": tomorrow}, "checkedInAt", "OUT_OF_RANGE"),
        ({"checkedInAt": "2026-03-01T09:00:00"}, "checkedInAt", "INVALID"),
        ({"checkedInAt": "0001-01-01T00:00:00+05:00"}, "checkedInAt", "OUT_OF_RANGE"),
    ]

    for fields, field, code in bad_input:
        # when
        check_in = {"id": gid(org.signups), "version": 1, "value": "9", **fields}
        payload = await gql.mutate(KEY_RESULT_CHECK_IN, check_in, "keyResultCheckIn")

        # then
        assert (payload["keyResult"], payload["checkIn"]) == (None, None), fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], fields
    await assert_unchanged(gql, org.signups)
    assert await models.CheckIn.all().count() == 0


async def test_an_archived_key_result_takes_no_check_ins(gql, org):
    # when
    check_in = {"id": gid(org.retired), "version": 1, "value": "9"}
    payload = await gql.mutate(KEY_RESULT_CHECK_IN, check_in, "keyResultCheckIn")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert await models.CheckIn.all().count() == 0


async def test_check_in_with_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(
        KEY_RESULT_CHECK_IN, {"input": {"id": gid(org.signups), "version": 2, "value": "9"}}
    )

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    await assert_unchanged(gql, org.signups)
    assert await models.CheckIn.all().count() == 0


async def test_racing_check_ins_on_one_version_record_exactly_one(gql, org):
    # given
    editor = gql.as_user(org.editor)
    racing = [
        {"input": {"id": gid(org.signups), "version": 1, "value": value}} for value in ("10", "20")
    ]

    # when
    answers = await asyncio.gather(*(editor.raw(KEY_RESULT_CHECK_IN, v) for v in racing))

    # then
    won = [a for a in answers if "errors" not in a]
    lost = [a for a in answers if "errors" in a]
    assert len(won) == len(lost) == 1
    assert [e["extensions"]["code"] for e in lost[0]["errors"]] == ["CONFLICT"]
    winner = Decimal(won[0]["data"]["keyResultCheckIn"]["checkIn"]["value"])
    read = await read_key_result(gql, org.signups)
    assert (read["currentValue"], read["version"]) == (winner, 2)
    assert [Decimal(c["value"]) for c in read["checkIns"]["nodes"]] == [winner]
    assert len(await history_of(org.signups)) == 1
