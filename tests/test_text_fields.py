"""Text fields of every write: names and titles are one line without control characters;
descriptions and notes keep line breaks and tabs and refuse other control characters.
A refused value is a user error on its field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from schema.core.ids import encode_global_id
from server.enums import Role
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode
from tests import factories
from tests.graphql import GraphQLClient
from tests.property_support import write_fingerprint

NOT_ONE_LINE = {
    "line feed": "Launch\nplan",
    "carriage return": "Launch\rplan",
    "tab": "Launch\tplan",
    "DEL": "Launch\x7fplan",
    "escape": "Launch\x1b[31mplan",
    "next line (C1)": "Launch\x85plan",
    "line separator": "Launch\u2028plan",
}
NOT_IN_TEXT = {
    "DEL": "One\x7ftwo",
    "bell": "One\x07two",
    "form feed": "One\x0ctwo",
    "C1 control": "One\x9btwo",
}


def test_single_line_text_refuses_every_line_break_and_control_character() -> None:
    for label, value in NOT_ONE_LINE.items():
        # given
        check = Checker()
        # when
        check.text("title", value, max_length=200, required=True)
        # then
        assert [(e.field, e.code) for e in check.errors] == [("title", UserErrorCode.INVALID)], (
            label
        )


def test_multi_line_text_keeps_line_breaks_and_tabs_only() -> None:
    # given
    check = Checker()
    # when
    kept = check.text(
        "note", "One\r\ntwo\rthree\n\tfour", max_length=100, required=False, multiline=True
    )
    for value in NOT_IN_TEXT.values():
        check.text("note", value, max_length=100, required=False, multiline=True)
    # then
    assert kept == "One\ntwo\nthree\n\tfour"
    assert [e.code for e in check.errors] == [UserErrorCode.INVALID] * len(NOT_IN_TEXT)


@dataclass(frozen=True)
class Rows:
    team: str
    goal: str
    key_result: str
    campaign: str
    feed: str


@dataclass(frozen=True)
class Write:
    """A mutation, a valid input for it, and the text field probed."""

    mutation: str
    input: Callable[[Rows], dict[str, Any]]
    field: str
    multiline: bool = False

    @property
    def document(self) -> str:
        input_type = self.mutation[0].upper() + self.mutation[1:] + "Input"
        return (
            f"mutation Write($input: {input_type}!) "
            f"{{ {self.mutation}(input: $input) {{ userErrors {{ field code message }} }} }}"
        )


ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n"
PERIOD = {"periodStart": "2026-01-01", "periodEnd": "2026-12-31"}


def campaign_input(rows: Rows) -> dict[str, Any]:
    return {
        "name": "Webinars",
        "ownerTeamId": rows.team,
        "startDate": "2026-03-01",
        "endDate": "2026-05-31",
        "budget": "1000",
        "currency": "USD",
    }


WRITES = {
    "team name": Write("teamCreate", lambda r: {"name": "Ops", "description": ""}, "name"),
    "team description": Write(
        "teamCreate", lambda r: {"name": "Ops", "description": ""}, "description", True
    ),
    "user name": Write("userCreate", lambda r: {"email": "a@b.example", "name": "A"}, "name"),
    "user email": Write("userCreate", lambda r: {"email": "a@b.example", "name": "A"}, "email"),
    "goal title": Write(
        "goalCreate", lambda r: {"title": "G", "ownerTeamId": r.team, **PERIOD}, "title"
    ),
    "goal description": Write(
        "goalCreate",
        lambda r: {"title": "G", "ownerTeamId": r.team, **PERIOD},
        "description",
        True,
    ),
    "goal title update": Write(
        "goalUpdate", lambda r: {"id": r.goal, "version": 1, "title": "G"}, "title"
    ),
    "key result title": Write(
        "keyResultCreate",
        lambda r: {
            "goalId": r.goal,
            "title": "K",
            "startValue": "0",
            "targetValue": "10",
            "dueDate": "2026-12-31",
        },
        "title",
    ),
    "check-in note": Write(
        "keyResultCheckIn",
        lambda r: {"id": r.key_result, "version": 1, "value": "5", "note": ""},
        "note",
        True,
    ),
    "campaign name": Write("campaignCreate", campaign_input, "name"),
    "campaign audience": Write("campaignCreate", campaign_input, "audience"),
    "campaign description": Write("campaignCreate", campaign_input, "description", True),
    "spend note": Write(
        "campaignSpendAdd",
        lambda r: {
            "campaignId": r.campaign,
            "date": "2026-03-02",
            "amount": "5",
            "currency": "USD",
        },
        "note",
        True,
    ),
    "task title": Write("taskCreate", lambda r: {"title": "T", "campaignId": r.campaign}, "title"),
    "task description": Write(
        "taskCreate", lambda r: {"title": "T", "campaignId": r.campaign}, "description", True
    ),
    "milestone title": Write(
        "milestoneCreate",
        lambda r: {"title": "M", "teamId": r.team, "startDate": "2026-04-01"},
        "title",
    ),
    "feed name": Write("calendarFeedCreate", lambda r: {"name": "F"}, "name"),
    "feed rename": Write(
        "calendarFeedRename", lambda r: {"id": r.feed, "version": 1, "name": "F"}, "name"
    ),
    "external calendar name": Write(
        "externalCalendarAdd", lambda r: {"name": "Holidays", "content": ICS}, "name"
    ),
}

FEED_CREATE = """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) { calendarFeed { id } userErrors { field code } }
}
"""


@pytest.fixture
async def rows(gql: GraphQLClient) -> Rows:
    team = await factories.team(name="Growth")
    goal = await factories.goal(team)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(team)
    feed = await gql.mutate(FEED_CREATE, {"name": "Plans"}, "calendarFeedCreate")
    return Rows(
        team=encode_global_id("Team", team.pk),
        goal=encode_global_id("Goal", goal.pk),
        key_result=encode_global_id("KeyResult", key_result.pk),
        campaign=encode_global_id("Campaign", campaign.pk),
        feed=feed["calendarFeed"]["id"],
    )


async def write(gql: GraphQLClient, case: Write, rows: Rows, value: str) -> list[dict]:
    input = case.input(rows) | {case.field: value}
    data = await gql.data(case.document, {"input": input})
    return data[case.mutation]["userErrors"]


@pytest.mark.parametrize("case", list(WRITES.values()), ids=list(WRITES))
async def test_text_fields_refuse_control_characters_and_write_nothing(gql, rows, case):
    # given
    admin = await gql.signed_in_user()
    assert admin is not None and admin.role == Role.ADMIN
    refused = NOT_IN_TEXT if case.multiline else NOT_ONE_LINE
    before = await write_fingerprint(admin.pk)

    for label, value in refused.items():
        # when
        errors = await write(gql, case, rows, value)

        # then
        assert [(e["field"], e["code"]) for e in errors] == [(case.field, "INVALID")], label
        assert await write_fingerprint(admin.pk) == before, label


@pytest.mark.parametrize("case", list(WRITES.values()), ids=list(WRITES))
async def test_text_fields_accept_plain_text(gql, rows, case):
    # given
    value = "Line one\n\tline two" if case.multiline else "Spring launch – Zürich"
    if case.field == "email":
        value = "someone@example.com"

    # when
    errors = await write(gql, case, rows, value)

    # then
    assert errors == []


@pytest.mark.parametrize("audience", ["SMB\nbuyers", "SMB\x7fbuyers"])
async def test_feed_audiences_are_single_lines(gql, rows, audience):
    # when
    payload = await gql.mutate(
        FEED_CREATE,
        {"name": "Feed", "filter": {"audiences": ["Enterprise", audience]}},
        "calendarFeedCreate",
    )

    # then
    assert payload == {
        "calendarFeed": None,
        "userErrors": [{"field": "filter.audiences", "code": "INVALID"}],
    }
