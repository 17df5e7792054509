"""Expansion of one stored event (its master VEVENT, overrides and time zones) in a range.

`recurring-ical-events` does the iCalendar work (RRULE, RDATE, EXDATE, RECURRENCE-ID,
TZID). What this module adds is bounds on the rule engine's work:

- a rule is handed to the engine in its simplest equivalent form (rules.py), so
  `FREQ=SECONDLY;BYHOUR=10;BYMINUTE=0;BYSECOND=0` is walked a day, not a second, at a time;
- the range is walked from its start in windows sized from the rule's occurrences per
  second so that each holds about `limit` occurrences, skipping stretches where no
  occurrence begins, until the end of the range or `limit`, so the occurrences returned
  are the first ones in the range;
- a rule with a fixed period (daily, weekly or faster) starts from its grid step just
  before the range instead of from a DTSTART years back;
- one expansion queries at most `MAX_WINDOWS` windows, lets the engine examine about
  `MAX_READ_STEPS` moments and walks at most `MAX_INSTANTS` of the rule's instants; past
  any of these it stops, logs it once, and the event shows the occurrences found so far.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr

from server.external_calendars.rules import (
    FREQ_SECONDS,
    GREGORIAN_SHIFT,
    SUB_DAILY,
    exact_per_period,
    freq_of,
    interval_of,
    occurs,
    per_second,
    simplest,
    steps_per_occurrence,
)

log = logging.getLogger(__name__)

MAX_WINDOWS = 64
"""Windows one expansion of one event may query (a window holds about `limit` occurrences,
so only a rule far rarer than its estimate, or thousands of scattered RDATEs, reach it)."""
MAX_WINDOW_STEPS = 200_000
"""Moments the engine may examine in one window (see `steps_per_occurrence`): narrows the
windows of a stored rule that is costlier per occurrence than an import now accepts."""
MAX_READ_STEPS = 1_000_000
"""Moments the engine may examine in one expansion, counted over the stretch walked from
the first window (the windows' and `Starts`' walks alike)."""
MAX_STORED_STEPS_PER_OCCURRENCE = 1440
"""Moments per occurrence past which a stored rule is not walked at all (imports now
refuse more than 200, see parse.py): it shows as its DTSTART and RDATEs."""
MAX_INSTANTS = 50_000
"""Instants of one event's rule one expansion may walk to find where occurrences begin."""
MAX_WIDTH = timedelta(days=400 * 365)
REBASED = (*SUB_DAILY, "DAILY", "WEEKLY")
"""FREQs whose periods have a fixed length, so DTSTART can move by whole periods."""
REBASE_FROM = 1000
"""Instants a rule would walk before the range from which moving DTSTART is worth a copy."""


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
    """A stored event parsed once: the calendar text (its rule in its simplest form) and
    what the rule needs for bounds."""

    calendar: icalendar.Calendar
    freq: str | None
    spacing: float | None
    """Seconds between occurrences, about (None without a rule)."""
    has_count: bool
    repeats: bool = False
    per_period: float = 1.0
    """Occurrences in one period of FREQ times INTERVAL, about."""
    steps_per_second: float = 0.0
    """Moments the engine examines a second, about."""
    exact_per_period: int | None = None
    """Occurrences in every period, when that is the same for each (see rules.py)."""


def prepare(source: str) -> Prepared:
    calendar = icalendar.Calendar.from_ical(source)
    master = _master(calendar)
    rules = master.get("RRULE") if master is not None else None
    repeats = len(list(calendar.walk("VEVENT"))) > 1 or (
        master is not None and ("RRULE" in master or "RDATE" in master)
    )
    if rules is None:
        return Prepared(calendar, None, None, False, repeats)
    rules = [simplest(rule) for rule in (rules if isinstance(rules, list) else [rules])]
    rules = [rule for rule in rules if _walkable(rule, master) and _may_occur(rule, master)]
    if not rules:
        # Only DTSTART and RDATEs are left: for a rule that never occurs, what the engine
        # finds after searching for its first occurrence up to the year 9999.
        del master["RRULE"]
        return Prepared(calendar, None, None, False, repeats)
    master["RRULE"] = rules if len(rules) > 1 else rules[0]
    rule = rules[0]
    freq = freq_of(rule)
    rate = sum(per_second(each) for each in rules)
    spacing = 1 / rate if rate > 0 else MAX_WIDTH.total_seconds()
    period = FREQ_SECONDS.get(freq, 86400) * interval_of(rule)
    return Prepared(
        calendar,
        freq,
        spacing,
        any("COUNT" in each for each in rules),
        repeats,
        per_period=per_second(rule) * period,
        steps_per_second=sum(per_second(each) * steps_per_occurrence(each) for each in rules),
        exact_per_period=exact_per_period(rule) if len(rules) == 1 else None,
    )


