"""Expansion of one stored event (its master VEVENT, overrides and time zones) in a range.

`recurring-ical-events` does the iCalendar work (RRULE, RDATE, EXDATE, RECURRENCE-ID,
TZID). What this module adds is bounds: the range is walked from its start in windows sized so
that each holds about `limit` occurrences, skipping stretches where no occurrence begins,
until the end of the range or `limit`, so the occurrences returned are the first ones in
the range; and a rule repeating faster than daily starts from its grid step just before
the range instead of from a DTSTART years back (the underlying rule engine steps through
every occurrence from DTSTART).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr

FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}
SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
FINEST_BY_PART = (("BYSECOND", 1), ("BYMINUTE", 60), ("BYHOUR", 3600))


@dataclass(frozen=True)
class Expanded:
    """One occurrence as read from the expanded component."""

    all_day: bool
    start: date | datetime
    end: date | datetime
    recurrence_key: str
    summary: str
    description: str
    location: str
    sequence: int | None


@dataclass(frozen=True)
class Prepared:
    """A stored event parsed once: the calendar text and what its rule needs for bounds."""

    calendar: icalendar.Calendar
    freq: str | None
    step_seconds: int | None
    has_count: bool
    repeats: bool = False


def prepare(source: str) -> Prepared:
    calendar = icalendar.Calendar.from_ical(source)
    master = _master(calendar)
    rule = master.get("RRULE") if master is not None else None
    if isinstance(rule, list):
        rule = rule[0]
    repeats = len(list(calendar.walk("VEVENT"))) > 1 or (
        master is not None and ("RRULE" in master or "RDATE" in master)
    )
    if rule is None:
        return Prepared(calendar, None, None, False, repeats)
    freq = str(rule.get("FREQ", ["DAILY"])[0]).upper()
    interval = int(rule.get("INTERVAL", [1])[0] or 1)
    step = FREQ_SECONDS.get(freq, 86400) * max(interval, 1)
    for part, seconds in FINEST_BY_PART:
        if rule.get(part):
            step = min(step, seconds)
            break
    return Prepared(calendar, freq, step, "COUNT" in rule, repeats)


def _master(calendar: icalendar.Calendar) -> icalendar.Event | None:
    events = list(calendar.walk("VEVENT"))
    for event in events:
        if "RECURRENCE-ID" not in event:
            return event
    return events[0] if events else None


def expand_event(
    prepared: Prepared,
    start_utc: datetime,
    end_utc: datetime,
    limit: int,
    *,
    keep: Callable[[Expanded], bool] | None = None,
    strict: bool = False,
) -> Iterator[Expanded]:
    """Up to `limit` occurrences of the event overlapping [start_utc, end_utc), in order.

    `keep` filters occurrences before they count towards `limit`. `strict` lets a broken
    series raise (on import) instead of yielding nothing (on read).
    """
    calendar = _rebased(prepared, start_utc)
    if calendar is None:
        return
    query = recurring_ical_events.of(calendar, skip_bad_series=not strict)
    if prepared.step_seconds is None:
        windows: Iterable[tuple[datetime, datetime]] = [(start_utc, end_utc)]
    else:
        width = timedelta(seconds=min(prepared.step_seconds * max(limit, 1), 400 * 365 * 86400))
        windows = _windows(start_utc, end_utc, width, Starts.of(calendar))
    seen: set[str] = set()
    count = 0
    for window_start, window_end in windows:
        components = query.between(window_start, window_end)
        items = sorted((_read(c, prepared.repeats) for c in components), key=_start_key)
        for item in items:
            if item.recurrence_key in seen or (keep is not None and not keep(item)):
                continue
            seen.add(item.recurrence_key)
            yield item
            count += 1
            if count >= limit:
                return


def _windows(start: datetime, end: datetime, width: timedelta, starts: Starts | None):
    """Windows one after another from `start` to `end`, each `width` wide (so none holds
    more than about `limit` occurrences), skipping ahead over stretches where `starts`
    says no occurrence begins (an occurrence begun earlier overlapped the window before)."""
    current = start
    while current < end:
        try:
            following = min(current + width, end)
        except OverflowError:
            following = end
        yield current, following
        current = following
        if starts is not None:
            upcoming = starts.first_from(current)
            if upcoming is None:
                return
            current = max(current, upcoming)


class Starts:
    """Where an event's occurrences may begin, in order, at most `MARGIN` early: its rule's
    instants walked lazily (from a DTSTART already moved near the range), its RDATEs, its
    overrides' starts; shifted by the largest move of a RANGE=THISANDFUTURE override."""

    MARGIN = timedelta(hours=2)
    """Room for time-zone gaps and folds, where the expansion may move an instant."""

    def __init__(self, rules: Iterator[datetime], fixed: list[datetime], early: timedelta):
        self.rules = rules
        self.fixed = sorted(fixed)
        self.early = early
        self.next_rule: datetime | None = next(rules, None)

    @classmethod
    def of(cls, calendar: icalendar.Calendar) -> Starts | None:
        """None when the rule cannot be walked here (the windows then cover every moment)."""
        master = _master(calendar)
        events = list(calendar.walk("VEVENT"))
        try:
            dtstart = master.decoded("DTSTART")
            early = _margin(dtstart)
            fixed = [_moment(value) for value in _rdates(master)]
            for event in events:
                if "RECURRENCE-ID" in event:
                    fixed.append(_moment(event.decoded("DTSTART")))
                    if event["RECURRENCE-ID"].params.get("RANGE") == "THISANDFUTURE":
                        moved = _moment(event.decoded("DTSTART")) - _moment(
                            event.decoded("RECURRENCE-ID")
                        )
                        early = max(early, early + abs(moved))
            rules = _rule_instants(master, dtstart)
        except (ValueError, TypeError, KeyError, OverflowError):
            return None
        return cls(rules, fixed, early)

    def first_from(self, moment: datetime) -> datetime | None:
        """The earliest moment at or after `moment` where an occurrence not begun before
        `moment` may begin; None when none is left."""
        while self.next_rule is not None and self.next_rule + self.early < moment:
            self.next_rule = next(self.rules, None)
        found = [m for m in self.fixed if m + self.early >= moment][:1]
        if self.next_rule is not None:
            found.append(self.next_rule)
        return max(moment, min(found) - self.early) if found else None


