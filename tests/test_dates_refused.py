"""Dates and times outside the supported range (`server.dates`) are refused at the API:
mutations answer `userErrors` (OUT_OF_RANGE) and write nothing, query arguments answer
BAD_USER_INPUT, and nothing answers INTERNAL_SERVER_ERROR."""

from __future__ import annotations

from datetime import date

import pytest

from schema.core.node import global_id_of
from server.enums import Role
from tests import factories
from tests.property_support import write_fingerprint

EDGE_DATES = ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"]
EDGE_MOMENTS = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "1900-01-01T12:00:00+14:00",
    "2199-12-31T00:00:00Z",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59.999999+00:00",
]
GOOD_DAY = "2026-04-01"
GOOD_MOMENT = "2026-04-01T10:00:00+02:00"


def operation(name: str, input_type: str) -> str:
    return (
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) "
        "{ userErrors { field code message } } }"
    )


@pytest.fixture
async def org(db):
    team = await factories.team(name="Growth")
    goal = await factories.goal(team)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(team)
    task = await factories.task(campaign=campaign)
    milestone = await factories.milestone(team)
    return {
        "team": global_id_of(team),
        "goal": global_id_of(goal),
        "key_result": global_id_of(key_result),
        "campaign": global_id_of(campaign),
        "task": global_id_of(task),
        "milestone": global_id_of(milestone),
    }


def every_date_input(ids: dict, value: str, moment: str) -> list[tuple[str, str, dict, str]]:
    """(mutation, input type, input, the field holding the bad value) for every Date and
    DateTime input field of every mutation."""
    goal_new = {
        "title": "G",
        "ownerTeamId": ids["team"],
        "periodStart": GOOD_DAY,
        "periodEnd": GOOD_DAY,
    }
    kr_new = {
        "goalId": ids["goal"],
        "title": "K",
        "startValue": "0",
        "targetValue": "1",
        "dueDate": GOOD_DAY,
    }
    campaign_new = {
        "name": "C",
        "ownerTeamId": ids["team"],
        "startDate": GOOD_DAY,
        "endDate": GOOD_DAY,
        "budget": "1",
        "currency": "EUR",
    }
    money = {"campaignId": ids["campaign"], "date": GOOD_DAY}
    milestone_new = {"title": "M", "teamId": ids["team"], "startDate": GOOD_DAY}
    timed = {"startsAt": GOOD_MOMENT, "endsAt": GOOD_MOMENT}
    cases = [
        ("goalCreate", "GoalCreateInput", goal_new, "periodStart"),
        ("goalCreate", "GoalCreateInput", goal_new, "periodEnd"),
        ("goalUpdate", "GoalUpdateInput", {"id": ids["goal"], "version": 1}, "periodEnd"),
        ("keyResultCreate", "KeyResultCreateInput", kr_new, "dueDate"),
        (
            "keyResultUpdate",
            "KeyResultUpdateInput",
            {"id": ids["key_result"], "version": 1},
            "dueDate",
        ),
        ("campaignCreate", "CampaignCreateInput", campaign_new, "startDate"),
        ("campaignCreate", "CampaignCreateInput", campaign_new, "endDate"),
        ("campaignUpdate", "CampaignUpdateInput", {"id": ids["campaign"], "version": 1}, "endDate"),
        (
            "campaignSpendAdd",
            "CampaignSpendAddInput",
            money | {"amount": "1", "currency": "EUR"},
            "date",
        ),
        (
            "campaignResultAdd",
            "CampaignResultAddInput",
            money | {"metric": "LEADS", "value": "1"},
            "date",
        ),
        ("taskCreate", "TaskCreateInput", {"title": "T", "campaignId": ids["campaign"]}, "dueDate"),
        ("taskUpdate", "TaskUpdateInput", {"id": ids["task"], "version": 1}, "startDate"),
        ("milestoneCreate", "MilestoneCreateInput", milestone_new, "startDate"),
        ("milestoneCreate", "MilestoneCreateInput", milestone_new, "endDate"),
        (
            "milestoneUpdate",
            "MilestoneUpdateInput",
            {"id": ids["milestone"], "version": 1},
            "startDate",
        ),
    ]
    moments = [
        (
            "keyResultCheckIn",
            "KeyResultCheckInInput",
            {"id": ids["key_result"], "version": 1, "value": "3"},
            "checkedInAt",
        ),
        ("milestoneCreate", "MilestoneCreateInput", milestone_new | timed, "startsAt"),
        ("milestoneCreate", "MilestoneCreateInput", milestone_new | timed, "endsAt"),
        (
            "milestoneUpdate",
            "MilestoneUpdateInput",
            {"id": ids["milestone"], "version": 1} | timed,
            "endsAt",
        ),
    ]
    return [(name, kind, base | {field: value}, field) for name, kind, base, field in cases] + [
        (name, kind, base | {field: moment}, field) for name, kind, base, field in moments
    ]


