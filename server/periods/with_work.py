"""The fiscal years and quarters that hold work, for a period filter to offer.

Work is anything with dates: a live goal's period, a live campaign's run, a live
milestone, a live task's start to due date (or the one it has), and spend and result
entries. A period holds work when any of these overlaps it. The spans are merged
first, so the answer costs the number of periods covered, not the rows times their
length. Kept per snapshot (an index reading those tables), so a request after a write
to something else finds it ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import TypeVar

from server import models
from server.dates import clamp_date
from server.periods.fiscal import FiscalCalendar, Period, PeriodKind
from server.read_model import Snapshot

M = TypeVar("M", bound=models.Entity)

READS = ("goal", "campaign", "milestone", "task", "spend_entry", "result_entry")


def _live(snapshot: Snapshot, model: type[M]) -> Iterator[M]:
    return (row for row in snapshot.table(model).values() if row.archived_at is None)


def spans_of_work(snapshot: Snapshot) -> Iterator[tuple[date, date]]:
    for goal in _live(snapshot, models.Goal):
        yield goal.period_start, goal.period_end
    for campaign in _live(snapshot, models.Campaign):
        yield campaign.start_date, campaign.end_date
    for milestone in _live(snapshot, models.Milestone):
        yield milestone.start_date, milestone.end_date or milestone.start_date
    for task in _live(snapshot, models.Task):
        first, last = task.start_date or task.due_date, task.due_date or task.start_date
        if first is not None and last is not None:
            yield first, last
    for spent in _live(snapshot, models.SpendEntry):
        yield spent.date, spent.date
    for result in _live(snapshot, models.ResultEntry):
        yield result.date, result.date


def merged(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """The days covered, as disjoint spans in order (dates moved into the supported
    range; a span ending before it starts counts its start)."""
    ordered = sorted((clamp_date(start), clamp_date(max(start, end))) for start, end in spans)
    found: list[tuple[date, date]] = []
    for start, end in ordered:
        if found and start <= found[-1][1] + timedelta(days=1):
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return found


def periods_with_work(spans: Iterable[tuple[date, date]], calendar: FiscalCalendar) -> list[Period]:
    """Each fiscal year holding work, followed by its quarters that hold work."""
    quarters: dict[str, Period] = {}
    for start, end in merged(spans):
        quarter = calendar.quarter_of(start)
        while quarter.start <= end:
            quarters[quarter.name] = quarter
            if quarter.end >= end:
                break
            quarter = calendar.quarter_of(quarter.end + timedelta(days=1))
    found: list[Period] = []
    for quarter in sorted(quarters.values()):
        year = calendar.year(calendar.fiscal_year_of(quarter.start))
        if not found or found[-1].kind is PeriodKind.QUARTER and year.start > found[-1].start:
            found.append(year)
        found.append(quarter)
    return found


def periods_in(snapshot: Snapshot, calendar: FiscalCalendar) -> list[Period]:
    """The periods holding work as of `snapshot`, computed once per snapshot."""
    return snapshot.index(
        f"periods.{calendar.start_month}",
        READS,
        lambda s: periods_with_work(spans_of_work(s), calendar),
    )
