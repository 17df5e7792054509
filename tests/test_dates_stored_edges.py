"""Rows dated at the edges of what the database holds (year 1, year 9999, inserted
directly, as an older version or another tool may have left them) never break a read:
the calendar, risks, workload, rollups, the flat tree and the feeds still answer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server import clock
from server.enums import MilestoneKind, Role
from tests import factories

TODAY = date(2026, 3, 15)
FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
FIRST_MOMENT = datetime(1, 1, 1, tzinfo=UTC)
LAST_MOMENT = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)

READS = """
query ($from: Date!, $to: Date!, $zone: String) {
  calendar(from: $from, to: $to, timeZone: $zone, filter: {includeTasks: true}) {
    entries(first: 100) { nodes { id startDate endDate startsAt endsAt } }
    conflicts { rule startDate endDate }
  }
  risks(first: 100) { nodes { kind severity } }
  portfolio(period: {start: $from, end: $to}) { campaigns }
  teams(first: 10) { nodes { workload(from: $from, to: $to) { start end } } }
  users(first: 10) { nodes { workload(from: $from, to: $to) { start end } } }
  goals(first: 10) { nodes { progress health keyResults { nodes { progress health } } } }
  campaigns(first: 10) { nodes { progress health money { spendToDate { amount } } } }
  goalTreeFlat(first: 100) { nodes { id progress health } }
}
"""

FEED_CREATE = """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) { url userErrors { field code message } }
}
"""


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
async def edges(db):
    """An organisation whose every dated row sits at an edge of the database's range."""
    team = await factories.team(name="Growth")
    person = await factories.user(teams=[team], role=Role.EDITOR)
    goal = await factories.goal(team, period_start=FIRST_DAY, period_end=LAST_DAY)
    key_result = await factories.key_result(goal, due_date=LAST_DAY)
    await factories.check_in(key_result, "5", checked_in_at=FIRST_MOMENT)
    await factories.check_in(key_result, "7", checked_in_at=LAST_MOMENT)
    forever = await factories.campaign(
        team, name="Forever", start_date=date(2026, 1, 1), end_date=LAST_DAY
    )
    ancient = await factories.campaign(
        team, name="Ancient", start_date=FIRST_DAY, end_date=date(2026, 3, 20)
    )
    await factories.align(forever, key_result, "0.5")
    await factories.align(ancient, key_result, "0.5")
    await factories.spend(forever, "10", date=LAST_DAY)
    await factories.spend(ancient, "10", date=FIRST_DAY)
    await factories.result(forever, "LEADS", "3", date=LAST_DAY)
    await factories.task(
        campaign=forever, assignee=person, start_date=FIRST_DAY, due_date=LAST_DAY, estimate_hours=8
    )
    await factories.task(
        campaign=ancient,
        assignee=person,
        start_date=FIRST_DAY,
        due_date=FIRST_DAY,
        estimate_hours=8,
    )
    await factories.milestone(team, kind=MilestoneKind.LAUNCH, start_date=LAST_DAY)
    await factories.milestone(
        team, kind=MilestoneKind.LAUNCH, start_date=FIRST_DAY, end_date=LAST_DAY
    )
    await factories.milestone(
        team,
        kind=MilestoneKind.EVENT,
        start_date=LAST_DAY,
        starts_at=datetime(9999, 12, 31, 22, tzinfo=UTC),
        ends_at=LAST_MOMENT,
    )
    await factories.milestone(
        team,
        kind=MilestoneKind.EVENT,
        start_date=FIRST_DAY,
        starts_at=FIRST_MOMENT,
        ends_at=datetime(1, 1, 1, 2, tzinfo=UTC),
    )
    return team


@pytest.mark.parametrize(
    ("start", "end", "zone"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), "UTC"),
        (date(2026, 3, 1), date(2026, 3, 31), "Pacific/Kiritimati"),
        (date(2026, 3, 1), date(2026, 3, 31), "Etc/GMT+12"),
    ],
)
async def test_rows_at_the_database_edges_do_not_break_reads(gql, edges, start, end, zone):
    # given an organisation with rows at year 1 and year 9999
    # when
    answer = await gql.raw(READS, {"from": start.isoformat(), "to": end.isoformat(), "zone": zone})
    # then
    assert "errors" not in answer, answer
    entries = answer["data"]["calendar"]["entries"]["nodes"]
    assert any(entry["id"].startswith("campaign-") for entry in entries)


async def test_rows_at_the_database_edges_do_not_break_feeds(gql, http, edges):
    # given
    payload = await gql.mutate(
        FEED_CREATE, {"name": "Everything", "filter": {"includeTasks": True}}, "calendarFeedCreate"
    )
    path = payload["url"].split("8000", 1)[1]
    # when
    response = await http.get(path)
    # then
    assert response.status_code == 200, response.text
    assert b"Forever" in response.content
