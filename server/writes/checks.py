"""Field checks that collect every problem of an input before anything is written."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from server.enums import CURRENCIES
from server.writes.errors import Invalid, UserError, UserErrorCode

Code = UserErrorCode
MAX_TEXT = 10_000
MAX_MONEY = Decimal("99999999999999.99")
MAX_MEASURE = Decimal("9999999999999999.9999")

# A name or title is one line: no control character (C0, DEL, C1: line feed, tab and
# NEL among them) and no Unicode line or paragraph separator. Calendar feeds, exports
# and strict iCalendar parsers downstream all rely on it.
NOT_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Descriptions and notes keep their line feeds and tabs, and nothing else of the kind.
NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_END = re.compile(r"\r\n?")


def is_single_line(value: str) -> bool:
    """Whether `value` may be a name or title (see NOT_IN_ONE_LINE)."""
    return NOT_IN_ONE_LINE.search(value) is None


def decimal_places(value: Decimal) -> int:
    """Significant decimal places, without rounding (so no precision limit applies)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    places = -exponent
    index = len(digits) - 1
    while places > 0 and index >= 0 and digits[index] == 0:
        places -= 1
        index -= 1
    return max(places, 0)


class Checker:
    """Collects user errors; `done()` raises `Invalid` with all of them at once."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def fail(self, field: str | None, code: UserErrorCode, message: str) -> None:
        self.errors.append(UserError(field, code, message))

    def failed(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)

    def required(self, field: str, value: Any) -> bool:
        if value is None:
            self.fail(field, Code.REQUIRED, f"`{field}` is required.")
            return False
        return True

    def text(
        self,
        field: str,
        value: str | None,
        *,
        max_length: int,
        required: bool,
        multiline: bool = False,
    ) -> str | None:
        """Stripped text; empty counts as missing when the field is required.

        Text is a single line unless `multiline` (descriptions, notes), where CR LF and
        CR line ends become LF."""
        if value is None:
            if required:
                self.required(field, None)
            return None
        cleaned = value.strip()
        if multiline:
            cleaned = LINE_END.sub("\n", cleaned)
        if required and not cleaned:
            self.fail(field, Code.REQUIRED, f"`{field}` must not be empty.")
        elif len(cleaned) > max_length:
            self.fail(
                field,
                Code.TOO_LONG,
                f"`{field}` must be at most {max_length} characters (got {len(cleaned)}).",
            )
        elif multiline and NOT_IN_TEXT.search(cleaned):
            self.fail(
                field,
                Code.INVALID,
                f"`{field}` must not contain control characters other than line breaks and tabs.",
            )
        elif not multiline:
            self.single_line(field, cleaned)
        return cleaned

    def single_line(self, field: str, value: str) -> bool:
        """Whether `value` is one line without control characters (else a user error)."""
        if not is_single_line(value):
            self.fail(
                field,
                Code.INVALID,
                f"`{field}` must be a single line without control characters "
                "(no line breaks, tabs or DEL).",
            )
            return False
        return True

    def date_order(self, start_field: str, start: date | None, end_field: str, end: date | None):
        if start is not None and end is not None and end < start:
            self.fail(
                end_field,
                Code.END_BEFORE_START,
                f"`{end_field}` ({end.isoformat()}) is before `{start_field}` "
                f"({start.isoformat()}).",
            )

    def decimal(
        self,
        field: str,
        value: Decimal | None,
        *,
        minimum: Decimal | None = None,
        maximum: Decimal = MAX_MEASURE,
        places: int = 4,
    ) -> Decimal | None:
        """A finite decimal within bounds, with at most `places` decimal places."""
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            self.fail(field, Code.INVALID, f"`{field}` must be a finite number.")
            return None
        if minimum is not None and value < minimum:
            code = Code.NEGATIVE if minimum == 0 else Code.OUT_OF_RANGE
            self.fail(field, code, f"`{field}` must be at least {minimum}, got {value}.")
            return None
        if value.copy_abs() > maximum:
            self.fail(field, Code.OUT_OF_RANGE, f"`{field}` is too large (at most {maximum}).")
            return None
        if decimal_places(value) > places:
            self.fail(field, Code.INVALID, f"`{field}` may have at most {places} decimal places.")
            return None
        return value

    def money(self, field: str, value: Decimal | None) -> Decimal | None:
        """An amount of money: not negative, at most two decimal places."""
        return self.decimal(field, value, minimum=Decimal(0), maximum=MAX_MONEY, places=2)

    def currency(self, field: str, code: str | None) -> str | None:
        if code is None:
            return None
        cleaned = code.strip().upper()
        if cleaned not in CURRENCIES:
            known = ", ".join(sorted(CURRENCIES))
            self.fail(
                field,
                Code.UNKNOWN_CURRENCY,
                f"`{field}` {code!r} is not a known currency; use one of {known}.",
            )
            return None
        return cleaned
