"""A calendar as one request reads it: the selected entries and the conflicts among them,
from one read of the request's snapshot, kept with that snapshot for the next request.

Everyone opens the same shared calendar, so the answer to a query is memoised with the
snapshot it was computed from (`Snapshot.index`, reading `READS`): a later request
asking the same gets the sorted entries and the conflicts as they are and pays only for
its page. A write to anything an answer reads (a task, a campaign, a goal's title, an
imported event) makes a snapshot that starts with no calendar kept, so an answer never
comes from an older state of what it shows; a check-in, spend or a result keeps them.
At most `MEMO_QUERIES` answers holding `MEMO_ITEMS` entries and conflicts in all are
kept, the least recently asked forgotten first: a client sending many different ranges
cannot grow memory without bound.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from server.bounded_lru import BoundedLRU
from server.calendar import node_entries
from server.calendar.conflicts import Conflict, find_conflicts
from server.calendar.entries import CalendarQuery, Entry, EntryKind, matches, selected
from server.calendar.sources import load_entries
from server.read_model import Snapshot

MEMO_QUERIES = 64
"""Calendar answers one snapshot keeps (months, quarters, the teams' own views...)."""
MEMO_ITEMS = 1_000_000
"""Entries and conflicts those answers may hold in all. An entry is a reference to one
built once per snapshot anyway (`calendar.node_entries`), so this bounds tuples of
pointers: some megabytes at most."""

MemoKey = tuple[CalendarQuery, int, bool]
"""The query (every field takes part in its equality and hash), the launches allowed
per day and whether conflicts were wanted: all an answer depends on besides the
snapshot."""


@dataclass(frozen=True)
class CalendarView:
    """The entries `query` selects, by start then key, and its conflicts when they were
    wanted. Immutable: the requests of one snapshot share it."""

    query: CalendarQuery
    entries: tuple[Entry, ...]
    found_conflicts: tuple[Conflict, ...] | None = None

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        if self.found_conflicts is None:
            raise RuntimeError("conflicts need the calendar loaded with conflicts_wanted")
        return self.found_conflicts

    @property
    def size(self) -> int:
        """What it weighs in the memo: one, plus an item per entry and conflict."""
        return 1 + len(self.entries) + len(self.found_conflicts or ())


def conflicts_among(
    loaded: Collection[Entry], query: CalendarQuery, launches_per_day: int
) -> list[Conflict]:
    """The conflicts of the range that involve at least one of the organisation's
    entries the query selects (the other side of a clash is named even when the
    filter hides it, so a team sees what its launch collides with). `loaded` must hold
    every entry of the range, unfiltered."""
    everything = [e for e in loaded if e.overlaps(query) and e.kind != EntryKind.TASK_DUE]
    return [
        conflict
        for conflict in find_conflicts(everything, query.span, query.zone, launches_per_day)
        if any(e.kind != EntryKind.EXTERNAL and matches(e, query) for e in conflict.entries)
    ]


def build_calendar(
    snapshot: Snapshot, query: CalendarQuery, launches_per_day: int, conflicts_wanted: bool
) -> CalendarView:
    """The calendar of `query` computed afresh. Without `conflicts_wanted` only rows the
    query can select are read (a page of entries does not pay for comparing every entry
    of the range), and the view has no conflicts."""
    loaded = load_entries(snapshot, query, tasks=query.include_tasks, narrow=not conflicts_wanted)
    found = tuple(conflicts_among(loaded, query, launches_per_day)) if conflicts_wanted else None
    return CalendarView(query, tuple(selected(loaded, query)), found)


READS = (*node_entries.READS, "external_calendar", "external_event")
"""What an answer reads: the organisation's work and the imported calendars, not
check-ins, spend, results, users or memberships."""


def memo_of(snapshot: Snapshot) -> BoundedLRU[MemoKey, CalendarView]:
    """The calendar answers kept for `snapshot`: carried over from the snapshot before
    when the write between them changed nothing an answer reads."""
    return snapshot.index(
        "calendar.views", READS, lambda _: BoundedLRU(MEMO_QUERIES, MEMO_ITEMS, lambda v: v.size)
    )


def load_calendar(
    snapshot: Snapshot, query: CalendarQuery, launches_per_day: int, conflicts_wanted: bool = True
) -> CalendarView:
    """The calendar of `query` in `snapshot`: the answer kept from an earlier request of
    this snapshot asking the same, else built now and kept."""
    memo = memo_of(snapshot)
    key: MemoKey = (query, launches_per_day, conflicts_wanted)
    view = memo.get(key)
    if view is None:
        view = build_calendar(snapshot, query, launches_per_day, conflicts_wanted)
        memo.put(key, view)
    return view
