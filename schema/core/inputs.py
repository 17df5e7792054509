"""Input types and argument helpers shared by every domain's root lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import strawberry

from schema.core.enums import OrderDirection
from schema.core.errors import BadUserInput
from schema.core.ids import decode_id_of
from server.listing import Order


@strawberry.input(description="An inclusive range of dates; either end may be left open.")
class DateRange:
    start: dt.date | None = None
    end: dt.date | None = None


def span(dates: DateRange | None, argument: str) -> tuple[dt.date | None, dt.date | None] | None:
    """The range as a tuple, refusing one that ends before it starts."""
    if dates is None:
        return None
    if dates.start and dates.end and dates.end < dates.start:
        raise BadUserInput(
            f"`{argument}.end` ({dates.end}) is before `{argument}.start` ({dates.start}).",
            argument=argument,
        )
    return dates.start, dates.end


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
