"""Input types and argument helpers shared by every domain's root lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry

from schema.core.enums import OrderDirection
from schema.core.errors import BadUserInput
from schema.core.ids import decode_id_of
from server.listing import Order
from server.periods.fiscal import FiscalCalendar, PeriodNameError


@strawberry.input(
    description="An inclusive range of dates; either end may be left open. Or a fiscal "
    "period by `name` instead of dates."
)
class DateRange:
    start: dt.date | None = None
    end: dt.date | None = None
    name: str | None = strawberry.field(
        default=None,
        description="A fiscal period instead of `start` and `end`: `FY2027`, `FY2027-H1` "
        "or `FY2027-Q1`, a fiscal year being named after the year it ends in "
        "(`fiscalYearStartMonth` of `organisation`).",
    )


def span(
    dates: DateRange | None, argument: str, fiscal: FiscalCalendar | None = None
) -> tuple[dt.date | None, dt.date | None] | None:
    """The range as a tuple, refusing one that ends before it starts; a period `name`
    is read with `fiscal` (refused where none is given)."""
    if dates is None:
        return None
    if dates.name is not None:
        return _named(dates, argument, fiscal)
    if dates.start and dates.end and dates.end < dates.start:
        raise BadUserInput(
            f"`{argument}.end` ({dates.end}) is before `{argument}.start` ({dates.start}).",
            argument=argument,
        )
    return dates.start, dates.end


def fiscal_of(info: Any) -> FiscalCalendar:
    """The organisation's fiscal calendar (`THROUGHLINE_FISCAL_YEAR_START_MONTH`)."""
    settings = info.context.settings
    return FiscalCalendar(settings.fiscal_year_start_month if settings is not None else 1)


def _named(
    dates: DateRange, argument: str, fiscal: FiscalCalendar | None
) -> tuple[dt.date, dt.date]:
    where = f"{argument}.name"
    if fiscal is None:
        raise BadUserInput(f"`{where}`: this argument takes dates only.", argument=where)
    if dates.start is not None or dates.end is not None:
        raise BadUserInput(
            f"`{argument}` takes either a `name` or `start` and `end`, not both.",
            argument=argument,
        )
    try:
        period = fiscal.named(dates.name or "")
    except PeriodNameError as refused:
        raise BadUserInput(f"`{where}`: {refused}", argument=where) from None
    return period.start, period.end


def ids_of(global_ids: Iterable[strawberry.ID] | None, type_name: str) -> list[int] | None:
    """Database IDs of global IDs that must all name `type_name`."""
    if global_ids is None:
        return None
    return [decode_id_of(global_id, type_name) for global_id in global_ids]


def search_text(text: str | None, argument: str = "search", limit: int = 200) -> str | None:
    if text is not None and len(text) > limit:
        raise BadUserInput(f"`{argument}` must be at most {limit} characters.", argument=argument)
    return text


def order_of(order, default_field) -> Order:
    """A domain `Order` from an `orderBy` input whose enum values are column names."""
    field = order.field if order else default_field
    descending = order is not None and order.direction == OrderDirection.DESC
    return Order(field.value, descending)
