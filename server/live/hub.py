"""One hub per server process: reads each new event once and offers it to every
subscriber whose filter wants it.

Events are read by ID range, after the last one read, so none is lost between two
wake-ups however they come. On PostgreSQL an ID is taken when a row is inserted, not
when it commits, so a lower ID may become visible after a higher one: a gap below the
highest ID read is kept as a hole and read again on each wake-up, for `HOLE_SECONDS`
(a rolled-back write leaves a gap forever). SQLite writers are serialised, so there
IDs become visible in order.

Each subscriber has a bounded queue: one that does not keep up is told it overflowed
(its connection is closed) instead of holding back the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from server import models
from server.background import BackgroundTask
from server.read_model import ReadModel, Snapshot

log = logging.getLogger(__name__)

BATCH = 500
HOLE_SECONDS = 120.0
"""How long a gap in the IDs read is waited for: past the longest a write transaction
may stay open (statements time out after 30 seconds by default)."""


MAX_GAP = 1000
"""At most this many IDs below a new one are waited for (a gap is a few writes in flight)."""


@dataclass(frozen=True)
class Delivery:
    """An event as read from the log, with the snapshot read after it (which holds
    the change, so its node can be shown as it now is)."""

    event: models.Event
    snapshot: Snapshot


Filter = Callable[[models.Event], bool]


@dataclass(eq=False)
class Subscriber:
    wants: Filter
    queue: asyncio.Queue[Delivery]
    overflowed: Callable[[], None]
    dropped: bool = False

    def offer(self, delivery: Delivery) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self.dropped = True
            self.overflowed()


@dataclass
class Hub(BackgroundTask):
    read_model: ReadModel
    queue_size: int = 100
    poll_seconds: float = 1.0
    """A tail of the event table at this interval while someone listens: the fallback
    that also catches writers that wake no one (another SQLite process, the CLI)."""
    ordered_ids: bool = True
    """Whether IDs become visible in the order they were taken (SQLite), or may not
    (PostgreSQL: gaps are kept as holes)."""
    subscribers: set[Subscriber] = field(default_factory=set)
    cursor: int | None = None
    holes: dict[int, float] = field(default_factory=dict)
    published: Callable[[], Any] | None = None
    """Called after this process committed events (Redis: tell the other processes)."""
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None
    reads: int = 0
    task_name = "live-hub"

    def subscribe(self, wants: Filter, overflowed: Callable[[], None]) -> Subscriber:
        subscriber = Subscriber(wants, asyncio.Queue(self.queue_size), overflowed)
        if not self.subscribers:
            self.cursor = None  # start from the newest event, not from a backlog
        self.subscribers.add(subscriber)
        self.wake()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def wake(self) -> None:
        self._wakeup.set()

    def committed(self) -> None:
        """This process committed events: read them, and tell the other processes."""
        self.wake()
        if self.published is not None:
            self.published()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_seconds)
            self._wakeup.clear()
            if not self.subscribers:
                continue
            try:
                await self.read_new()
            except Exception:  # the database may be away; the next round reads again
                log.warning("reading new events for live subscribers failed", exc_info=True)
                await asyncio.sleep(self.poll_seconds)

    async def read_new(self) -> int:
        """Offer every event committed since the last read; how many were read."""
        if self.cursor is None:
            newest = await models.Event.all().order_by("-id").first().values_list("id", flat=True)
            self.cursor = newest if isinstance(newest, int) else 0
            self.holes.clear()
            return 0
        now = time.monotonic()
        self.holes = {pk: until for pk, until in self.holes.items() if until > now}
        found: list[models.Event] = []
        while True:
            condition = Q(id__gt=self.cursor)
            if self.holes:
                condition |= Q(id__in=sorted(self.holes))
            rows = await models.Event.filter(condition).order_by("id").limit(BATCH)
            self.reads += 1
            for row in rows:
                if row.id in self.holes:
                    del self.holes[row.id]
                elif row.id > self.cursor:
                    if not self.ordered_ids:
                        for missing in range(max(self.cursor + 1, row.id - MAX_GAP), row.id):
                            self.holes[missing] = now + HOLE_SECONDS
                    self.cursor = row.id
            found.extend(rows)
            if len(rows) < BATCH:
                break
        if found:
            snapshot = await self.read_model.current()
            for event in found:
                delivery = Delivery(event, snapshot)
                for subscriber in list(self.subscribers):
                    if subscriber.wants(event):
                        subscriber.offer(delivery)
        return len(found)
