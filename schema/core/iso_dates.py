"""Date and DateTime in ISO 8601's extended form only (`2026-01-31`, `2026-01-31T09:30:00Z`).

Python's own parsers also take the basic form (`20260131`), week dates (`2026-W05-6`)
and ordinal dates, which no client means to send and which read as another day than a
person would: these scalars refuse them with the same error as any malformed date, and
hand the rest to the parsers Strawberry uses.
"""

from __future__ import annotations

import datetime as dt
import re

import dateutil.parser
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

DAY = r"\d{4}-\d{2}-\d{2}"
EXTENDED_DATE = re.compile(DAY)
EXTENDED_DATETIME = re.compile(
    DAY + r"(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)


def _strict(default: ScalarDefinition, pattern: re.Pattern[str], parse) -> ScalarDefinition:
    """`default` (Strawberry's scalar), refusing text that is not in `pattern`'s form."""

    def parse_extended(text: str):
        if not pattern.fullmatch(text):
            raise ValueError("write it in ISO 8601's extended form, e.g. 2026-01-31")
        return parse(text)

    return ScalarDefinition(
        name=default.name,
        description=default.description,
        specified_by_url=None,
        serialize=default.serialize,
        parse_value=wrap_parser(parse_extended, default.name),
        parse_literal=None,
        origin=default.origin,
    )


STRICT_DATE = _strict(DateDefinition, EXTENDED_DATE, dt.date.fromisoformat)
STRICT_DATETIME = _strict(DateTimeDefinition, EXTENDED_DATETIME, dateutil.parser.isoparse)

OVERRIDES = {dt.date: STRICT_DATE, dt.datetime: STRICT_DATETIME}