def _walkable(rule: icalendar.vRecur, master: icalendar.Event) -> bool:
    """False for a rule (stored before imports refused it) whose engine would examine more
    than `MAX_STORED_STEPS_PER_OCCURRENCE` moments for each occurrence: in the stretches
    between them the engine cannot be stopped."""
    if steps_per_occurrence(rule) <= MAX_STORED_STEPS_PER_OCCURRENCE:
        return True
    _cut_short(
        str(master.get("UID", "")),
        f"its rule costs over {MAX_STORED_STEPS_PER_OCCURRENCE:,} engine steps an occurrence; "
        "only DTSTART and RDATEs are shown",
    )
    return False


def _may_occur(rule: icalendar.vRecur, master: icalendar.Event) -> bool:
    """False for a rule known to have no occurrence; True also when it cannot be read
    here (the expansion then reports it)."""
    try:
        return occurs(rule, master.decoded("DTSTART"))
    except (ValueError, TypeError, KeyError, OverflowError):
        return True


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
    starts: Starts | None = None
    if prepared.spacing is None:
        windows: Iterable[tuple[datetime, datetime]] = [(start_utc, end_utc)]
    else:
        seconds = prepared.spacing * max(limit, 1)
        if prepared.steps_per_second > 0:
            seconds = min(seconds, MAX_WINDOW_STEPS / prepared.steps_per_second)
        try:
            width = min(timedelta(seconds=seconds), MAX_WIDTH)
        except OverflowError:
            width = MAX_WIDTH
        starts = Starts.of(calendar)
        windows = _windows(start_utc, end_utc, max(width, timedelta(seconds=1)), starts)
    seen: set[str] = set()
    count = 0
    first_start: datetime | None = None
    for index, (window_start, window_end) in enumerate(windows):
        if index >= MAX_WINDOWS:
            _cut_short(_uid(calendar), f"its expansion queried {MAX_WINDOWS} windows")
            return
        first_start = first_start or window_start
        walked = (window_end - first_start).total_seconds() * prepared.steps_per_second
        if index > 0 and walked > MAX_READ_STEPS:
            _cut_short(_uid(calendar), f"its expansion took {MAX_READ_STEPS:,} engine steps")
            return
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
    if starts is not None and starts.spent:
        _cut_short(_uid(calendar), f"its expansion walked {MAX_INSTANTS:,} instants")


@lru_cache(maxsize=1024)
def _cut_short(uid: str, reason: str) -> None:
    """Logged once per event and process, not on every read."""
    log.warning("Imported event %r shows only some of its occurrences: %s", uid, reason)


def _uid(calendar: icalendar.Calendar) -> str:
    master = _master(calendar)
    return str(master.get("UID", "")) if master is not None else ""


def _windows(start: datetime, end: datetime, width: timedelta, starts: Starts | None):
    """Windows one after another from `start` to `end`, each `width` wide (so none holds
    more than about `limit` occurrences), beginning where `starts` says the first
    occurrence may begin and skipping ahead over stretches where it says none begins (an
    occurrence begun earlier overlapped the window before)."""
    current = start
    while current < end:
        if starts is not None:
            upcoming = starts.first_from(current)
            if upcoming is None:
                return
            current = max(current, upcoming)
            if current >= end:
                return
        try:
            following = min(current + width, end)
        except OverflowError:
            following = end
        yield current, following
        current = following


