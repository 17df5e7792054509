"""Workload: per week, capacity hours against booked hours and the tasks behind them.

A task books its estimate (or the configured hours when it has none) spread evenly
over the weekdays of its start..due span (over every day when the span has no
weekday; a task with only one of the dates lasts that day; one with neither is not on
the calendar). Done and cancelled tasks book nothing. A person's capacity is their
weekly capacity; a team's is the sum over its members of their capacity divided by
the number of teams they belong to, so a person on two teams is never counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from server.enums import TaskStatus
from server.rollups import rows as r
from server.rollups.arithmetic import ZERO
from server.rollups.progress import task_weight
from server.settings import Thresholds

CLOSED_TASK = (TaskStatus.DONE, TaskStatus.CANCELLED)
WEEK = timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def task_span(task: r.TaskRow) -> tuple[date, date] | None:
    """First and last day of a task (None when it has no dates)."""
    first = task.start_date or task.due_date
    last = task.due_date or task.start_date
    if first is None or last is None:
        return None
    return min(first, last), max(first, last)


def _days(first: date, last: date, weekdays_only: bool) -> int:
    """Days from first to last (both included), or only the weekdays among them."""
    days = max((last - first).days + 1, 0)
    if not weekdays_only:
        return days
    full, rest = divmod(days, 7)
    start = first.weekday()
    return full * 5 + sum(1 for n in range(rest) if (start + n) % 7 < 5)


def hours_in_week(task: r.TaskRow, monday: date, thresholds: Thresholds) -> Decimal:
    """Hours the task books in the week starting on `monday`."""
    span = task_span(task)
    if task.status in CLOSED_TASK or span is None:
        return ZERO
    first, last = span
    start, end = max(first, monday), min(last, monday + timedelta(days=6))
    if end < start:
        return ZERO
    weekdays = _days(first, last, weekdays_only=True) > 0
    share = Decimal(_days(start, end, weekdays)) / _days(first, last, weekdays)
    return task_weight(task, thresholds) * share


@dataclass(frozen=True)
class Booking:
    task_id: int
    hours: Decimal
    estimated: bool  # False: the task has no estimate, the default hours were booked


@dataclass(frozen=True)
class Week:
    start: date
    capacity: Decimal
    booked: Decimal
    bookings: tuple[Booking, ...]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def overbooked(self) -> bool:
        return self.booked > self.capacity

    @property
    def utilisation(self) -> Decimal | None:
        return None if self.capacity == 0 else self.booked / self.capacity


@dataclass(frozen=True)
class Workload:
    start: date
    end: date
    weeks: tuple[Week, ...]

    @property
    def capacity(self) -> Decimal:
        return sum((week.capacity for week in self.weeks), ZERO)

    @property
    def booked(self) -> Decimal:
        return sum((week.booked for week in self.weeks), ZERO)


def weeks_between(start: date, end: date) -> list[date]:
    """Mondays of the weeks from the one holding `start` to the one holding `end`."""
    first, last = monday_of(start), monday_of(end)
    return [first + WEEK * n for n in range((last - first).days // 7 + 1)]


def workload(
    tasks: Iterable[r.TaskRow], capacity: Decimal, start: date, end: date, thresholds: Thresholds
) -> Workload:
    """The weeks from `start`'s to `end`'s: capacity, and the hours `tasks` book."""
    mondays = weeks_between(start, end)
    bookings: dict[date, list[Booking]] = {monday: [] for monday in mondays}
    for task in tasks:
        span = task_span(task)
        if task.status in CLOSED_TASK or span is None:
            continue
        for monday in mondays:
            if monday <= span[1] and span[0] <= monday + timedelta(days=6):
                hours = hours_in_week(task, monday, thresholds)
                if hours:
                    estimated = task.estimate_hours is not None
                    bookings[monday].append(Booking(task.id, hours, estimated))
    weeks = tuple(
        Week(monday, capacity, sum((b.hours for b in booked), ZERO), tuple(booked))
        for monday, booked in bookings.items()
    )
    return Workload(mondays[0], mondays[-1] + timedelta(days=6), weeks)
