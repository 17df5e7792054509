"""Parsing imported documents and expanding their events, against hand-computed dates."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from server import models
from server.external_calendars.errors import ImportFailure
from server.external_calendars.occurrences import MAX_PER_EVENT, occurrences_between
from server.external_calendars.parse import parse_calendar
from server.external_calendars.refresh import store_events
from tests.snapshots import current

BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
"""

# Holidays; a weekly meeting in Berlin across the change to summer time (29 March 2026)
# with one week left out (EXDATE) and one moved (RECURRENCE-ID); a yearly all-day event.
CALENDAR = (
    (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Holidays//EN\r\n"
        + BERLIN
        + """BEGIN:VEVENT
UID:christmas-2026@test
DTSTART;VALUE=DATE:20261225
DTEND;VALUE=DATE:20261226
SUMMARY:Christmas Day
END:VEVENT
BEGIN:VEVENT
UID:boxing-2026@test
DTSTART;VALUE=DATE:20261226
SUMMARY:Boxing Day
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
DTSTART;TZID=Europe/Berlin:20260305T100000
DTEND;TZID=Europe/Berlin:20260305T110000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20260319T100000
SUMMARY:Industry call
LOCATION:Berlin
END:VEVENT
BEGIN:VEVENT
UID:weekly@test
RECURRENCE-ID;TZID=Europe/Berlin:20260326T100000
DTSTART;TZID=Europe/Berlin:20260327T140000
DTEND;TZID=Europe/Berlin:20260327T150000
SUMMARY:Industry call (moved)
END:VEVENT
BEGIN:VEVENT
UID:fair@test
DTSTART;VALUE=DATE:20240610
DTEND;VALUE=DATE:20240613
RRULE:FREQ=YEARLY
SUMMARY:Trade fair
END:VEVENT
END:VCALENDAR
"""
    )
    .replace("\n", "\r\n")
    .replace("\r\r\n", "\r\n")
)

SECONDLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Hostile//EN
BEGIN:VEVENT
UID:spam@test
DTSTART:20200101T000000Z
DTEND:20200101T000001Z
RRULE:FREQ=SECONDLY
SUMMARY:Every second
END:VEVENT
END:VCALENDAR
"""


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def parse(text: str, **limits):
    return parse_calendar(
        text.encode(),
        max_bytes=limits.get("max_bytes", 2_000_000),
        max_events=limits.get("max_events", 100),
    )


async def imported(text: str, **fields) -> models.ExternalCalendar:
    calendar = await models.ExternalCalendar.create(name=fields.pop("name", "Imported"), **fields)
    await store_events(calendar, parse(text))
    return calendar


def test_one_stored_event_per_uid_with_widened_bounds():
    parsed = parse(CALENDAR)
    by_uid = {event.uid: event for event in parsed.events}
    assert sorted(by_uid) == ["boxing-2026@test", "christmas-2026@test", "fair@test", "weekly@test"]
    weekly = by_uid["weekly@test"]
    assert weekly.all_day is False
    assert weekly.summary == "Industry call"
    assert weekly.location == "Berlin"
    # First start 5 March, last (6th, COUNT) 9 April; a day of slack on each side.
    assert (weekly.first_date, weekly.last_date) == (date(2026, 3, 4), date(2026, 4, 10))
    assert "RECURRENCE-ID" in weekly.source and "TZID:Europe/Berlin" in weekly.source
    assert by_uid["fair@test"].last_date is None
    assert (by_uid["boxing-2026@test"].first_date, by_uid["boxing-2026@test"].last_date) == (
        date(2026, 12, 25),
        date(2026, 12, 28),
    )


async def test_weekly_rule_with_exdate_override_and_summer_time(db):
    calendar = await imported(CALENDAR, color="#112233", blocking=True)
    found = occurrences_between(await current(), utc(2026, 3, 1), utc(2026, 4, 30))
    weekly = [o for o in found if o.uid == "weekly@test"]
    # 10:00 Berlin is 09:00 UTC in winter and 08:00 UTC from 29 March; 19 March is left
    # out; 26 March moved to 27 March 14:00 (13:00 UTC).
    assert [(o.start, o.end) for o in weekly] == [
        (utc(2026, 3, 5, 9), utc(2026, 3, 5, 10)),
        (utc(2026, 3, 12, 9), utc(2026, 3, 12, 10)),
        (utc(2026, 3, 27, 13), utc(2026, 3, 27, 14)),
        (utc(2026, 4, 2, 8), utc(2026, 4, 2, 9)),
        (utc(2026, 4, 9, 8), utc(2026, 4, 9, 9)),
    ]
    moved = weekly[2]
    assert moved.summary == "Industry call (moved)"
    assert moved.recurrence_key == "2026-03-26T09:00:00+00:00"
    assert weekly[0].recurrence_key == "2026-03-05T09:00:00+00:00"
    assert {(o.calendar_id, o.color, o.blocking) for o in weekly} == {
        (calendar.pk, "#112233", True)
    }
    assert all(o.start.tzinfo is UTC for o in weekly)


async def test_all_day_events_and_a_yearly_rule(db):
    await imported(CALENDAR)
    found = occurrences_between(await current(), utc(2026, 6, 1), utc(2027, 1, 1))
    assert [(o.summary, o.start, o.end, o.all_day) for o in found] == [
        ("Trade fair", date(2026, 6, 10), date(2026, 6, 13), True),
        ("Christmas Day", date(2026, 12, 25), date(2026, 12, 26), True),
        ("Boxing Day", date(2026, 12, 26), date(2026, 12, 27), True),
    ]
    # A range inside the fair's second day still finds the fair; a range after it does not.
    inside = occurrences_between(await current(), utc(2027, 6, 11, 10), utc(2027, 6, 11, 11))
    assert [(o.summary, o.start) for o in inside] == [("Trade fair", date(2027, 6, 10))]
    assert occurrences_between(await current(), utc(2027, 6, 13), utc(2027, 6, 14)) == ()


async def test_archived_calendars_are_left_out(db):
    calendar = await imported(CALENDAR)
    assert len(occurrences_between(await current(), utc(2026, 12, 1), utc(2027, 1, 1))) == 2
    calendar.archived_at = utc(2026, 1, 1)
    await calendar.save()
    assert occurrences_between(await current(), utc(2026, 12, 1), utc(2027, 1, 1)) == ()


async def test_an_endless_secondly_rule_is_imported_but_bounded_on_read(db):
    await imported(SECONDLY)
    began = time.monotonic()
    found = occurrences_between(await current(), utc(2026, 5, 1), utc(2026, 5, 2))
    assert time.monotonic() - began < 10
    assert len(found) == MAX_PER_EVENT
    assert found[0].start == utc(2026, 5, 1)
    assert found[1].start == utc(2026, 5, 1, 0, 0, 1)
    assert found[-1].start == utc(2026, 5, 1, 0, 16, 39)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("<!DOCTYPE html><html><body>Calendar</body></html>", "NOT_ICALENDAR"),
        ("\x00\x01\x02PK binary", "NOT_ICALENDAR"),
        (CALENDAR.replace("SUMMARY:Trade", "SUMMARY:" + "x" * 70_000 + "\x00"), "NOT_ICALENDAR"),
        ("BEGIN:VCALENDAR\r\nthis is : : not\r\n", "NOT_ICALENDAR"),
        (CALENDAR.replace("DTSTART;VALUE=DATE:20261226\r\n", ""), "MISSING_START"),
        (CALENDAR.replace("20261225", "2026-13-45"), "BAD_DATE"),
        (
            CALENDAR.replace("FREQ=YEARLY\r\nSUMMARY:Trade", "FREQ=SOMETIMES\r\nSUMMARY:Trade"),
            "BAD_RULE",
        ),
    ],
)
def test_bad_documents_are_refused_with_their_reason(text, code):
    with pytest.raises(ImportFailure) as refused:
        parse(text)
    assert refused.value.code == code
    assert refused.value.message


def test_size_and_event_limits():
    with pytest.raises(ImportFailure) as too_large:
        parse(CALENDAR, max_bytes=1000)
    assert too_large.value.code == "TOO_LARGE"
    with pytest.raises(ImportFailure) as too_many:
        parse(CALENDAR, max_events=4)
    assert too_many.value.code == "TOO_MANY_EVENTS"
    assert "5 events" in too_many.value.message


def test_a_line_without_a_colon_is_not_icalendar():
    # given: a line inside an event that is not NAME:value
    broken = CALENDAR.replace("SUMMARY:Boxing Day\r\n", "SUMMARY:Boxing Day\r\nBoxing Day\r\n")

    # when
    with pytest.raises(ImportFailure) as refused:
        parse(broken)

    # then
    assert refused.value.code == "NOT_ICALENDAR"
    assert "Boxing Day" in refused.value.message


SEC, MIN = range(5), range(30, 33)


def rule_calendar(dtstart: str, rule: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Rules//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:rule@test\r\nDTSTART:{dtstart}\r\nRRULE:{rule}\r\nSUMMARY:Often\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.mark.parametrize(
    ("dtstart", "rule", "expected"),
    [
        # five seconds at 10:00 and three minutes at 14:30, inside the range
        ("20260501T100000Z", "FREQ=SECONDLY;COUNT=5", [utc(2026, 5, 1, 10, 0, n) for n in SEC]),
        ("20260501T143000Z", "FREQ=MINUTELY;COUNT=3", [utc(2026, 5, 1, 14, n) for n in MIN]),
        # a rule that repeats only in June, begun years before the range
        ("20200101T000000Z", "FREQ=SECONDLY;BYMONTH=6", None),
    ],
)
async def test_fast_rules_show_the_occurrences_in_the_range(db, dtstart, rule, expected):
    # given
    await imported(rule_calendar(dtstart, rule))

    # when
    found = occurrences_between(await current(), utc(2026, 5, 1), utc(2026, 7, 1))

    # then: up to the cap, the first occurrences inside the range
    starts = [o.start for o in found]
    if expected is None:
        assert len(starts) == MAX_PER_EVENT
        assert starts[0] == utc(2026, 6, 1) and starts[-1] == utc(2026, 6, 1, 0, 16, 39)
    else:
        assert starts == expected