class Starts:
    """Where an event's occurrences may begin, in order, at most `MARGIN` early: its rule's
    instants walked lazily (from a DTSTART already moved near the range, at most
    `MAX_INSTANTS` of them), its DTSTART, its RDATEs, its overrides' starts; shifted by the
    largest move of a RANGE=THISANDFUTURE override."""

    MARGIN = timedelta(hours=2)
    """Room for time-zone gaps and folds, where the expansion may move an instant."""

    def __init__(self, rules: Iterator[datetime], fixed: list[datetime], early: timedelta):
        self.rules = rules
        self.fixed = sorted(fixed)
        self.early = early
        self.walked = 0
        self.spent = False
        self.next_rule: datetime | None = self._next()

    def _next(self) -> datetime | None:
        if self.walked >= MAX_INSTANTS:
            self.spent = True
            return None
        self.walked += 1
        return next(self.rules, None)

    @classmethod
    def of(cls, calendar: icalendar.Calendar) -> Starts | None:
        """None when the rule cannot be walked here (the windows then cover every moment)."""
        master = _master(calendar)
        events = list(calendar.walk("VEVENT"))
        try:
            dtstart = master.decoded("DTSTART")
            early = _margin(dtstart)
            fixed = [_moment(dtstart), *(_moment(value) for value in _rdates(master))]
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
        `moment` may begin; None when none is left (or the walk is spent)."""
        while self.next_rule is not None and self.next_rule + self.early < moment:
            self.next_rule = self._next()
        if self.spent:
            return None
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
    rule is walked in DTSTART's wall-clock time (as the expansion does), `GREGORIAN_SHIFT`
    years later so that its search for a next instant ends by the year 2399 (its dates
    are the same); an UNTIL is pushed a day later, so a zone mismatch between it and
    DTSTART never loses one."""
    zone = dtstart.tzinfo if isinstance(dtstart, datetime) else None
    local = _moment(dtstart).replace(tzinfo=None)
    if zone is not None:
        local = dtstart.replace(tzinfo=None)
    later = local.replace(year=local.year + GREGORIAN_SHIFT)
    rules = master.get("RRULE")
    walks = []
    for rule in rules if isinstance(rules, list) else [rules]:
        walker = rrulestr(rule.to_ical().decode(), dtstart=later, ignoretz=True, cache=False)
        until = getattr(walker, "_until", None)
        if until is not None:
            try:
                until = until.replace(year=until.year + GREGORIAN_SHIFT) + timedelta(days=1)
            except (ValueError, OverflowError):  # past the engine's end: no end at all
                until = None
            walker = walker.replace(until=until)
        walks.append(_aware(_earlier(instant), zone) for instant in walker)
    return heapq.merge(*walks)


def _earlier(instant: datetime) -> datetime:
    return instant.replace(year=instant.year - GREGORIAN_SHIFT)


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
    """The calendar, with a rule of fixed period moved to just before the range.

    The rule keeps its grid (DTSTART moves by whole periods of FREQ times INTERVAL, in
    wall-clock time, far enough back that the occurrence at the moved DTSTART ends before
    the range). A COUNT is reduced by the occurrences skipped when every period holds the
    same number (the moved DTSTART leaves out as much of its first period as the first
    did); any other COUNT rule is left where it is (its walk to the range is bounded by
    `MAX_INSTANTS`). None when a COUNT is used up before the range.
    """
    if prepared.freq not in REBASED:
        return prepared.calendar
    master = _master(prepared.calendar)
    rule = master["RRULE"]
    if isinstance(rule, list) or ("COUNT" in rule and prepared.exact_per_period is None):
        return prepared.calendar
    dtstart = master.decoded("DTSTART")
    anchor = _moment(dtstart)
    period = FREQ_SECONDS[prepared.freq] * interval_of(rule)
    if not isinstance(dtstart, datetime) and period % 86400:
        return prepared.calendar
    length = _duration(master)
    steps = math.floor((start_utc - length - anchor).total_seconds() / period) - 1
    if steps < 1 or steps * prepared.per_period < REBASE_FROM:
        return prepared.calendar
    shift = timedelta(seconds=steps * period)
    calendar = icalendar.Calendar.from_ical(prepared.calendar.to_ical())
    master = _master(calendar)
    rule = master["RRULE"]
    if "COUNT" in rule:
        left = int(rule["COUNT"][0]) - steps * prepared.exact_per_period
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


def _duration(master: icalendar.Event) -> timedelta:
    start = master.decoded("DTSTART")
    try:
        if "DTEND" in master:
            return max(master.decoded("DTEND") - start, timedelta(0))
        if "DURATION" in master:
            return max(master.decoded("DURATION"), timedelta(0))
    except TypeError:  # a date end with a date-time start
        return timedelta(days=1)
    return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)


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