def _margin(dtstart: date | datetime) -> timedelta:
    """How early the expansion may place an occurrence before the instant computed here:
    a day for dates, `Starts.MARGIN` in a zone with gaps and folds, nothing in UTC."""
    if not isinstance(dtstart, datetime):
        return timedelta(days=1)
    if dtstart.tzinfo is None or dtstart.tzinfo == UTC or str(dtstart.tzinfo) == "UTC":
        return timedelta(0)
    return Starts.MARGIN


def _rule_instants(master: icalendar.Event, dtstart: date | datetime) -> Iterator[datetime]:
    """The instants of every RRULE of `master` in UTC, merged in order and lazily. Each
    rule is walked in DTSTART's wall-clock time (as the expansion does); an UNTIL is
    pushed a day later, so a zone mismatch between it and DTSTART never loses one."""
    zone = dtstart.tzinfo if isinstance(dtstart, datetime) else None
    local = _moment(dtstart).replace(tzinfo=None)
    if zone is not None:
        local = dtstart.replace(tzinfo=None)
    rules = master.get("RRULE")
    walks = []
    for rule in rules if isinstance(rules, list) else [rules]:
        walker = rrulestr(rule.to_ical().decode(), dtstart=local, ignoretz=True, cache=False)
        if getattr(walker, "_until", None) is not None:
            walker = walker.replace(until=walker._until + timedelta(days=1))
        walks.append(_aware(instant, zone) for instant in walker)
    return heapq.merge(*walks)


def _aware(local: datetime, zone) -> datetime:
    return local.replace(tzinfo=zone or UTC).astimezone(UTC)


def _moment(value) -> datetime:
    """A DTSTART, RDATE or RECURRENCE-ID value as an aware UTC moment (dates at midnight)."""
    if isinstance(value, tuple):
        value = value[0]
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return _utc(value)


def _rdates(master: icalendar.Event) -> list:
    values = master.get("RDATE")
    found = []
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        found.extend(item.dt for item in getattr(value, "dts", []))
    return found


def _rebased(prepared: Prepared, start_utc: datetime) -> icalendar.Calendar | None:
    """The calendar, with a faster-than-daily rule moved to just before the range.

    The rule keeps its grid (DTSTART moves by whole steps of FREQ times INTERVAL) and a COUNT
    is reduced by the steps skipped. None when a COUNT is used up before the range.
    """
    if prepared.freq not in SUB_DAILY:
        return prepared.calendar
    master = _master(prepared.calendar)
    dtstart = master.decoded("DTSTART")
    if not isinstance(dtstart, datetime):
        return prepared.calendar
    anchor = dtstart if dtstart.tzinfo is not None else dtstart.replace(tzinfo=UTC)
    rule = master["RRULE"]
    interval = int(rule.get("INTERVAL", [1])[0] or 1)
    period = FREQ_SECONDS[prepared.freq] * max(interval, 1)
    steps = math.floor((start_utc - anchor).total_seconds() / period) - 1
    if steps < 1000:
        return prepared.calendar
    shift = timedelta(seconds=steps * period)
    calendar = icalendar.Calendar.from_ical(prepared.calendar.to_ical())
    master = _master(calendar)
    rule = master["RRULE"]
    if "COUNT" in rule:
        left = int(rule["COUNT"][0]) - steps
        if left <= 0:
            return None
        rule["COUNT"] = [left]
    for name in ("DTSTART", "DTEND"):
        if name in master:
            moved = master.decoded(name) + shift
            params = dict(master[name].params)
            del master[name]
            master.add(name, moved, parameters=params)
    return calendar


def _read(component, repeats: bool) -> Expanded:
    start = component.decoded("DTSTART")
    all_day = not isinstance(start, datetime)
    if "DTEND" in component:
        end = component.decoded("DTEND")
    elif "DURATION" in component:
        end = start + component.decoded("DURATION")
    else:
        end = start + timedelta(days=1) if all_day else start
    if all_day:
        end = end.date() if isinstance(end, datetime) else end
        end = max(end, start + timedelta(days=1))
    else:
        start = _utc(start)
        end = max(_utc(end) if isinstance(end, datetime) else start, start)
    key = _recurrence_key(component, start) if repeats else ""
    sequence = component.get("SEQUENCE")
    return Expanded(
        all_day=all_day,
        start=start,
        end=end,
        recurrence_key=key,
        summary=str(component.get("SUMMARY", "")),
        description=str(component.get("DESCRIPTION", "")),
        location=str(component.get("LOCATION", "")),
        sequence=int(sequence) if sequence is not None else None,
    )


def _recurrence_key(component, start: date | datetime) -> str:
    """The occurrence's original start (RECURRENCE-ID, else its start), in UTC."""
    value = component.decoded("RECURRENCE-ID") if "RECURRENCE-ID" in component else start
    return _utc(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _start_key(item: Expanded) -> datetime:
    start = item.start
    if isinstance(start, datetime):
        return start
    return datetime(start.year, start.month, start.day, tzinfo=UTC)
