"""The one meaning of a list condition in every filter (root lists, risks, calendar):
null or absent sets no condition, a list keeps what is in it, so an empty list keeps
nothing. A client that builds a list from choices gets what it chose, even none."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from typing import TypeVar

from tortoise.queryset import QuerySet

T = TypeVar("T", bound=Hashable)


def chosen(values: Iterable[T] | None) -> frozenset[T] | None:
    """The condition as a set (None: no condition)."""
    return None if values is None else frozenset(values)


def admits(condition: Collection[T] | None, value: T) -> bool:
    return condition is None or value in condition


def admits_any(condition: Collection[T] | None, values: Iterable[T]) -> bool:
    """Whether one of `values` meets the condition (any, when there is none)."""
    return condition is None or any(value in condition for value in values)


def where_in(queryset: QuerySet, column: str, values: Iterable | None) -> QuerySet:
    """Rows whose `column` is one of `values` (an empty list: no row)."""
    if values is None:
        return queryset
    return queryset.filter(**{f"{column}__in": list(values)})
