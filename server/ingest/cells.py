"""Reading the cells of an import file into the typed values the bulk write takes.

A file names other rows by the global IDs the API shows; the caller gives the decoder
(`DecodeId`), since IDs belong to the API layer. An empty cell is a missing value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from server.enums import Channel, ResultMetric, TaskStatus
from server.ingest.kind import Kind
from server.writes.errors import UserError, UserErrorCode

DecodeId = Callable[[str, str], int | None]
"""(type name, global ID) -> the row's key; 0 or None for an ID that names nothing."""

DATES = frozenset({"date", "start_date", "due_date"})
MOMENTS = frozenset({"checked_in_at"})
NUMBERS = frozenset({"amount", "value", "estimate_hours"})
CHOICES: dict[str, type[Enum]] = {
    "channel": Channel,
    "metric": ResultMetric,
    "status": TaskStatus,
}


class CellRefused(ValueError):
    pass


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("")
    except ValueError:
        raise CellRefused("must be a date written YYYY-MM-DD") from None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CellRefused(
            "must be a time written YYYY-MM-DDTHH:MM:SS with an offset (Z or +01:00)"
        ) from None


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellRefused("must be a number such as 1250.50") from None
    if not value.is_finite():
        raise CellRefused("must be a finite number")
    return value


def _choice(choices: type[Enum], text: str) -> Enum:
    try:
        return choices(text.upper())
    except ValueError:
        known = ", ".join(str(member.value) for member in choices)
        raise CellRefused(f"must be one of {known}") from None


def values_of(
    kind: Kind, cells: dict[str, str], decode_id: DecodeId
) -> tuple[dict[str, Any], list[UserError]]:
    """The typed values of one line (by attribute), and what could not be read (each
    error's field is the column)."""
    values: dict[str, Any] = {}
    errors: list[UserError] = []
    for column, text in cells.items():
        if column in ("source", "external_id") or column in ("note", "description", "title"):
            values[column] = text
            continue
        stripped = text.strip()
        if not stripped:
            values[column] = None
            continue
        try:
            if column in kind.references:
                type_name = kind.references[column].__name__
                values[column] = decode_id(type_name, stripped) or 0
            elif column in DATES:
                values[column] = _date(stripped)
            elif column in MOMENTS:
                values[column] = _moment(stripped)
            elif column in NUMBERS:
                values[column] = _number(stripped)
            elif column in CHOICES:
                values[column] = _choice(CHOICES[column], stripped)
            else:
                values[column] = stripped
        except CellRefused as refused:
            errors.append(UserError(column, UserErrorCode.INVALID, f"`{column}` {refused}."))
    return values, errors
