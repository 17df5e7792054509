"""A calendar request costs the same SQL statements however much the organisation holds."""

from __future__ import annotations

from datetime import date

from server import models
from server.enums import Channel, MilestoneKind
from server.statements import count_statements
from tests import factories as make

CALENDAR = """
{ calendar(from: "2026-04-01", to: "2026-04-30", filter: {includeTasks: true}) {
    entries(first: 100) { totalCount nodes {
      id title team { name } node { id } objectives { title } } }
    conflicts { rule entries { id node { id } } }
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
    assert small_count == large_count == CALENDAR_STATEMENTS
