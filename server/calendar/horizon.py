"""The stretch of calendar the CALENDAR_CONFLICT risk watches: today and the year ahead.

Risks are about what can still be changed, so clashes are looked for from today on,
over the longest range one calendar query may cover, with dates in UTC.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from server.calendar.entries import CalendarQuery, Entry, EntryKind
from server.calendar.ranges import MAX_DAYS, DateSpan
from server.calendar.sources import load_entries
from server.calendar.view import READS
from server.read_model import Snapshot

RISK_ZONE = ZoneInfo("UTC")


def horizon(today: date) -> CalendarQuery:
    return CalendarQuery(today, today + timedelta(days=MAX_DAYS - 1), RISK_ZONE)


def horizon_span(today: date) -> DateSpan:
    return horizon(today).span


def upcoming_entries(snapshot: Snapshot, today: date) -> list[Entry]:
    """Every entry overlapping the horizon except task due dates (which never clash):
    the same list until a write changes what calendars read (a check-in keeps it, and
    with it the calendar risks of the rollups), for the latest day asked only."""
    kept: dict[date, list[Entry]] = snapshot.index("calendar.upcoming", READS, lambda _: {})
    found = kept.get(today)
    if found is None:
        query = horizon(today)
        loaded = load_entries(snapshot, query, tasks=False)
        found = [e for e in loaded if e.overlaps(query) and e.kind != EntryKind.TASK_DUE]
        kept.clear()
        kept[today] = found
    return found
