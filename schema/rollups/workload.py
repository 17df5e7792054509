"""GraphQL types for workload: capacity against booked hours, week by week."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.refs import TaskRef
from schema.rollups.loaders import load_rows
from server import models
from server.rollups import workload as domain
from server.rollups.arithmetic import cents, fraction


@strawberry.type(description="Hours a task books in a week.")
class BookedTask:
    booking: strawberry.Private[domain.Booking]

    @strawberry.field
    def task(self, info: Info) -> TaskRef:
        return (load_rows(info, [(models.Task, self.booking.task_id)]))[0]

    @strawberry.field(description="Its hours spread over this week's part of its span.")
    def hours(self) -> Decimal:
        return cents(self.booking.hours)

    @strawberry.field(description="False: it has no estimate and books the default hours.")
    def estimated(self) -> bool:
        return self.booking.estimated


@strawberry.type(description="One week, Monday to Sunday.")
class WorkloadWeek:
    week: strawberry.Private[domain.Week]

    @strawberry.field
    def week_start(self) -> date:
        return self.week.start

    @strawberry.field
    def week_end(self) -> date:
        return self.week.end

    @strawberry.field
    def capacity_hours(self) -> Decimal:
        return cents(self.week.capacity)

    @strawberry.field
    def booked_hours(self) -> Decimal:
        return cents(self.week.booked)

    @strawberry.field(description="Booked over capacity; null without capacity.")
    def utilisation(self) -> Decimal | None:
        value = self.week.utilisation
        return None if value is None else fraction(value)

    @strawberry.field(description="True when booked past capacity.")
    def overbooked(self) -> bool:
        return self.week.overbooked

    @strawberry.field(description="The tasks behind the booked hours.")
    def tasks(self) -> list[BookedTask]:
        return [BookedTask(booking=b) for b in self.week.bookings]


@strawberry.type(description="Capacity and booked hours per week over a range of whole weeks.")
class Workload:
    load: strawberry.Private[domain.Workload]

    @strawberry.field(description="Monday of the first week.")
    def start(self) -> date:
        return self.load.start

    @strawberry.field(description="Sunday of the last week.")
    def end(self) -> date:
        return self.load.end

    @strawberry.field
    def capacity_hours(self) -> Decimal:
        return cents(self.load.capacity)

    @strawberry.field
    def booked_hours(self) -> Decimal:
        return cents(self.load.booked)

    @strawberry.field
    def weeks(self) -> list[WorkloadWeek]:
        return [WorkloadWeek(week=week) for week in self.load.weeks]
