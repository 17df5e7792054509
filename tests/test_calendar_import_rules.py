"""The work a recurrence rule costs, counted in rule-engine calls rather than seconds:
windows queried from `recurring-ical-events` and periods the rule engine (dateutil) steps
through, against hand-computed occurrences."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from dateutil import rrule as engine_module
from dateutil.rrule import rrulestr
from recurring_ical_events.query import CalendarQuery

from server.external_calendars import expand
from server.external_calendars.errors import ImportFailure
from server.external_calendars.expand import expand_event, prepare
from server.external_calendars.occurrences import occurrences_between
from server.external_calendars.parse import parse_calendar
from server.external_calendars.refresh import store_events
from server.external_calendars.rules import per_second, simplest
from server.models import ExternalCalendar
from tests.snapshots import current

DAY = 86400


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rule_calendar(dtstart: str, rule: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Rules//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:rule@test\r\nDTSTART:{dtstart}\r\nRRULE:{rule}\r\nSUMMARY:Rule\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def parse(text: str):
    return parse_calendar(text.encode(), max_bytes=2_000_000, max_events=100)


async def imported(text: str) -> None:
    calendar = await ExternalCalendar.create(name="Imported")
    await store_events(calendar, parse(text))


@pytest.fixture
def work(monkeypatch) -> Counter:
    """Counts windows asked of `recurring-ical-events` and periods (years, months, weeks or
    days) the rule engine steps through, wherever the rule is walked."""
    counts: Counter = Counter()
    between = CalendarQuery.between

    def counted_between(self, *args, **kwargs):
        counts["windows"] += 1
        return between(self, *args, **kwargs)

    monkeypatch.setattr(CalendarQuery, "between", counted_between)
    for name in ("ydayset", "mdayset", "wdayset", "ddayset"):
        original = getattr(engine_module._iterinfo, name)

        def counted(self, *args, _original=original, **kwargs):
            counts["periods"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(engine_module._iterinfo, name, counted)
    return counts


async def test_a_secondly_rule_that_occurs_once_a_day_is_walked_a_day_at_a_time(db, work):
    # given: every second, but only at 10:00:00, begun six years before the range
    await imported(
        rule_calendar("20200101T000000Z", "FREQ=SECONDLY;BYHOUR=10;BYMINUTE=0;BYSECOND=0")
    )

    # when: a year is read
    found = occurrences_between(await current(), utc(2026, 1, 1), utc(2027, 1, 1))

    # then: every day of 2026 at 10:00:00, from one window and about a period a day
    assert [o.start for o in found] == [utc(2026, 1, 1, 10) + timedelta(days=n) for n in range(365)]
    assert work["windows"] <= 3
    assert work["periods"] <= 4 * 365


async def test_a_secondly_rule_with_an_interval_is_bounded_over_a_short_range(db, work):
    # given: every 7 seconds from midnight, only in the 10 o'clock hour
    await imported(rule_calendar("20260501T000000Z", "FREQ=SECONDLY;INTERVAL=7;BYHOUR=10"))

    # when
    found = occurrences_between(await current(), utc(2026, 5, 1), utc(2026, 5, 1, 12))

    # then: DTSTART (always the first occurrence), then 36,001 s (10:00:01), the first
    # multiple of 7 in the hour, to 39,599 s (10:59:59), the last: 1 + 515 occurrences
    midnight = utc(2026, 5, 1)
    in_the_hour = [midnight + timedelta(seconds=7 * n) for n in range(5143, 5658)]
    assert [o.start for o in found] == [midnight, *in_the_hour]
    assert work["windows"] <= 3
    assert work["periods"] <= 3 * 12 * 3600 // 7


def test_a_rule_that_never_occurs_is_refused_at_import_with_bounded_work(work):
    # given: the 30th of February
    text = rule_calendar("20200101T000000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")

    # when
    with pytest.raises(ImportFailure) as refused:
        parse(text)

    # then: refused after at most 500 years of days, not a search to the year 9999
    assert refused.value.code == "BAD_RULE"
    assert "never occurs" in refused.value.message
    assert "BYMONTHDAY=30" in refused.value.message
    assert work["periods"] <= 500 * 366


def test_a_stored_rule_that_never_occurs_shows_its_first_start_with_bounded_work(work):
    # given: an event stored before such rules were refused
    prepared = prepare(rule_calendar("20200101T090000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"))

    # when
    found = list(expand_event(prepared, utc(2019, 12, 1), utc(2027, 1, 1), 1000))

    # then: DTSTART, which is always the first occurrence, and nothing else
    assert [item.start for item in found] == [utc(2020, 1, 1, 9)]
    assert work["periods"] <= 500 * 366


COSTLY = "FREQ=SECONDLY;INTERVAL=7;BYHOUR=10;BYMINUTE=0;BYSECOND=0"
"""Every 7 seconds, at 10:00:00 only: once a week, after 86,400 moments of its grid."""


def test_a_sub_daily_rule_examining_too_many_moments_an_occurrence_is_refused(work):
    # when
    with pytest.raises(ImportFailure) as refused:
        parse(rule_calendar("20200101T000000Z", COSTLY))

    # then: refused from its parts, before the engine walks it
    assert refused.value.code == "BAD_RULE"
    assert "86,400 moments for each occurrence" in refused.value.message
    assert work["periods"] == 0


def test_a_stored_rule_too_costly_to_walk_shows_its_first_start(work):
    # given: an event stored before such rules were refused
    prepared = prepare(rule_calendar("20260101T000000Z", COSTLY))

    # when
    found = list(expand_event(prepared, utc(2025, 12, 1), utc(2027, 1, 1), 1000))

    # then
    assert [item.start for item in found] == [utc(2026, 1, 1)]
    assert work["periods"] <= 10


def test_an_expansion_queries_at_most_its_budget_of_windows_and_says_so_once(work, caplog):
    # given: a daily rule, read one occurrence at a time and none of them kept
    prepared = prepare(rule_calendar("20260101T090000Z", "FREQ=DAILY"))

    # when: read twice
    with caplog.at_level(logging.WARNING, logger=expand.__name__):
        for _ in range(2):
            found = list(
                expand_event(prepared, utc(2026, 1, 1), utc(2027, 1, 1), 1, keep=lambda _: False)
            )

    # then: each read stops after its budget; the log says it once
    assert found == []
    assert work["windows"] == 2 * expand.MAX_WINDOWS
    assert len([r for r in caplog.records if "rule@test" in r.getMessage()]) == 1


HOURS = ",".join(map(str, range(24)))


def test_a_count_rule_is_moved_to_the_range_by_the_occurrences_it_skips(work):
    # given: every hour from 2020 for 52,624 hours; 2020 to 2025 are 2,192 days (two leap
    # years: 52,608 hours), so the last is hour 16 of 1 January 2026, at 15:00
    prepared = prepare(rule_calendar("20200101T000000Z", f"FREQ=DAILY;BYHOUR={HOURS};COUNT=52624"))

    # when
    found = list(expand_event(prepared, utc(2026, 1, 1), utc(2026, 1, 2), 1000))

    # then: from a DTSTART moved next to the range, not walked from 2020
    assert [item.start for item in found] == [utc(2026, 1, 1, hour) for hour in range(16)]
    assert work["periods"] <= 10


def test_a_count_rule_too_long_to_walk_to_the_range_stops_before_the_engine(work):
    # given: every hour of weekdays from 2015 (its days limited, so the occurrences before
    # the range cannot be counted without walking them: about 69,000)
    prepared = prepare(
        rule_calendar(
            "20150101T000000Z", f"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR={HOURS};COUNT=100000"
        )
    )

    # when
    found = list(expand_event(prepared, utc(2026, 1, 1), utc(2026, 1, 2), 1000))

    # then: its walk is spent before the range, and no window is asked
    assert found == []
    assert work["windows"] == 0


@pytest.mark.parametrize(
    ("rule", "simpler"),
    [
        (
            "FREQ=SECONDLY;BYHOUR=10;BYMINUTE=0;BYSECOND=0",
            "FREQ=DAILY;BYHOUR=10;BYMINUTE=0;BYSECOND=0",
        ),
        ("FREQ=SECONDLY;BYSECOND=5,6", "FREQ=MINUTELY;BYSECOND=5,6"),
        ("FREQ=MINUTELY;BYMINUTE=0;COUNT=3", "FREQ=HOURLY;BYMINUTE=0;COUNT=3"),
        ("FREQ=HOURLY;BYHOUR=9,17;BYDAY=MO", "FREQ=DAILY;BYHOUR=9,17;BYDAY=MO"),
        (
            "FREQ=MINUTELY;BYHOUR=9",
            "FREQ=DAILY;BYHOUR=9;BYMINUTE=" + ",".join(map(str, range(60))),
        ),
        # an interval, BYSETPOS or nothing pinned: as it is
        ("FREQ=SECONDLY;INTERVAL=7;BYHOUR=10", None),
        ("FREQ=HOURLY;BYHOUR=9,17;BYSETPOS=1", None),
        ("FREQ=MINUTELY;BYMONTH=6", None),
        ("FREQ=DAILY;BYHOUR=9", None),
    ],
)
def test_a_rule_is_handed_to_the_engine_under_its_coarsest_equivalent_freq(rule, simpler):
    # given
    recur = icalendar.vRecur.from_ical(rule)

    # when
    result = simplest(recur)

    # then: the same instants, from a start that is not on any of them
    assert dict(result) == dict(icalendar.vRecur.from_ical(simpler or rule))
    start = datetime(2026, 3, 28, 9, 59, 58, tzinfo=UTC)
    limited = ";COUNT=300" if "COUNT" not in rule else ""
    before = rrulestr(rule + limited, dtstart=start)
    after = rrulestr(result.to_ical().decode() + limited, dtstart=start)
    assert list(before) == list(after)


@pytest.mark.parametrize(
    ("rule", "per_day"),
    [
        ("FREQ=SECONDLY;BYHOUR=10;BYMINUTE=0;BYSECOND=0", 1),
        ("FREQ=SECONDLY;INTERVAL=7;BYHOUR=10", DAY / 7 / 24),
        ("FREQ=MINUTELY;BYSECOND=0,30", 2 * 1440),
        ("FREQ=DAILY;BYHOUR=9,17", 2),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", 5 / 7),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", 2 / 14),
        ("FREQ=MONTHLY;BYDAY=1MO", 1 / 28),
        ("FREQ=YEARLY", 1 / 365),
    ],
)
def test_occurrences_per_second_come_from_freq_interval_and_the_by_parts(rule, per_day):
    assert per_second(icalendar.vRecur.from_ical(rule)) * DAY == pytest.approx(per_day)
