"""Occurrences of imported events in a time range: the snapshot's events by date, then
bounded expansion, memoised per snapshot.

Recurring events are stored once, with their rule, and expanded here for the range asked
(RRULE, RDATE, EXDATE, RECURRENCE-ID overrides and time zones, by `recurring-ical-events`).
Expansion is capped per event and in total, and a rule that repeats faster than daily is
expanded from its grid step nearest the range, so a hostile `FREQ=SECONDLY` costs a
bounded amount of work however old its DTSTART is. It depends on nothing but the stored
events and calendars, so the occurrences of a range are kept with the snapshot (and the
next ones, until an import or a calendar changes) for the next request asking the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from server.bounded_lru import BoundedLRU
from server.calendar.dated import external_events
from server.external_calendars.expand import expand_event
from server.models import ExternalCalendar, ExternalEvent
from server.read_model import Snapshot

MAX_PER_EVENT = 1000
"""Occurrences one event may contribute to one query (one a day for almost three years)."""
MAX_TOTAL = 5000
"""Occurrences one query may return, whatever the number of events."""
MEMO_RANGES = 64
"""Ranges whose occurrences one snapshot keeps (months, quarters, feed windows, in
the zones asked), up to `MEMO_OCCURRENCES` occurrences in all."""
MEMO_OCCURRENCES = 20 * MAX_TOTAL


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an imported event.

    All-day: `start`/`end` are dates, `end` exclusive. Timed: aware UTC datetimes.
    `recurrence_key` names the occurrence within its event and does not change when a
    single occurrence is moved (it is the start it had before the move; empty for an
    event that does not repeat). `key` names it for good, across refreshes and moves.
    """

    event_id: int
    calendar_id: int
    calendar_name: str
    color: str
    blocking: bool
    uid: str
    sequence: int
    summary: str
    description: str
    location: str
    all_day: bool
    start: date | datetime
    end: date | datetime
    recurrence_key: str
    updated_at: datetime

    @property
    def key(self) -> str:
        return occurrence_key(self.calendar_id, self.uid, self.recurrence_key)


def occurrence_key(calendar_id: int, uid: str, recurrence_key: str) -> str:
    """`external-<calendar>-<digest>`: from what the publisher keeps stable (the event's
    UID and the occurrence's original start, its RECURRENCE-ID), never from our rows,
    which a refresh replaces. Subscribed apps see the same event after every refresh."""
    digest = hashlib.sha256(f"{uid}\n{recurrence_key}".encode()).hexdigest()[:24]
    return f"external-{calendar_id}-{digest}"


def _day_span(start_utc: datetime, end_utc: datetime) -> tuple[date, date]:
    """The days touched by a UTC range, end exclusive."""
    first = start_utc.astimezone(UTC).date()
    end = end_utc.astimezone(UTC)
    last = end.date() if end.time() == datetime.min.time() else end.date() + timedelta(days=1)
    return first, max(last, first)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def occurrences_between(
    snapshot: Snapshot, start_utc: datetime, end_utc: datetime
) -> tuple[Occurrence, ...]:
    """Occurrences overlapping [start_utc, end_utc), ordered by start, at most `MAX_TOTAL`.

    Timed occurrences overlap when they start before the end and end after the start (one
    without duration counts when it starts inside the range). All-day occurrences overlap
    when their dates share a day with the UTC days the range touches.
    """
    start_utc, end_utc = _aware(start_utc), _aware(end_utc)
    if end_utc <= start_utc:
        return ()
    memo: BoundedLRU[tuple[datetime, datetime], tuple[Occurrence, ...]] = snapshot.index(
        "external_event.occurrences",
        ("external_event", "external_calendar"),
        lambda _: BoundedLRU(MEMO_RANGES, MEMO_OCCURRENCES, lambda found: len(found) + 1),
    )
    found = memo.get((start_utc, end_utc))
    if found is None:
        found = _expanded(snapshot, start_utc, end_utc)
        memo.put((start_utc, end_utc), found)
    return found


def _expanded(snapshot: Snapshot, start_utc: datetime, end_utc: datetime) -> tuple[Occurrence, ...]:
    first_day, end_day = _day_span(start_utc, end_utc)
    # Stored bounds are widened by a day on each side when imported (see parse.py), so a
    # plain date comparison here never misses an event whose time zone shifts its day.
    found: list[Occurrence] = []
    for event in external_events(snapshot).meeting(first_day, end_day - timedelta(days=1)):
        reaches = event.last_date is None or event.last_date >= first_day
        calendar = snapshot.live(ExternalCalendar, event.calendar_id)
        if not (reaches and event.first_date < end_day) or calendar is None:
            continue
        budget = MAX_TOTAL - len(found)
        if budget <= 0:
            break
        found.extend(
            _occurrences_of(
                event,
                calendar,
                start_utc,
                end_utc,
                first_day,
                end_day,
                min(budget, MAX_PER_EVENT),
            )
        )
    found.sort(key=_order)
    return tuple(found[:MAX_TOTAL])


def _order(occurrence: Occurrence) -> tuple:
    start = occurrence.start
    moment = (
        datetime(start.year, start.month, start.day, tzinfo=UTC)
        if not isinstance(start, datetime)
        else start
    )
    return (moment, not occurrence.all_day, occurrence.calendar_name, occurrence.summary)


def _occurrences_of(
    event: ExternalEvent,
    calendar: ExternalCalendar,
    start_utc: datetime,
    end_utc: datetime,
    first_day: date,
    end_day: date,
    limit: int,
) -> Iterable[Occurrence]:
    updated_at = _aware(calendar.refreshed_at or calendar.updated_at)
    # All-day occurrences are judged by their dates: ask the expansion for a day more on
    # each side, then keep those whose dates touch the range's days.
    slack = timedelta(days=1) if event.all_day else timedelta(0)

    def overlaps(item) -> bool:
        if item.all_day:
            return item.start < end_day and item.end > first_day
        return item.start < end_utc and (item.end > start_utc or item.start >= start_utc)

    items = expand_event(
        _cached(event.source), start_utc - slack, end_utc + slack, limit, keep=overlaps
    )
    for item in items:
        yield Occurrence(
            event_id=event.pk,
            calendar_id=calendar.pk,
            calendar_name=calendar.name,
            color=calendar.color,
            blocking=calendar.blocking,
            uid=event.uid,
            sequence=item.sequence if item.sequence is not None else event.sequence,
            summary=item.summary,
            description=item.description,
            location=item.location,
            all_day=item.all_day,
            start=item.start,
            end=item.end,
            recurrence_key=item.recurrence_key,
            updated_at=updated_at,
        )


@lru_cache(maxsize=2048)
def _cached(source: str):
    """Parsed event text, kept across queries (imported events change only on refresh)."""
    from server.external_calendars.expand import prepare

    return prepare(source)
