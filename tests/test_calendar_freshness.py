"""The calendar and its feeds are read from the app's read model, which every request
first brings up to date: a write between two requests, by this server or by anything
else writing to the database, shows in the second."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar

from schema.core.node import global_id_of
from server import clock, models
from server.enums import MilestoneKind
from tests import factories as make

TODAY = date(2026, 3, 15)

APRIL = """
{ calendar(from: "2026-04-01", to: "2026-04-30") {
    entries(first: 20) { nodes {
      id title kind startDate endDate team { name } objectives { title } } }
    conflicts { rule entries { id } }
} }
"""

MILESTONE_CREATE = """
mutation ($input: MilestoneCreateInput!) {
  milestoneCreate(input: $input) { milestone { id } userErrors { field code message } }
}
"""

FEED_CREATE = """
mutation ($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) { url userErrors { field code message } }
}
"""


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
async def spring(db):
    """Growth's "Spring" campaign (1 to 20 April), serving "Grow revenue", with a launch
    on 15 April."""
    growth = await make.team(name="Growth")
    objective = await make.goal(growth, title="Grow revenue")
    key_result = await make.key_result(objective)
    campaign = await make.campaign(
        growth, name="Spring", start_date=date(2026, 4, 1), end_date=date(2026, 4, 20)
    )
    alignment = await make.align(campaign, key_result)
    launch = await make.milestone(
        growth,
        title="Launch",
        kind=MilestoneKind.LAUNCH,
        campaign=campaign,
        start_date=date(2026, 4, 15),
    )
    return type("Spring", (), locals())


def entry(key, title, kind, start, end, team, objectives) -> dict:
    return {
        "id": key,
        "title": title,
        "kind": kind,
        "startDate": start,
        "endDate": end,
        "team": {"name": team},
        "objectives": [{"title": title} for title in objectives],
    }


async def test_writes_between_two_calendar_requests_show_in_the_second(gql, spring):
    # given: the calendar as first read
    campaign_key, launch_key = f"campaign-{spring.campaign.pk}", f"milestone-{spring.launch.pk}"
    before = (await gql.data(APRIL))["calendar"]

    # when: this server adds a release on the launch's day; another writer renames the
    # team, moves the campaign's end and archives its alignment
    created = await gql.mutate(
        MILESTONE_CREATE,
        {
            "title": "Release",
            "teamId": global_id_of(spring.growth),
            "kind": "RELEASE",
            "startDate": "2026-04-15",
        },
        "milestoneCreate",
    )
    await models.Team.filter(id=spring.growth.pk).update(name="Demand")
    await models.Campaign.filter(id=spring.campaign.pk).update(end_date=date(2026, 4, 25))
    await make.archive(spring.alignment)
    after = (await gql.data(APRIL))["calendar"]

    # then: one launch a day is allowed, so the release crowds the 15th
    serves = ["Grow revenue"]
    assert before["entries"]["nodes"] == [
        entry(campaign_key, "Spring", "CAMPAIGN", "2026-04-01", "2026-04-20", "Growth", serves),
        entry(launch_key, "Launch", "LAUNCH", "2026-04-15", "2026-04-15", "Growth", serves),
    ]
    assert before["conflicts"] == []
    assert created["userErrors"] == []
    release = await models.Milestone.get(title="Release")
    release_key = f"milestone-{release.pk}"
    assert after["entries"]["nodes"] == [
        entry(campaign_key, "Spring", "CAMPAIGN", "2026-04-01", "2026-04-25", "Demand", []),
        entry(launch_key, "Launch", "LAUNCH", "2026-04-15", "2026-04-15", "Demand", []),
        entry(release_key, "Release", "RELEASE", "2026-04-15", "2026-04-15", "Demand", []),
    ]
    assert after["conflicts"] == [
        {"rule": "CROWDED_DAY", "entries": [{"id": launch_key}, {"id": release_key}]}
    ]


def summaries(response) -> dict[str, str]:
    """UID: SUMMARY of each event of a feed response."""
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


async def test_writes_between_two_feed_requests_show_in_the_second(gql, http, spring):
    # given: a feed of everything, as first read
    payload = await gql.mutate(FEED_CREATE, {"name": "Plans"}, "calendarFeedCreate")
    path = payload["url"].removeprefix("http://127.0.0.1:8000")
    before = summaries(await http.get(path))

    # when: another writer renames the campaign, archives the launch and adds a task's
    # due date, which this feed leaves out
    await models.Campaign.filter(id=spring.campaign.pk).update(name="Summer")
    await make.archive(spring.launch)
    await make.task(campaign=spring.campaign, due_date=date(2026, 4, 2))
    after = summaries(await http.get(path))

    # then
    campaign_uid = f"campaign-{spring.campaign.pk}@127.0.0.1"
    assert before == {campaign_uid: "Spring", f"milestone-{spring.launch.pk}@127.0.0.1": "Launch"}
    assert after == {campaign_uid: "Summer"}
