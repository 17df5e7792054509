"""How the API's root lists are ordered (no GraphQL in here).

The lists of tables the read model holds are filtered and sorted in memory
(`server.read_model.listing`); `Order.apply` sorts the others (calendar feeds,
imported calendars) in SQL, the same way."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet


@dataclass(frozen=True)
class Order:
    """A column to sort by; the primary key always breaks ties so pages are stable."""

    column: str = "id"
    descending: bool = False

    def reversed(self) -> Order:
        """The same order read backwards (empty values first where they were last)."""
        return Order(self.column, not self.descending)

    def apply(self, queryset: QuerySet) -> QuerySet:
        sign = "-" if self.descending else ""
        keys = [f"{sign}{self.column}"] + ([] if self.column == "id" else [f"{sign}id"])
        field = queryset.model._meta.fields_map.get(self.column)
        if field is not None and field.null:
            # Empty values sort as if after every value, on every engine (SQLite alone
            # would put NULL first in ascending order).
            table = queryset.model._meta.db_table
            queryset = queryset.annotate(
                _is_null=RawSQL(
                    f'CASE WHEN "{table}"."{field.source_field or self.column}" '
                    "IS NULL THEN 1 ELSE 0 END"
                )
            )
            keys.insert(0, f"{sign}_is_null")
        return queryset.order_by(*keys)


BY_ID = Order()
BY_NAME = Order("name")
BY_START_DATE = Order("start_date")
