"""A calendar request costs the same SQL statements however much the organisation holds:
the read model's freshness check, and for a feed its own row and the latest history
entry. Everything else is read from the snapshot."""

from __future__ import annotations

from datetime import date

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import clock, models
from server.enums import Channel, MilestoneKind
from server.statements import count_statements
from tests import factories as make
from tests.test_calendar_feed_http import FEED_STATEMENTS

CALENDAR = """
{ calendar(from: "2026-04-01", to: "2026-04-30", filter: {includeTasks: true}) {
    entries(first: 100) { totalCount nodes {
      id title team { name } node { id } objectives { title } } }
    conflicts { rule entries { id node { id } } }
    conflictGroups { count conflicts(first: 5) { nodes { entries { node { id } } } } }
} }
"""

# the read model's freshness check, which finds nothing new: the signed-in user, the
# entries, their teams, nodes and objectives all come from the snapshot
CALENDAR_STATEMENTS = 1


async def add_team_of_work(n: int) -> None:
    """A team with a goal tree, two clashing campaigns, launches and tasks in April."""
    team = await make.team(name=f"Team {n}")
    top = await make.goal(team)
    kr = await make.key_result(await make.goal(team, parent=top))
    for start in (date(2026, 4, 1), date(2026, 4, 10)):
        campaign = await make.campaign(
            team,
            audience=f"Audience {n}",
            channels=[Channel.EMAIL, Channel.SEO],
            start_date=start,
            end_date=date(2026, 4, 20),
        )
        await make.align(campaign, kr)
        await make.milestone(
            team, kind=MilestoneKind.LAUNCH, campaign=campaign, start_date=date(2026, 4, 15)
        )
        await make.task(campaign=campaign, due_date=date(2026, 4, 16))
    await make.milestone(team, key_result=kr, start_date=date(2026, 4, 3))
    holidays = await models.ExternalCalendar.create(name=f"Holidays {n}", blocking=True)
    await models.ExternalEvent.create(
        calendar=holidays,
        uid=f"h{n}@example",
        summary="Holiday",
        first_date=date(2026, 4, 15),
        last_date=date(2026, 4, 15),
        source=(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:h{n}@example\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Holiday\r\n"
            "DTSTART;VALUE=DATE:20260415\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ),
    )


async def statements(gql) -> tuple[int, dict]:
    await gql.settle()
    with count_statements() as counter:
        data = await gql.data(CALENDAR)
    return counter.count, data["calendar"]


async def test_calendar_statements_do_not_grow_with_the_data(gql):
    # given: one team's work
    await add_team_of_work(1)
    small_count, small = await statements(gql)

    # when: four more teams' work
    for n in range(2, 6):
        await add_team_of_work(n)
    large_count, large = await statements(gql)

    # then
    assert small["entries"]["totalCount"] == 8
    assert large["entries"]["totalCount"] == 5 * 8
    assert len(large["conflicts"]) > len(small["conflicts"]) > 0
    assert sum(g["count"] for g in large["conflictGroups"]) == len(large["conflicts"])
    assert small_count == large_count == CALENDAR_STATEMENTS


TODAY = date(2026, 6, 15)

QUARTER = """
{ calendar(from: "2026-04-01", to: "2026-06-30", filter: {includeTasks: true}) {
    entries(first: 100) { totalCount nodes {
      id team { name } node { id } objectives { title } } }
    conflicts { rule entries { id } }
} }
"""

FEED_CREATE = """
mutation { calendarFeedCreate(input: {name: "Everything", filter: {includeTasks: true}}) {
  url userErrors { code } } }
"""


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def quarter_and_feed(gql, path: str) -> tuple[int, int, dict, bytes]:
    """Statements of a quarter of the calendar and of the feed at `path`, with both."""
    await gql.settle()
    with count_statements() as calendar:
        data = await gql.data(QUARTER)
    with count_statements() as feed:
        response = await gql.http.get(path)
    assert response.status_code == 200
    return calendar.count, feed.count, data["calendar"], response.content


async def test_a_quarter_and_a_feed_cost_the_same_statements_on_a_larger_organisation(
    gql, pinned_today
):
    # given: a synthetic organisation, and a feed of everything
    await load_document(generate_document(1000, 31, TODAY), name=synthetic_name(1000, 31))
    created = (await gql.data(FEED_CREATE))["calendarFeedCreate"]
    path = created["url"].removeprefix("http://127.0.0.1:8000")
    small_calendar, small_feed, small, small_body = await quarter_and_feed(gql, path)

    # when: a five times larger one is added
    await load_document(generate_document(5000, 32, TODAY), name=synthetic_name(5000, 32))
    large_calendar, large_feed, large, large_body = await quarter_and_feed(gql, path)

    # then
    assert large["entries"]["totalCount"] > small["entries"]["totalCount"] > 0
    assert len(large["conflicts"]) > len(small["conflicts"]) > 0
    assert large_body.count(b"BEGIN:VEVENT") > small_body.count(b"BEGIN:VEVENT") > 0
    assert small_calendar == large_calendar == CALENDAR_STATEMENTS
    assert small_feed == large_feed == FEED_STATEMENTS