@pytest.mark.parametrize(("value", "moment"), list(zip(EDGE_DATES, EDGE_MOMENTS, strict=False)))
async def test_mutations_refuse_dates_outside_the_supported_range(gql, org, value, moment):
    # given
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    for name, input_type, input, field in every_date_input(org, value, moment):
        # when
        payload = await gql.mutate(operation(name, input_type), input, name)
        # then
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (field, "OUT_OF_RANGE")
        ], (name, input)
        assert "supported" in payload["userErrors"][0]["message"]
    assert await write_fingerprint(admin.pk) == before


# The same days in ISO 8601's basic, week and ordinal forms, which Python's parsers take.
OTHER_FORMS = [
    ("20260401", "20260401T100000Z"),
    ("2026-W14-3", "2026-W14-3T10:00:00Z"),
    ("2026-091", "2026-091T10:00:00Z"),
]


@pytest.mark.parametrize(("value", "moment"), OTHER_FORMS)
async def test_dates_not_in_the_extended_form_are_refused(gql, org, value, moment):
    # given
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    for name, input_type, input, _field in every_date_input(org, value, moment):
        # when
        error = await gql.error(operation(name, input_type), {"input": input})
        # then
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (name, input)
        assert "extended form" in error["message"], error["message"]
    assert await write_fingerprint(admin.pk) == before


@pytest.mark.parametrize("moment", EDGE_MOMENTS[2:])
async def test_moments_that_leave_the_range_in_some_zone_are_refused(gql, org, moment):
    # given a check-in time whose date, in UTC or in a zone a day away, is unsupported
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    input = {"id": org["key_result"], "version": 1, "value": "3", "checkedInAt": moment}
    # when
    payload = await gql.mutate(
        operation("keyResultCheckIn", "KeyResultCheckInInput"), input, "keyResultCheckIn"
    )
    # then
    assert [e["code"] for e in payload["userErrors"]] == ["OUT_OF_RANGE"]
    assert await write_fingerprint(admin.pk) == before


CAMPAIGN_CREATE = """
mutation ($input: CampaignCreateInput!) {
  campaignCreate(input: $input) { campaign { endDate } userErrors { field code } }
}
"""


async def test_the_edges_of_the_supported_range_are_accepted(gql, org):
    # given
    input = {
        "name": "Long haul",
        "ownerTeamId": org["team"],
        "startDate": "1900-01-01",
        "endDate": "2199-12-31",
        "budget": "1",
        "currency": "EUR",
    }
    # when
    payload = await gql.mutate(CAMPAIGN_CREATE, input, "campaignCreate")
    # then
    assert payload == {"campaign": {"endDate": "2199-12-31"}, "userErrors": []}


