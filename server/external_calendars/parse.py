"""Checking an iCalendar document and splitting it into one stored event per UID.

Everything is checked before anything is stored: a document that is not iCalendar, too
large, has too many events, or holds an event whose dates cannot be read is refused as a
whole with an `ImportFailure` naming the problem. Each stored event keeps its own
iCalendar text (master, overrides and the time zones it uses) for expansion on read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
import x_wr_timezone
from dateutil.rrule import rrulestr

from server.dates import DATES_TEXT, LAST_DATE, date_supported
from server.external_calendars.errors import ImportFailure
from server.external_calendars.expand import expand_event, prepare
from server.external_calendars.rules import occurs, simplest, steps_per_occurrence

COUNT_WALK = 5000
"""Occurrences walked to find where a COUNT rule ends; past that it is taken as endless."""
MAX_PER_DAY = 1440
"""A rule under a daily or slower FREQ may not expand (BYHOUR/BYMINUTE/BYSECOND) past this."""
MAX_STEPS_PER_OCCURRENCE = 200
"""Moments the rule engine may examine for each occurrence of a sub-daily rule (see
`steps_per_occurrence`); `FREQ=SECONDLY;INTERVAL=7;BYHOUR=10` examines 24."""
DATE_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE")
SLACK = timedelta(days=1)


@dataclass(frozen=True)
class ParsedEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    all_day: bool
    first_date: date
    last_date: date | None
    source: str


@dataclass(frozen=True)
class ParsedCalendar:
    events: list[ParsedEvent]
    content_hash: str


def parse_calendar(data: bytes, *, max_bytes: int, max_events: int) -> ParsedCalendar:
    """The events of `data`, or `ImportFailure` when any part of it cannot be imported."""
    if len(data) > max_bytes:
        raise ImportFailure(
            "TOO_LARGE", f"The calendar is {len(data):,} bytes, over the limit of {max_bytes:,}."
        )
    text = _text(data)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as error:
        raise ImportFailure(
            "NOT_ICALENDAR", f"The document is not valid iCalendar: {_short(error)}"
        ) from None
    if calendar.name != "VCALENDAR":
        raise ImportFailure("NOT_ICALENDAR", "The document does not hold a VCALENDAR.")
    _refuse_broken_lines(calendar)
    try:
        calendar = x_wr_timezone.to_standard(calendar)
    except Exception as error:  # the library raises several kinds on odd input
        raise ImportFailure(
            "NOT_ICALENDAR", f"The calendar's X-WR-TIMEZONE cannot be read: {_short(error)}"
        ) from None
    components = list(calendar.walk("VEVENT"))
    if len(components) > max_events:
        raise ImportFailure(
            "TOO_MANY_EVENTS",
            f"The calendar has {len(components):,} events, over the limit of {max_events:,}.",
        )
    zones = {str(z.get("TZID")): z for z in calendar.walk("VTIMEZONE") if z.get("TZID")}
    groups: dict[str, list[icalendar.Event]] = defaultdict(list)
    for component in components:
        _check(component)
        groups[_uid(component)].append(component)
    events = [_event(uid, group, zones) for uid, group in groups.items()]
    return ParsedCalendar(events, hashlib.sha256(data).hexdigest())


def _text(data: bytes) -> str:
    if b"\x00" in data:  # binary data; and no database stores a NUL in text
        raise ImportFailure("NOT_ICALENDAR", "The document is binary data, not iCalendar text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    head = text.lstrip()[:15].upper()
    if head != "BEGIN:VCALENDAR":
        looks = "an HTML page" if text.lstrip()[:1] == "<" else "something else"
        raise ImportFailure(
            "NOT_ICALENDAR",
            f"The document is not iCalendar (it does not begin with BEGIN:VCALENDAR, "
            f"it looks like {looks}).",
        )
    return text


def _refuse_broken_lines(calendar: icalendar.Calendar) -> None:
    """A line that is not `NAME:value` (the parser skips it inside a component and notes
    it as an error without a property name) makes the document unreadable as a whole."""
    for component in calendar.walk():
        for name, problem in getattr(component, "errors", []):
            if name is None:
                message = f"The document has a line that is not iCalendar: {problem[:200]}"
                raise ImportFailure("NOT_ICALENDAR", message)


def _short(error: BaseException) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return message[:200]


def _label(component: icalendar.Event) -> str:
    summary = str(component.get("SUMMARY", "")).strip()
    uid = str(component.get("UID", "")).strip()
    return f"event {summary[:80]!r}" if summary else f"event {uid[:80]!r}"


def _check(component: icalendar.Event) -> None:
    if "DTSTART" not in component:
        raise ImportFailure("MISSING_START", f"The {_label(component)} has no DTSTART.")
    for name, problem in getattr(component, "errors", []):
        if name in DATE_PROPERTIES:
            code = "BAD_RULE" if name == "RRULE" else "BAD_DATE"
            raise ImportFailure(
                code, f"The {_label(component)} has an unreadable {name}: {problem[:200]}"
            )
    for name in DATE_PROPERTIES:
        if name in component:
            try:
                component.decoded(name)
            except Exception as error:  # icalendar raises ValueError, TypeError and more
                raise ImportFailure(
                    "BAD_DATE", f"The {_label(component)} has an unreadable {name}: {_short(error)}"
                ) from None
    if not isinstance(component.decoded("DTSTART"), date):
        raise ImportFailure("BAD_DATE", f"The {_label(component)} has an unreadable DTSTART.")


def _uid(component: icalendar.Event) -> str:
    uid = str(component.get("UID", "")).strip()
    if uid:
        return uid[:255]
    # RFC 5545 requires a UID; feeds that omit it still deserve their events.
    return "generated-" + hashlib.sha256(component.to_ical()).hexdigest()[:32]


def _event(uid: str, group: list[icalendar.Event], zones: dict) -> ParsedEvent:
    masters = [c for c in group if "RECURRENCE-ID" not in c]
    overrides = [c for c in group if "RECURRENCE-ID" in c]
    master = max(masters, key=lambda c: int(c.get("SEQUENCE", 0) or 0)) if masters else overrides[0]
    kept = [master, *overrides] if masters else overrides
    for component in kept:
        component.subcomponents = []  # alarms are the publisher's, not ours
    source = _source(kept, zones)
    _refuse_rules_too_costly_to_walk(master)
    first, last = _supported_bounds(master, overrides if masters else overrides[1:])
    _check_rule(master, source, first)
    start = master.decoded("DTSTART")
    return ParsedEvent(
        uid=uid,
        sequence=_int(master.get("SEQUENCE")),
        summary=str(master.get("SUMMARY", "")).strip()[:500],
        description=str(master.get("DESCRIPTION", "")).strip(),
        location=str(master.get("LOCATION", "")).strip()[:500],
        all_day=not isinstance(start, datetime),
        first_date=first,
        last_date=last,
        source=source,
    )


def _int(value: object) -> int:
    try:
        return max(0, min(int(str(value)), 2**31 - 1)) if value is not None else 0
    except ValueError:
        return 0


def _source(components: list[icalendar.Event], zones: dict) -> str:
    calendar = icalendar.Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//Throughline//imported event//EN")
    used = set()
    for component in components:
        for name in DATE_PROPERTIES:
            values = component.get(name)
            for value in values if isinstance(values, list) else [values]:
                tzid = getattr(value, "params", {}).get("TZID") if value is not None else None
                if tzid:
                    used.add(str(tzid))
    for tzid in sorted(used):
        if tzid in zones:
            calendar.add_component(zones[tzid])
    for component in components:
        calendar.add_component(component)
    return calendar.to_ical().decode("utf-8")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _length(component: icalendar.Event) -> timedelta:
    start = component.decoded("DTSTART")
    if "DTEND" in component:
        end = component.decoded("DTEND")
        try:
            return max(end - start, timedelta(0))
        except TypeError:  # a date end with a date-time start: take whole days
            return max(_day(end) - _day(start), timedelta(0))
    if "DURATION" in component:
        return max(component.decoded("DURATION"), timedelta(0))
    return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)


def _bounds(master: icalendar.Event, overrides: list[icalendar.Event]) -> tuple[date, date | None]:
    """Days before and after every occurrence, a day wider on each side for time zones."""
    start = master.decoded("DTSTART")
    length = _length(master)
    firsts = [_day(start)]
    lasts: list[date] = [_day(start + length)]
    endless = False
    for rdate in _dates(master, "RDATE"):
        firsts.append(_day(rdate))
        lasts.append(_day(rdate + length) if not isinstance(rdate, tuple) else _day(rdate[1]))
    if "RRULE" in master:
        last = _rule_end(master)
        if last is None:
            endless = True
        else:
            lasts.append(_day(last + length))
    for override in overrides:
        firsts.append(_day(override.decoded("DTSTART")))
        lasts.append(_day(override.decoded("DTSTART") + _length(override)))
    return min(firsts) - SLACK, None if endless else max(lasts) + SLACK


def _supported_bounds(
    master: icalendar.Event, overrides: list[icalendar.Event]
) -> tuple[date, date | None]:
    """The event's bounds, refusing an event dated outside the supported range: stored,
    it could never be shown, and the day arithmetic of its bounds would overflow."""
    try:
        first, last = _bounds(master, overrides)
    except OverflowError:
        first, last = date.min, None
    if not date_supported(first + SLACK if first > date.min else first) or (
        last is not None and not date_supported(last - SLACK)
    ):
        raise ImportFailure(
            "BAD_DATE", f"The {_label(master)} falls outside the supported dates ({DATES_TEXT})."
        )
    return first, last


def _dates(component: icalendar.Event, name: str) -> list:
    values = component.get(name)
    found = []
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        for item in getattr(value, "dts", []):
            moment = item.dt
            found.append(moment[0] if isinstance(moment, tuple) else moment)
    return found


def _rule_end(master: icalendar.Event) -> date | datetime | None:
    """The last start of the rule, None when it never ends (or ends too far to walk)."""
    rules = master.get("RRULE")
    rule = rules[0] if isinstance(rules, list) else rules
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        return until
    if "COUNT" not in rule:
        return None
    start = master.decoded("DTSTART")
    naive = start.replace(tzinfo=None) if isinstance(start, datetime) else start
    try:
        walker = rrulestr(simplest(rule).to_ical().decode(), dtstart=naive, forceset=False)
    except (ValueError, TypeError) as error:
        raise ImportFailure(
            "BAD_RULE", f"The {_label(master)} has an unreadable RRULE: {_short(error)}"
        ) from None
    last = None
    for index, moment in enumerate(walker):
        if index >= COUNT_WALK:
            return None
        last = moment
        if _day(moment) > LAST_DATE:
            break  # past every supported date: refused by the bounds, walked no further
    if last is None:
        return start
    if isinstance(start, datetime):
        return last.replace(tzinfo=start.tzinfo)
    return last.date() if isinstance(last, datetime) else last


def _refuse_rules_too_costly_to_walk(master: icalendar.Event) -> None:
    """Refuse a sub-daily rule whose engine would examine more than
    `MAX_STEPS_PER_OCCURRENCE` moments for each occurrence, and a rule with no occurrence
    (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`), a mistake for which the engine would search up
    to the year 9999 on every read; found with a bounded search (see `occurs`). A rule the
    engine cannot read is left to `_check_rule`."""
    rules = master.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        steps = steps_per_occurrence(simplest(rule))
        if steps > MAX_STEPS_PER_OCCURRENCE:
            raise ImportFailure(
                "BAD_RULE",
                f"The {_label(master)} has a rule that makes the rule engine examine about "
                f"{min(steps, 10**9):,.0f} moments for each occurrence, over the limit of "
                f"{MAX_STEPS_PER_OCCURRENCE:,} ({rule.to_ical().decode()[:200]}).",
            )
        try:
            found = occurs(simplest(rule), master.decoded("DTSTART"))
        except (ValueError, TypeError, KeyError, OverflowError):
            continue
        if not found:
            raise ImportFailure(
                "BAD_RULE",
                f"The {_label(master)} has a rule that never occurs "
                f"({rule.to_ical().decode()[:200]}).",
            )


def _check_rule(master: icalendar.Event, source: str, first: date) -> None:
    """Refuse rules that expand absurdly within a day, then expand a little to prove the rest
    reads (mixed date and date-time values fail only here)."""
    rules = master.get("RRULE")
    if rules is None:
        return
    rule = rules[0] if isinstance(rules, list) else rules
    freq = str(rule.get("FREQ", ["DAILY"])[0]).upper()
    if freq not in ("SECONDLY", "MINUTELY", "HOURLY"):
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(len(rule.get(part, [])), 1)
        if per_day > MAX_PER_DAY:
            raise ImportFailure(
                "BAD_RULE",
                f"The {_label(master)} repeats {per_day:,} times a day, "
                f"over the limit of {MAX_PER_DAY:,}.",
            )
    begin = datetime(first.year, first.month, first.day, tzinfo=UTC)
    try:
        list(expand_event(prepare(source), begin, begin + timedelta(days=400), 3, strict=True))
    except ImportFailure:
        raise
    except Exception as error:  # the expansion library raises many kinds on odd rules
        raise ImportFailure(
            "BAD_RULE", f"The {_label(master)} has a rule that cannot be expanded: {_short(error)}"
        ) from None
