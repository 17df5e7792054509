"""Imported occurrences keep their identity across refreshes: the calendar entry's ID and
the feed's UID come from the publisher's UID and the occurrence's RECURRENCE-ID, so
subscribed calendar apps update the events they have instead of deleting and re-adding
every one of them at each refresh, even when the publisher moves an occurrence."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from icalendar import Calendar

from server import clock
from tests.test_calendar_import import LIMITS, REFRESH, add
from tests.test_calendar_import_expand import CALENDAR

TODAY = date(2026, 3, 1)
ENTRIES = """
query ($from: Date!, $to: Date!) {
  calendar(from: $from, to: $to) { entries(first: 100) { nodes { id title startDate } } }
}
"""
FEED_CREATE = """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) { url userErrors { code } }
}
"""
# The publisher moves the overridden occurrence of 26 March (RECURRENCE-ID kept) from
# the 27th to the 30th, and Boxing Day (an event that does not repeat) by a day.
MOVED = CALENDAR.replace(
    "DTSTART;TZID=Europe/Berlin:20260327T140000\r\nDTEND;TZID=Europe/Berlin:20260327T150000",
    "DTSTART;TZID=Europe/Berlin:20260330T140000\r\nDTEND;TZID=Europe/Berlin:20260330T150000",
).replace("DTSTART;VALUE=DATE:20261226", "DTSTART;VALUE=DATE:20261227")


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, calendar_imports=LIMITS)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def entries(gql) -> dict[str, tuple[str, str]]:
    variables = {"from": "2026-03-01", "to": "2026-12-31"}
    found = (await gql.data(ENTRIES, variables))["calendar"]["entries"]["nodes"]
    return {entry["id"]: (entry["title"], entry["startDate"]) for entry in found}


async def feed_uids(gql, http, path: str) -> dict[str, str]:
    response = await http.get(path, headers={"Cache-Control": "no-cache"})
    assert response.status_code == 200, response.text
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["UID"]): str(event["SUMMARY"]) for event in events}


async def test_imported_occurrences_keep_their_ids_and_uids_across_refreshes(db, gql, http, feed):
    # given: an imported calendar, read on the calendar and through a feed
    assert MOVED != CALENDAR
    payload = await add(gql, url=feed.url("/holidays.ics"))
    calendar_id = payload["externalCalendar"]["id"]
    made = await gql.mutate(FEED_CREATE, {"name": "Everything"}, "calendarFeedCreate")
    path = "/" + made["url"].split("/", 3)[3]
    before = await entries(gql)
    uids_before = await feed_uids(gql, http, path)

    # when: refreshed unchanged, then refreshed after the publisher moved two events
    await gql.mutate(REFRESH, {"id": calendar_id}, "externalCalendarRefresh")
    unchanged = await entries(gql)
    feed.documents["/holidays.ics"] = (200, "text/calendar", MOVED.encode())
    refreshed = await gql.mutate(REFRESH, {"id": calendar_id}, "externalCalendarRefresh")
    assert refreshed["userErrors"] == []
    after = await entries(gql)
    uids_after = await feed_uids(gql, http, path)

    # then: the same IDs and UIDs, the moved events at their new dates
    assert unchanged == before
    assert after.keys() == before.keys()
    assert uids_after.keys() == uids_before.keys()
    moved = {key: value for key, value in after.items() if before[key] != value}
    assert sorted(moved.values()) == [
        ("Boxing Day", "2026-12-27"),
        ("Industry call (moved)", "2026-03-30"),
    ]
    assert {f"{key}@" for key in before} == {uid.split("@")[0] + "@" for uid in uids_before}
