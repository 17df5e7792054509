"""The shared calendar through the API: what is in a range, filters, time zones, errors.

Ranges are in April 2026 unless a test says otherwise; Europe/Berlin moves its clocks
forward on 2026-03-29 at 01:00 UTC (CET +01:00 to CEST +02:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from schema.core.node import global_id_of
from server.enums import CampaignStatus, Channel, MilestoneKind, TaskStatus
from tests import factories as make

CALENDAR = """
query ($from: Date!, $to: Date!, $zone: String, $filter: CalendarFilter, $first: Int,
       $after: String) {
  calendar(from: $from, to: $to, timeZone: $zone, filter: $filter) {
    from to timeZone
    entries(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id title kind allDay startDate endDate startsAt endsAt color
        team { name } node { __typename id } objectives { id title }
        channels audience blocking externalCalendar }
    }
  }
}
"""


WITH_CONFLICTS = """
query ($from: Date!, $to: Date!, $filter: CalendarFilter) {
  calendar(from: $from, to: $to, filter: $filter) {
    entries(first: 100) { nodes { id } }
    conflicts { rule }
  }
}
"""


def gid(row) -> str:
    return global_id_of(row)


async def calendar(gql, start, end, zone=None, first=None, after=None, **filter) -> dict:
    variables = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "filter": filter or None,
        "first": first,
        "after": after,
    }
    if zone is not None:
        variables["zone"] = zone
    return (await gql.data(CALENDAR, variables))["calendar"]


async def ids(gql, start, end, zone=None, **filter) -> list[str]:
    found = await calendar(gql, start, end, zone, **filter)
    return [entry["id"] for entry in found["entries"]["nodes"]]


APRIL = (date(2026, 4, 1), date(2026, 4, 30))


async def test_each_kind_in_and_out_of_range_at_its_edges(gql):
    # given: campaigns, milestones and tasks just inside and just outside April
    team = await make.team(name="Growth", color="#112233")

    async def span(name, start, end):
        return await make.campaign(team, name=name, start_date=start, end_date=end)

    before = await span("Ends March 31", date(2026, 3, 1), date(2026, 3, 31))
    first_day = await span("Ends April 1", date(2026, 3, 1), date(2026, 4, 1))
    last_day = await span("Starts April 30", date(2026, 4, 30), date(2026, 5, 20))
    after = await span("Starts May 1", date(2026, 5, 1), date(2026, 5, 20))
    around = await span("March to May", date(2026, 3, 1), date(2026, 5, 31))
    await make.campaign(
        team,
        start_date=date(2026, 4, 10),
        end_date=date(2026, 4, 11),
        status=CampaignStatus.CANCELLED,
    )
    await make.archive(await span("Archived", date(2026, 4, 2), date(2026, 4, 3)))

    async def day(title, start, end=None, **times):
        return await make.milestone(team, title=title, start_date=start, end_date=end, **times)

    m_before = await day("March 31", date(2026, 3, 31))
    m_spanning = await day("March 30 to April 2", date(2026, 3, 30), date(2026, 4, 2))
    m_last = await day("April 30", date(2026, 4, 30))
    m_after = await day("May 1", date(2026, 5, 1))
    timed_out = await day(
        "Ends at April's first midnight",
        date(2026, 3, 31),
        starts_at=datetime(2026, 3, 31, 22, tzinfo=UTC),
        ends_at=datetime(2026, 4, 1, 0, tzinfo=UTC),
    )
    timed_in = await day(
        "Late on April 30",
        date(2026, 4, 30),
        starts_at=datetime(2026, 4, 30, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 5, 1, 0, 30, tzinfo=UTC),
    )
    timed_late = await day(
        "Starts at May's first midnight",
        date(2026, 5, 1),
        starts_at=datetime(2026, 5, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 5, 1, 1, tzinfo=UTC),
    )
    await make.archive(await day("Archived", date(2026, 4, 5)))
    t_first = await make.task(team=team, due_date=date(2026, 4, 1))
    t_last = await make.task(team=team, due_date=date(2026, 4, 30))
    await make.task(team=team, due_date=date(2026, 3, 31))
    await make.task(team=team, due_date=date(2026, 5, 1))
    await make.task(team=team, due_date=date(2026, 4, 9), status=TaskStatus.CANCELLED)
    await make.task(team=team)  # no due date

    # when
    without_tasks = await ids(gql, *APRIL)
    with_tasks = await ids(gql, *APRIL, includeTasks=True)

    # then: by start (all-day from midnight), then campaigns, milestones, tasks by ID
    expected = [
        f"campaign-{first_day.pk}",
        f"campaign-{around.pk}",
        f"milestone-{m_spanning.pk}",
        f"campaign-{last_day.pk}",
        f"milestone-{m_last.pk}",
        f"milestone-{timed_in.pk}",
    ]
    assert without_tasks == expected
    assert with_tasks == [
        *expected[:3],
        f"task-{t_first.pk}",
        *expected[3:5],
        f"task-{t_last.pk}",
        expected[5],
    ]
    left_out = {f"campaign-{before.pk}", f"campaign-{after.pk}"}
    left_out |= {f"milestone-{m.pk}" for m in (m_before, m_after, timed_out, timed_late)}
    assert not left_out & set(with_tasks)


async def test_an_entry_carries_its_team_node_objectives_and_dates(gql):
    # given: a campaign on a key result of a child goal, a milestone under the campaign
    team = await make.team(name="Field marketing", color="#aa0011")
    top = await make.goal(team, title="Grow revenue 20%")
    child = await make.goal(team, parent=top, title="Win mid-market")
    other_top = await make.goal(team, title="Be known in Europe")
    kr = await make.key_result(child)
    other_kr = await make.key_result(other_top)
    campaign = await make.campaign(
        team,
        name="Spring push",
        audience="Mid-market CFOs",
        channels=[Channel.PAID_SEARCH, Channel.EMAIL],
        start_date=date(2026, 4, 6),
        end_date=date(2026, 4, 17),
    )
    await make.align(campaign, kr, "0.5")
    await make.align(campaign, other_kr, "0.5")
    webinar = await make.milestone(
        team,
        title="Pricing webinar",
        kind=MilestoneKind.WEBINAR,
        campaign=campaign,
        start_date=date(2026, 4, 9),
        starts_at=datetime(2026, 4, 9, 14, tzinfo=UTC),
        ends_at=datetime(2026, 4, 9, 15, tzinfo=UTC),
    )

    # when
    found = await calendar(gql, *APRIL, zone="America/New_York")

    # then
    assert found["timeZone"] == "America/New_York"
    first, second = found["entries"]["nodes"]
    objectives = [
        {"id": gid(top), "title": top.title},
        {"id": gid(other_top), "title": other_top.title},
    ]
    assert first == {
        "id": f"campaign-{campaign.pk}",
        "title": "Spring push",
        "kind": "CAMPAIGN",
        "allDay": True,
        "startDate": "2026-04-06",
        "endDate": "2026-04-17",
        "startsAt": None,
        "endsAt": None,
        "color": "#aa0011",
        "team": {"name": "Field marketing"},
        "node": {"__typename": "Campaign", "id": gid(campaign)},
        "objectives": objectives,
        "channels": ["EMAIL", "PAID_SEARCH"],
        "audience": "Mid-market CFOs",
        "blocking": False,
        "externalCalendar": None,
    }
    assert second["id"] == f"milestone-{webinar.pk}"
    assert second["kind"] == "WEBINAR"
    assert second["allDay"] is False
    assert (second["startsAt"], second["endsAt"]) == (
        "2026-04-09T10:00:00-04:00",
        "2026-04-09T11:00:00-04:00",
    )
    assert (second["startDate"], second["endDate"]) == ("2026-04-09", "2026-04-09")
    assert second["node"] == {"__typename": "Milestone", "id": gid(webinar)}
    assert second["objectives"] == objectives
    assert second["channels"] == ["EMAIL", "PAID_SEARCH"]


async def test_time_zones_around_the_daylight_saving_change(gql):
    # given: Berlin's clocks go forward on 2026-03-29; two timed milestones near its edges
    team = await make.team()
    early = await make.milestone(
        team,
        title="00:30 in Berlin, still the 28th in UTC",
        start_date=date(2026, 3, 29),
        starts_at=datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 3, 28, 23, 55, tzinfo=UTC),
    )
    late = await make.milestone(
        team,
        title="00:30 on the 30th in Berlin, the 29th in UTC",
        start_date=date(2026, 3, 29),
        starts_at=datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
        ends_at=datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    )
    all_day = await make.milestone(team, title="All day", start_date=date(2026, 3, 29))
    day = date(2026, 3, 29)

    # when
    berlin = await calendar(gql, day, day, zone="Europe/Berlin")
    utc = await calendar(gql, day, day)
    next_day = await calendar(gql, date(2026, 3, 30), date(2026, 3, 30), zone="Europe/Berlin")

    # then
    by_id = {e["id"]: e for e in berlin["entries"]["nodes"]}
    assert list(by_id) == [f"milestone-{all_day.pk}", f"milestone-{early.pk}"]
    assert by_id[f"milestone-{early.pk}"]["startsAt"] == "2026-03-29T00:30:00+01:00"
    assert by_id[f"milestone-{early.pk}"]["endsAt"] == "2026-03-29T00:55:00+01:00"
    assert [e["id"] for e in utc["entries"]["nodes"]] == [
        f"milestone-{all_day.pk}",
        f"milestone-{late.pk}",
    ]
    (moved,) = next_day["entries"]["nodes"]
    assert moved["id"] == f"milestone-{late.pk}"
    assert (moved["startsAt"], moved["startDate"]) == ("2026-03-30T00:30:00+02:00", "2026-03-30")


async def test_all_day_end_dates_are_the_last_day(gql):
    # given: a one-day milestone, a three-day one, and a timed one ending at midnight
    team = await make.team()
    one = await make.milestone(team, start_date=date(2026, 4, 3))
    three = await make.milestone(team, start_date=date(2026, 4, 7), end_date=date(2026, 4, 9))
    evening = await make.milestone(
        team,
        start_date=date(2026, 4, 20),
        starts_at=datetime(2026, 4, 20, 22, tzinfo=UTC),
        ends_at=datetime(2026, 4, 21, 0, tzinfo=UTC),
    )

    # when
    found = await calendar(gql, *APRIL)
    tail = await ids(gql, date(2026, 4, 9), date(2026, 4, 9))
    after = await ids(gql, date(2026, 4, 10), date(2026, 4, 21))

    # then
    spans = {e["id"]: (e["startDate"], e["endDate"]) for e in found["entries"]["nodes"]}
    assert spans == {
        f"milestone-{one.pk}": ("2026-04-03", "2026-04-03"),
        f"milestone-{three.pk}": ("2026-04-07", "2026-04-09"),
        f"milestone-{evening.pk}": ("2026-04-20", "2026-04-20"),
    }
    assert tail == [f"milestone-{three.pk}"]
    assert after == [f"milestone-{evening.pk}"]


async def test_filters(gql):
    # given: two teams, campaigns on channels and audiences, work under a goal
    growth, sales = await make.team(name="Growth"), await make.team(name="Sales")
    top = await make.goal(growth)
    kr = await make.key_result(await make.goal(growth, parent=top))
    email = await make.campaign(
        growth, channels=[Channel.EMAIL], audience="SMB  Europe", start_date=date(2026, 4, 1)
    )
    await make.align(email, kr)
    search = await make.campaign(
        sales, channels=[Channel.PAID_SEARCH], audience="Enterprise", start_date=date(2026, 4, 1)
    )
    launch = await make.milestone(
        growth, kind=MilestoneKind.LAUNCH, campaign=email, start_date=date(2026, 4, 8)
    )
    kickoff = await make.milestone(
        sales, kind=MilestoneKind.SALES_KICKOFF, start_date=date(2026, 4, 9)
    )
    on_kr = await make.milestone(sales, key_result=kr, start_date=date(2026, 4, 10))
    task = await make.task(team=sales, campaign=email, due_date=date(2026, 4, 11))

    keys = {
        email: f"campaign-{email.pk}",
        search: f"campaign-{search.pk}",
        launch: f"milestone-{launch.pk}",
        kickoff: f"milestone-{kickoff.pk}",
        on_kr: f"milestone-{on_kr.pk}",
        task: f"task-{task.pk}",
    }

    async def chosen(**filter):
        """The entries selected, the same whether the rows were narrowed in SQL (no
        conflicts asked for) or all loaded (conflicts asked for)."""
        narrowed = set(await ids(gql, *APRIL, **filter))
        variables = {"from": APRIL[0].isoformat(), "to": APRIL[1].isoformat(), "filter": filter}
        everything = (await gql.data(WITH_CONFLICTS, variables))["calendar"]
        assert {entry["id"] for entry in everything["entries"]["nodes"]} == narrowed, filter
        return narrowed

    def named(*rows):
        return {keys[row] for row in rows}

    # when / then
    assert await chosen() == named(email, search, launch, kickoff, on_kr)
    assert await chosen(teams=[gid(sales)]) == named(search, kickoff, on_kr)
    assert await chosen(teams=[gid(sales)], includeTasks=True) == named(
        search, kickoff, on_kr, task
    )
    assert await chosen(kinds=["LAUNCH", "SALES_KICKOFF"]) == named(launch, kickoff)
    assert await chosen(kinds=["TASK_DUE"], includeTasks=True) == named(task)
    assert await chosen(kinds=["TASK_DUE"]) == set()
    assert await chosen(channels=["EMAIL"], includeTasks=True) == named(email, launch, task)
    assert await chosen(channels=["PAID_SEARCH", "DISPLAY"]) == named(search)
    assert await chosen(audiences=["smb europe"]) == named(email, launch)
    assert await chosen(under=gid(top), includeTasks=True) == named(email, launch, on_kr, task)
    assert await chosen(campaign=gid(email), includeTasks=True) == named(email, launch, task)
    assert await chosen(teams=[gid(growth)], kinds=["CAMPAIGN"]) == named(email)


async def test_pages_follow_the_calendar_order(gql):
    # given: five one-day milestones
    team = await make.team()
    rows = [await make.milestone(team, start_date=date(2026, 4, n)) for n in (5, 1, 3, 2, 4)]
    ordered = [f"milestone-{row.pk}" for row in sorted(rows, key=lambda r: r.start_date)]

    # when
    first = (await calendar(gql, *APRIL, first=2))["entries"]
    cursor = first["pageInfo"]["endCursor"]
    rest = (await calendar(gql, *APRIL, first=10, after=cursor))["entries"]

    # then
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["id"] for e in first["nodes"]] == ordered[:2]
    assert [e["id"] for e in rest["nodes"]] == ordered[2:]
    assert rest["pageInfo"]["hasNextPage"] is False


BAD = """
query ($from: Date!, $to: Date!, $zone: String!, $filter: CalendarFilter, $first: Int) {
  calendar(from: $from, to: $to, timeZone: $zone, filter: $filter) {
    entries(first: $first) { totalCount } } }
