"""Keyset paging of an ordered list: a row's position is its sort key (the ordered
column, and the primary key breaking ties), so the rows after a key stay the same rows
when others are inserted or removed before it, which an offset cannot promise.

Empty values sort as if after every value (as `listing.Order` orders them on every
engine): in ascending order they come last, in descending order first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from server.listing import Order

Key = tuple[Any, int]
"""A row's place in an order: the value of the ordered column (None when empty; the ID
again when ordering by ID) and its ID."""


def key_of(row: Model, order: Order) -> Key:
    value = getattr(row, order.column)
    return (value.value if isinstance(value, Enum) else value), row.pk


def _nullable(queryset_model: type[Model], column: str) -> bool:
    field = queryset_model._meta.fields_map.get(column)
    return field is not None and field.null


def beyond(model: type[Model], order: Order, key: Key, forward: bool) -> Q:
    """Rows strictly after `key` in `order` (before it when not `forward`)."""
    value, pk = key
    rising = forward != order.descending  # travelling towards larger values
    ahead = "gt" if rising else "lt"
    if order.column == "id":
        return Q(**{f"id__{ahead}": pk})
    column = order.column
    if value is None:  # an empty value: larger than every value
        same = Q(**{f"{column}__isnull": True, f"id__{ahead}": pk})
        return same if rising else same | Q(**{f"{column}__isnull": False})
    condition = Q(**{f"{column}__{ahead}": value}) | Q(**{column: value, f"id__{ahead}": pk})
    if rising and _nullable(model, column):
        condition |= Q(**{f"{column}__isnull": True})
    return condition


def encode_value(value: Any) -> list[Any]:
    """A sort value as JSON, tagged with its type so it compares as it was read."""
    if value is None:
        return ["null", None]
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, Decimal):
        return ["decimal", str(value)]
    if isinstance(value, bool | int):
        return ["int", int(value)]
    return ["str", str(value)]


_DECODERS = {
    "null": lambda raw: None,
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "decimal": Decimal,
    "int": int,
    "str": str,
}


MAX_ID = 2**31 - 1


def decode_key(model: type[Model], order: Order, tagged: Any, pk: Any) -> Key:
    """The key of `encode_value(value)` and an ID, checked to be one a row of `model`
    could have in `order` (a forged one must not reach SQL); ValueError otherwise."""
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_ID:
        raise ValueError("not an ID")
    value = decode_value(tagged)
    if order.column == "id":
        if value != pk:
            raise ValueError("not this row's key")
        return value, pk
    field = model._meta.fields_map[order.column]
    if value is None:
        if not field.null:
            raise ValueError("an empty value in a column that has none")
        return value, pk
    if type(value) is not field.field_type:
        raise ValueError("not a value of this column")
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        raise ValueError("a time without a zone")
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None and value not in {member.value for member in enum_type}:
        raise ValueError("not a value of this column")
    return value, pk


def decode_value(tagged: Any) -> Any:
    """The sort value of `encode_value`; ValueError when it is not one."""
    if not isinstance(tagged, list) or len(tagged) != 2 or tagged[0] not in _DECODERS:
        raise ValueError("not a sort value")
    tag, raw = tagged
    if tag != "null" and not isinstance(raw, int if tag == "int" else str):
        raise ValueError("not a sort value")
    try:
        value = _DECODERS[tag](raw)
    except (ArithmeticError, TypeError) as error:
        raise ValueError("not a sort value") from error
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("not a sort value")
    return value
