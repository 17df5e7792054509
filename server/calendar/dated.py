"""The snapshot's dated rows, found by date: the indexes the calendar reads.

Each index is built at most once per snapshot from the one table it names, and a later
snapshot keeps it while that table does not change (`Snapshot.index`), so a request
reads about the rows of its range, not the whole organisation. Rows come back in their
model's order, as the SQL statements these indexes replace returned them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from tortoise.models import Model

from server.calendar.intervals import Intervals
from server.enums import Channel, TaskStatus
from server.models import Campaign, CampaignChannel, ExternalEvent, Milestone, Task
from server.read_model import Snapshot

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Dated(Generic[M]):
    """Live rows of one model in its order, and where their dates lie."""

    rows: list[M]
    by_day: Intervals[int]
    """Positions in `rows`, by each row's span."""

    def meeting(self, first: date, last: date) -> list[M]:
        """The rows whose span shares a day with [first, last] (a reversed span: the
        days between its ends), in the model's order. Callers test their own rule."""
        positions = sorted(self.by_day.meeting(first.toordinal(), last.toordinal()))
        return [self.rows[position] for position in positions]


def _dated(
    snapshot: Snapshot,
    model: type[M],
    span: Callable[[M], tuple[date, date | None]],
    keep: Callable[[M], bool] = lambda row: True,
) -> Dated[M]:
    table = snapshot.table(model).values()
    rows = [
        row
        for row in snapshot.ordered(model, table)
        if getattr(row, "archived_at", None) is None and keep(row)
    ]
    spans = []
    for position, row in enumerate(rows):
        first, last = span(row)
        spans.append((first.toordinal(), None if last is None else last.toordinal(), position))
    return Dated(rows, Intervals(spans))


def campaigns(snapshot: Snapshot) -> Dated[Campaign]:
    """Live campaigns by start and end date (cancelled ones too: they still hold work)."""
    return snapshot.index(
        "calendar.campaigns",
        ("campaign",),
        lambda s: _dated(s, Campaign, lambda c: (c.start_date, c.end_date)),
    )


def milestones(snapshot: Snapshot) -> Dated[Milestone]:
    """Live milestones by their dates (one day when they have no end date)."""
    return snapshot.index(
        "calendar.milestones",
        ("milestone",),
        lambda s: _dated(s, Milestone, lambda m: (m.start_date, m.end_date or m.start_date)),
    )


def tasks_due(snapshot: Snapshot) -> Dated[Task]:
    """Live tasks with a due date, not cancelled, by due date."""
    return snapshot.index(
        "calendar.tasks_due",
        ("task",),
        lambda s: _dated(
            s,
            Task,
            lambda t: (t.due_date, t.due_date),
            keep=lambda t: t.due_date is not None and t.status != TaskStatus.CANCELLED,
        ),
    )


def external_events(snapshot: Snapshot) -> Dated[ExternalEvent]:
    """Imported events by the dates bounding all their occurrences (no end: the rule
    never ends), whatever their calendar; callers keep those of live calendars."""
    return snapshot.index(
        "calendar.external_events",
        ("external_event",),
        lambda s: _dated(s, ExternalEvent, lambda e: (e.first_date, e.last_date)),
    )


def channels(snapshot: Snapshot) -> dict[int, tuple[Channel, ...]]:
    """Each campaign's channels, by name."""

    def build(snapshot: Snapshot) -> dict[int, tuple[Channel, ...]]:
        found: dict[int, list[Channel]] = defaultdict(list)
        for row in snapshot.table(CampaignChannel).values():
            found[row.campaign_id].append(Channel(row.channel))
        return {pk: tuple(sorted(names, key=lambda c: c.value)) for pk, names in found.items()}

    return snapshot.index("calendar.channels", ("campaign_channel",), build)