"""


async def test_bad_ranges_zones_and_ids_are_user_errors(gql):
    # given
    team = await make.team()
    cases = [
        ({"from": "2026-01-01", "to": "2027-01-02"}, "ask for at most 366 days"),
        ({"from": "2026-04-02", "to": "2026-04-01"}, "is before `from`"),
        ({"zone": "Mars/Olympus_Mons"}, "IANA time zone"),
        ({"zone": "../../etc/passwd"}, "IANA time zone"),
        ({"zone": ""}, "IANA time zone"),
        ({"zone": "localtime"}, "IANA time zone"),
        ({"filter": {"teams": [gid(await make.goal(team))]}}, "expected a Team ID"),
        ({"filter": {"audiences": ["x" * 201]}}, "at most 200"),
        ({"first": 101}, "at most 100"),
    ]
    for change, expected in cases:
        variables = {"from": "2026-04-01", "to": "2026-04-30", "zone": "UTC", **change}

        # when
        error = await gql.error(BAD, variables)

        # then
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (change, error)
        assert expected in error["message"], (change, error["message"])


async def test_a_leap_year_is_the_longest_range(gql):
    # given: a milestone on the last day of a 366-day range
    team = await make.team()
    last = await make.milestone(team, start_date=date(2028, 12, 31))

    # when
    found = await ids(gql, date(2028, 1, 1), date(2028, 12, 31))

    # then
    assert found == [f"milestone-{last.pk}"]


async def test_the_cost_limit_counts_the_entries_page(gql):
    # given: pages of 7 entries, each with its objectives (a list: 10 counted) and team;
    # conflicts (a list: 100 counted) with their entries (10 each); and the default page
    # of 100
    paged = """{ calendar(from: "2026-04-01", to: "2026-04-30") {
        entries(first: 7) { nodes { id team { id } objectives { id } } }
        conflicts { entries { id } } } }"""
    defaulted = '{ calendar(from: "2026-04-01", to: "2026-04-30") { entries { nodes { id } } } }'

    # when
    given = await gql.raw(paged)
    default = await gql.raw(defaulted)

    # then: 7 + 7 x 10 objectives (a single team counts nothing) + 100 + 100 x 10
    assert given["extensions"]["cost"]["nodes"] == 7 + 70 + 100 + 1000
    assert default["extensions"]["cost"]["nodes"] == 100


async def test_the_calendar_needs_signing_in(anonymous):
    # when
    error = await anonymous.error(
        '{ calendar(from: "2026-04-01", to: "2026-04-30") { entries { totalCount } } }'
    )

    # then
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
