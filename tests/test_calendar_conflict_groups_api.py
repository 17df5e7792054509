"""`calendar.conflictGroups`: a busy range's clashes counted by rule and severity, the
most severe first, each group's clashes paged, without computing them twice."""

from __future__ import annotations

from datetime import date

import pytest

from server import clock, models
from server.enums import Channel, MilestoneKind
from tests import factories as make

TODAY = date(2026, 5, 1)

GROUPS = """
query ($from: Date!, $to: Date!, $first: Int, $after: String) {
  calendar(from: $from, to: $to, timeZone: "UTC") {
    conflictGroups { rule severity count
      conflicts(first: $first, after: $after) { totalCount
        pageInfo { hasNextPage endCursor } nodes { startDate entries { id } } } }
  }
}
"""
COUNTS_ONLY = """
query ($from: Date!, $to: Date!) {
  calendar(from: $from, to: $to) { conflictGroups { rule severity count } }
}
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def launches(team, kind: MilestoneKind, day: date, how_many: int) -> list[models.Milestone]:
    return [await make.milestone(team, kind=kind, start_date=day) for _ in range(how_many)]


async def holiday_on(day: date) -> None:
    calendar = await models.ExternalCalendar.create(
        name="Public holidays", blocking=True, color="#ff0000"
    )
    await models.ExternalEvent.create(
        calendar=calendar,
        uid="holiday@example",
        summary="Holiday",
        all_day=True,
        first_date=day,
        last_date=day,
        source=(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:holiday@example\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Holiday\r\n"
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ),
    )


async def busy_may() -> None:
    """One clash of campaigns, crowded days at two severities (one launch a day is
    allowed: 2 is MEDIUM, 3 is HIGH), and a launch and a campaign start on a holiday."""
    team = await make.team()
    for start, end in ((date(2026, 5, 4), date(2026, 5, 8)), (date(2026, 5, 8), date(2026, 5, 15))):
        await make.campaign(
            team, audience="SMB", channels=[Channel.EMAIL], start_date=start, end_date=end
        )
    await launches(team, MilestoneKind.LAUNCH, date(2026, 5, 12), 2)
    await launches(team, MilestoneKind.LAUNCH, date(2026, 5, 13), 3)
    await launches(team, MilestoneKind.RELEASE, date(2026, 5, 20), 2)
    await launches(team, MilestoneKind.LAUNCH, date(2026, 5, 18), 1)
    await make.campaign(team, start_date=date(2026, 5, 18), end_date=date(2026, 5, 30))
    await holiday_on(date(2026, 5, 18))


async def test_groups_count_each_rule_and_severity_most_severe_first(gql):
    # given
    await busy_may()

    # when
    groups = (await gql.data(GROUPS, {"from": "2026-05-01", "to": "2026-05-31", "first": 10}))[
        "calendar"
    ]["conflictGroups"]

    # then
    assert [(g["rule"], g["severity"], g["count"]) for g in groups] == [
        ("CROWDED_DAY", "HIGH", 1),
        ("BLOCKING_EVENT", "HIGH", 1),
        ("CHANNEL_AUDIENCE_OVERLAP", "MEDIUM", 1),
        ("CROWDED_DAY", "MEDIUM", 2),
        ("BLOCKING_EVENT", "MEDIUM", 1),
    ]
    assert [[c["startDate"] for c in g["conflicts"]["nodes"]] for g in groups] == [
        ["2026-05-13"],
        ["2026-05-18"],
        ["2026-05-08"],
        ["2026-05-12", "2026-05-20"],
        ["2026-05-18"],
    ]
    assert [g["conflicts"]["totalCount"] for g in groups] == [1, 1, 1, 2, 1]
    assert len(groups[0]["conflicts"]["nodes"][0]["entries"]) == 3


async def test_a_group_pages_its_conflicts(gql):
    # given
    await busy_may()
    variables = {"from": "2026-05-01", "to": "2026-05-31", "first": 1}

    # when
    first = (await gql.data(GROUPS, variables))["calendar"]["conflictGroups"][3]["conflicts"]
    after = {**variables, "after": first["pageInfo"]["endCursor"]}
    second = (await gql.data(GROUPS, after))["calendar"]["conflictGroups"][3]["conflicts"]

    # then
    assert [c["startDate"] for c in first["nodes"]] == ["2026-05-12"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [c["startDate"] for c in second["nodes"]] == ["2026-05-20"]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_counts_alone_are_computed_and_an_empty_range_has_no_group(gql):
    # given
    await busy_may()

    # when: only the counts are asked for (the conflicts themselves are not selected)
    may = await gql.data(COUNTS_ONLY, {"from": "2026-05-01", "to": "2026-05-31"})
    june = await gql.data(COUNTS_ONLY, {"from": "2026-06-01", "to": "2026-06-30"})

    # then
    assert sum(g["count"] for g in may["calendar"]["conflictGroups"]) == 6
    assert june["calendar"]["conflictGroups"] == []


async def test_a_page_too_large_is_refused_with_its_argument(gql):
    # given
    await busy_may()

    # when
    error = await gql.error(GROUPS, {"from": "2026-05-01", "to": "2026-05-31", "first": 101})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "`first` must be at most 100" in error["message"]