async def test_a_viewer_sending_an_unsupported_date_changes_nothing(gql, org):
    # given
    viewer = gql.as_user(await factories.user(role=Role.VIEWER))
    before = await write_fingerprint(viewer.user.pk)
    input = {"id": org["campaign"], "version": 1, "endDate": "9999-12-31"}
    # when
    answer = await viewer.raw(operation("campaignUpdate", "CampaignUpdateInput"), {"input": input})
    # then
    assert "INTERNAL_SERVER_ERROR" not in str(answer)
    assert await write_fingerprint(viewer.user.pk) == before


QUERIES = [
    ("calendar", "query ($d: Date!) { calendar(from: $d, to: $d) { from } }", "from"),
    ("calendar", 'query ($d: Date!) { calendar(from: "2199-12-31", to: $d) { from } }', "to"),
    (
        "portfolio",
        "query ($d: Date!) { portfolio(period: {start: $d, end: $d}) { campaigns } }",
        "period.start",
    ),
    (
        "teams",
        "query ($d: Date!) { teams(first: 1) { nodes { workload(from: $d, to: $d) { start } } } }",
        "from",
    ),
    (
        "users",
        "query ($d: Date!) { users(first: 1) { nodes { workload(from: $d, to: $d) { start } } } }",
        "from",
    ),
    (
        "goals",
        "query ($d: Date!) { goals(filter: {periodOverlaps: {start: $d}}) { totalCount } }",
        "filter.periodOverlaps.start",
    ),
    (
        "tasks",
        "query ($d: Date!) { tasks(filter: {due: {end: $d}}) { totalCount } }",
        "filter.due.end",
    ),
]


@pytest.mark.parametrize("value", EDGE_DATES)
@pytest.mark.parametrize(("root", "query", "argument"), QUERIES)
async def test_query_arguments_outside_the_supported_range_are_bad_user_input(
    gql, org, root, query, argument, value
):
    # given a member for the workload fields
    await factories.user(teams=[await factories.team()])
    # when
    error = await gql.error(query, {"d": value})
    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["argument"] == argument
    assert "supported dates" in error["message"]


async def test_literal_arguments_at_the_edges_are_bad_user_input(gql, org):
    # when
    error = await gql.error('{ calendar(from: "9999-12-31", to: "9999-12-31") { from } }')
    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_calendar_reads_the_last_supported_days(gql, org):
    # given
    zone_query = """query ($z: String) { calendar(from: "2199-12-01", to: "2199-12-31",
      timeZone: $z) { entries { totalCount } conflicts { rule } } }"""
    # when / then
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "UTC"):
        assert (await gql.data(zone_query, {"z": zone}))["calendar"]["entries"]
    first = '{ calendar(from: "1900-01-01", to: "1900-01-31", timeZone: "Pacific/Kiritimati") '
    assert await gql.data(first + "{ entries { totalCount } } }")
    assert date(2199, 12, 31)


IMPORT = """
mutation ($input: ExternalCalendarAddInput!) {
  externalCalendarAdd(input: $input) { externalCalendar { id } userErrors { field code message } }
}
"""


@pytest.mark.parametrize(
    "start",
    [
        "DTSTART;VALUE=DATE:99991231",
        "DTSTART;VALUE=DATE:00010101",
        "DTSTART:99991231T230000Z",
        "DTSTART;TZID=Etc/GMT-14:00010101T000000",
        "DTSTART;VALUE=DATE:21991230\r\nRRULE:FREQ=DAILY;UNTIL=99991231",
    ],
)
async def test_imported_events_outside_the_supported_range_are_refused(gql, org, start):
    # given
    admin = await gql.signed_in_user()
    before = await write_fingerprint(admin.pk)
    content = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:edge@example.com\r\nSUMMARY:Edge\r\n{start}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    # when
    payload = await gql.mutate(IMPORT, {"name": "Edges", "content": content}, "externalCalendarAdd")
    # then
    assert payload["externalCalendar"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("content", "BAD_DATE")]
    assert "supported dates" in payload["userErrors"][0]["message"]
    assert await write_fingerprint(admin.pk) == before
