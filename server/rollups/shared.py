"""One `Rollups` engine per snapshot, day and thresholds, shared by every request.

Computing the organisation (every goal's progress, every risk) takes hundreds of
milliseconds to seconds at 10k-100k nodes, and every request at one data version would
compute the same thing. The first request computes it on a worker thread, so the event
loop keeps serving; the others at that version await the same result, then only look
figures up. The work hangs off the snapshot (an index reading every held table), so
the next write retires it with the snapshot, and no request ever reads an engine of
another version.

There are two engines per key: without the calendar (progress, money, workload) and
with it (risks). The calendar and the risks cost most of the time, so a goal tree read
after a write does not wait for them.

Once shared, an engine is only used on the event loop: its fields look results up or
add entries to its memo dicts, never while a thread computes on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from server.calendar.horizon import upcoming_entries
from server.read_model import Snapshot
from server.read_model.tables import HELD
from server.rollups.carry import Carried, taken_over
from server.rollups.engine import Rollups
from server.rollups.from_model import FROM_MODEL, Built, section
from server.rollups.graph import OrgGraph
from server.rollups.risk_rules import PER_KEY_RESULT, RULE_READS
from server.rollups.sections import Section
from server.settings import Thresholds

T = TypeVar("T")

EVERY_TABLE = tuple(model._meta.db_table for model in HELD)


def _retrieved(future: asyncio.Future) -> None:
    """Mark a failure as seen even if every waiter gave up (no "never retrieved")."""
    if not future.cancelled():
        future.exception()


def _failed(future: asyncio.Future) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


class Shared:
    """Work on one snapshot, started at most once per key and awaited by all who ask.

    A failed or cancelled attempt is forgotten, so the next request tries again; a
    waiter that gives up (its time limit) leaves the work running for the others. Only
    the latest day asked about is kept: a snapshot that outlives midnight, with no
    write since, does not hold on to yesterday's engines.
    """

    def __init__(self, _snapshot: Snapshot) -> None:  # built by `Snapshot.index`
        self._day: date | None = None
        self._work: dict[Hashable, asyncio.Future[Any]] = {}

    async def get(self, today: date, key: Hashable, start: Callable[[], Awaitable[T]]) -> T:
        if today != self._day:
            self._day, self._work = today, {}
        future = self._work.get(key)
        if future is None or _failed(future):
            future = self._work[key] = asyncio.ensure_future(start())
            future.add_done_callback(_retrieved)
        return await asyncio.shield(future)

    def ready(self, today: date, key: Hashable) -> Any | None:
        """The finished work for `key`, or None while it is missing, running or failed:
        then the caller awaits `get`."""
        future = self._work.get(key) if today == self._day else None
        if future is None or not future.done() or _failed(future):
            return None
        return future.result()


def _shared(snapshot: Snapshot) -> Shared:
    return snapshot.index("rollups.shared", EVERY_TABLE, Shared)


class Latest:
    """The engine computed last for each key, whatever its snapshot: what the next
    engine takes over from (`server.rollups.carry`). Kept by an index reading nothing,
    so every later snapshot of the read model holds the same one."""

    def __init__(self, _snapshot: Snapshot) -> None:
        self.engines: dict[Hashable, Rollups] = {}


def _latest(snapshot: Snapshot) -> Latest:
    return snapshot.index("rollups.latest", (), Latest)


def _computed(
    snapshot: Snapshot,
    sections: dict[Section, Built],
    calendar: bool,
    today: date,
    t: Thresholds,
    carried: Carried | None = None,
) -> Rollups:
    """Build the engine and compute the organisation (on a worker thread): the
    calendar's entries of the year ahead, when asked for, come from the same snapshot;
    what stays right of the engine before is taken over."""
    graph = OrgGraph({which: built.rows() for which, built in sections.items()})
    if calendar:
        graph.add(Section.CALENDAR, upcoming_entries(snapshot, today))
    rollups = Rollups(graph, today, t)
    if carried is not None:
        taken_over(carried, rollups, RULE_READS, PER_KEY_RESULT)
    rollups.compute_organisation()
    return rollups


async def shared_rollups(
    snapshot: Snapshot, today: date, thresholds: Thresholds, *, calendar: bool
) -> Rollups:
    """The organisation's engine as of `snapshot`, computed once; with the calendar
    section (and so every risk) when `calendar`."""

    key = (thresholds, calendar)

    async def start() -> Rollups:
        sections = {which: section(snapshot, which) for which in FROM_MODEL}
        latest = _latest(snapshot)
        before = latest.engines.get(key)
        carried = Carried.of(before) if before is not None and before.today == today else None
        engine = await asyncio.to_thread(
            _computed, snapshot, sections, calendar, today, thresholds, carried
        )
        latest.engines[key] = engine
        return engine

    return await _shared(snapshot).get(today, key, start)


def ready_rollups(
    snapshot: Snapshot, today: date, thresholds: Thresholds, *, calendar: bool
) -> Rollups | None:
    """The engine `shared_rollups` would answer, if it is already computed: fields then
    resolve without a task or a future each."""
    return _shared(snapshot).ready(today, (thresholds, calendar))
