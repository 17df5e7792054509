"""A calendar as one request reads it: the selected entries and the conflicts among them,
from one read of the request's snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from server.calendar.conflicts import Conflict, find_conflicts
from server.calendar.entries import CalendarQuery, Entry, EntryKind, matches, selected
from server.calendar.sources import load_entries
from server.read_model import Snapshot


@dataclass
class CalendarView:
    """The entries `query` selects, and its conflicts, found only when first asked for
    (a page of entries alone does not pay for comparing every entry of the range).
    `complete` says `loaded` holds every entry of the range, which conflicts need."""

    query: CalendarQuery
    loaded: list[Entry] = field(repr=False)
    launches_per_day: int
    complete: bool = True
    entries: list[Entry] = field(init=False)

    def __post_init__(self) -> None:
        self.entries = selected(self.loaded, self.query)

    @cached_property
    def conflicts(self) -> list[Conflict]:
        """The conflicts of the range that involve at least one of the organisation's
        entries the query selects (the other side of a clash is named even when the
        filter hides it, so a team sees what its launch collides with)."""
        if not self.complete:
            raise RuntimeError("conflicts need the calendar loaded with conflicts_wanted")
        query = self.query
        everything = [e for e in self.loaded if e.overlaps(query) and e.kind != EntryKind.TASK_DUE]
        return [
            conflict
            for conflict in find_conflicts(
                everything, query.span, query.zone, self.launches_per_day
            )
            if any(e.kind != EntryKind.EXTERNAL and matches(e, query) for e in conflict.entries)
        ]


def load_calendar(
    snapshot: Snapshot, query: CalendarQuery, launches_per_day: int, conflicts_wanted: bool = True
) -> CalendarView:
    """The calendar of `query`: its entries built once, conflicts found on demand. Without
    `conflicts_wanted` only rows the query can select are read, and the view has no
    conflicts."""
    loaded = load_entries(snapshot, query, tasks=query.include_tasks, narrow=not conflicts_wanted)
    return CalendarView(query, loaded, launches_per_day, complete=conflicts_wanted)
