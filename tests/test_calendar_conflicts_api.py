"""`calendar.conflicts` through the API, and the CALENDAR_CONFLICT risk agreeing with it;
imported events come from stored iCalendar text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schema.core.node import global_id_of
from server import clock, models
from server.enums import Channel, MilestoneKind
from server.external_calendars.occurrences import occurrence_key
from tests import factories as make

TODAY = date(2026, 5, 1)

CONFLICTS = """
query ($from: Date!, $to: Date!, $filter: CalendarFilter, $zone: String) {
  calendar(from: $from, to: $to, filter: $filter, timeZone: $zone) {
    entries { totalCount nodes { id kind blocking externalCalendar startDate endDate
      startsAt allDay color node { id } team { id } objectives { id } } }
    conflicts { rule severity startDate endDate message entries { id } }
  }
}
"""
RISKS = """
{ risks(filter: {kinds: [CALENDAR_CONFLICT]}) { nodes { severity message node { id }
  related { id } } } }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def vevent(uid: str, summary: str, lines: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{summary}\r\n{lines}"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


async def imported(name: str, blocking: bool, color: str = "#999999") -> models.ExternalCalendar:
    return await models.ExternalCalendar.create(name=name, blocking=blocking, color=color)


async def holiday(calendar, uid, summary, day: date, **fields) -> models.ExternalEvent:
    text = f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
    return await models.ExternalEvent.create(
        calendar=calendar,
        uid=uid,
        summary=summary,
        all_day=True,
        first_date=day,
        last_date=day,
        source=vevent(uid, summary, text),
        **fields,
    )


async def read(gql, start, end, **variables) -> dict:
    data = await gql.data(
        CONFLICTS, {"from": start.isoformat(), "to": end.isoformat(), **variables}
    )
    return data["calendar"]


async def test_each_rule_through_the_api_and_the_risk_agrees(gql):
    # given: two campaigns for the same audience on e-mail, two launches on one day,
    # and a launch on a blocking public holiday
    growth, sales = await make.team(name="Growth"), await make.team(name="Sales")
    a = await make.campaign(
        growth,
        name="Spring",
        audience="SMB",
        channels=[Channel.EMAIL],
        start_date=date(2026, 5, 4),
        end_date=date(2026, 5, 8),
    )
    b = await make.campaign(
        sales,
        name="Upsell",
        audience="smb",
        channels=[Channel.EMAIL],
        start_date=date(2026, 5, 8),
        end_date=date(2026, 5, 15),
    )
    first = await make.milestone(
        growth, title="App 2.0", kind=MilestoneKind.LAUNCH, start_date=date(2026, 5, 12)
    )
    second = await make.milestone(
        sales, title="Partner tier", kind=MilestoneKind.RELEASE, start_date=date(2026, 5, 12)
    )
    on_holiday = await make.milestone(
        growth, title="EU launch", kind=MilestoneKind.LAUNCH, start_date=date(2026, 5, 14)
    )
    holidays = await imported("Public holidays", blocking=True, color="#ff0000")
    fairs = await imported("Trade fairs", blocking=False)
    ascension = await holiday(holidays, "asc@example", "Ascension Day", date(2026, 5, 14))
    fair = await holiday(fairs, "fair@example", "Data fair", date(2026, 5, 14))
    external_key = occurrence_key(holidays.pk, ascension.uid, "")

    # when
    may = await read(gql, date(2026, 5, 1), date(2026, 5, 31))
    growth_only = await read(
        gql, date(2026, 5, 1), date(2026, 5, 31), filter={"teams": [global_id_of(growth)]}
    )
    risks = (await gql.data(RISKS))["risks"]["nodes"]

    # then
    assert [
        (c["rule"], c["severity"], c["startDate"], [e["id"] for e in c["entries"]])
        for c in may["conflicts"]
    ] == [
        (
            "CHANNEL_AUDIENCE_OVERLAP",
            "MEDIUM",
            "2026-05-08",
            [f"campaign-{a.pk}", f"campaign-{b.pk}"],
        ),
        (
            "CROWDED_DAY",
            "MEDIUM",
            "2026-05-12",
            [f"milestone-{first.pk}", f"milestone-{second.pk}"],
        ),
        ("BLOCKING_EVENT", "HIGH", "2026-05-14", [f"milestone-{on_holiday.pk}", external_key]),
    ]
    holiday_entry = next(e for e in may["entries"]["nodes"] if e["id"] == external_key)
    assert holiday_entry == {
        "id": external_key,
        "kind": "EXTERNAL",
        "blocking": True,
        "externalCalendar": "Public holidays",
        "startDate": "2026-05-14",
        "endDate": "2026-05-14",
        "startsAt": None,
        "allDay": True,
        "color": "#ff0000",
        "node": None,
        "team": None,
        "objectives": [],
    }
    assert [e["id"] for e in may["entries"]["nodes"]] == [
        f"campaign-{a.pk}",
        f"campaign-{b.pk}",
        f"milestone-{first.pk}",
        f"milestone-{second.pk}",
        f"milestone-{on_holiday.pk}",
        external_key,
        occurrence_key(fairs.pk, fair.uid, ""),
    ]
    # a team sees every clash its entries are part of, with the other side named
    assert [c["rule"] for c in growth_only["conflicts"]] == [
        "CHANNEL_AUDIENCE_OVERLAP",
        "CROWDED_DAY",
        "BLOCKING_EVENT",
    ]
    assert growth_only["entries"]["totalCount"] == 5
    assert sorted((r["node"]["id"], r["severity"], r["message"]) for r in risks) == sorted(
        (global_id_of(node), c["severity"], c["message"])
        for node, c in zip([a, first, on_holiday], may["conflicts"], strict=True)
    )
    related = {r["node"]["id"]: [n["id"] for n in r["related"]] for r in risks}
    assert related[global_id_of(a)] == [global_id_of(b)]
    assert related[global_id_of(first)] == [global_id_of(second)]
    assert related[global_id_of(on_holiday)] == []


async def test_no_conflict_just_below_each_threshold(gql):
    # given: campaigns on e-mail for the same audience ending the day before the next
    # starts; one launch on a day; a launch the day after a blocking holiday
    team = await make.team()
    for start, end in ((date(2026, 5, 4), date(2026, 5, 7)), (date(2026, 5, 8), date(2026, 5, 15))):
        await make.campaign(
            team, audience="SMB", channels=[Channel.EMAIL], start_date=start, end_date=end
        )
    await make.milestone(team, kind=MilestoneKind.LAUNCH, start_date=date(2026, 5, 12))
    await make.milestone(team, kind=MilestoneKind.LAUNCH, start_date=date(2026, 5, 15))
    holidays = await imported("Public holidays", blocking=True)
    await holiday(holidays, "asc@example", "Ascension Day", date(2026, 5, 14))

    # when
    may = await read(gql, date(2026, 5, 1), date(2026, 5, 31))
    risks = (await gql.data(RISKS))["risks"]["nodes"]

    # then
    assert may["conflicts"] == []
    assert risks == []


async def test_a_timed_launch_clashes_with_a_holiday_in_the_zone_asked_for(gql):
    # given: a launch at 22:30 UTC on 13 May, which is 14 May in Berlin
    team = await make.team()
    launch = await make.milestone(
        team,
        kind=MilestoneKind.LAUNCH,
        start_date=date(2026, 5, 14),
        starts_at=datetime(2026, 5, 13, 22, 30, tzinfo=UTC),
        ends_at=datetime(2026, 5, 13, 23, 30, tzinfo=UTC),
    )
    holidays = await imported("Public holidays", blocking=True)
    await holiday(holidays, "asc@example", "Ascension Day", date(2026, 5, 14))
    week = (date(2026, 5, 11), date(2026, 5, 17))

    # when
    in_utc = await read(gql, *week)
    in_berlin = await read(gql, *week, zone="Europe/Berlin")

    # then
    assert in_utc["conflicts"] == []
    (clash,) = in_berlin["conflicts"]
    assert clash["entries"][0]["id"] == f"milestone-{launch.pk}"
    assert (clash["startDate"], clash["endDate"]) == ("2026-05-14", "2026-05-14")
