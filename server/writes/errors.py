"""Why a write was refused: user errors are data; the rest stop the whole mutation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UserErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NEGATIVE = "NEGATIVE"
    UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    END_BEFORE_START = "END_BEFORE_START"
    TARGET_EQUALS_START = "TARGET_EQUALS_START"
    NOT_FOUND = "NOT_FOUND"
    ARCHIVED = "ARCHIVED"
    DUPLICATE = "DUPLICATE"
    CYCLE = "CYCLE"
    SHARES_DO_NOT_SUM_TO_ONE = "SHARES_DO_NOT_SUM_TO_ONE"
    HAS_DEPENDENTS = "HAS_DEPENDENTS"
    NOT_ALLOWED = "NOT_ALLOWED"
    MEASURED = "MEASURED"
    """A check-in on a key result whose value is computed from its campaigns' entries."""
    # An imported calendar that could not be read (server.external_calendars.errors).
    NOT_ICALENDAR = "NOT_ICALENDAR"
    TOO_LARGE = "TOO_LARGE"
    TOO_MANY_EVENTS = "TOO_MANY_EVENTS"
    MISSING_START = "MISSING_START"
    BAD_DATE = "BAD_DATE"
    BAD_RULE = "BAD_RULE"
    BAD_URL = "BAD_URL"
    HTTP_STATUS = "HTTP_STATUS"
    TOO_MANY_REDIRECTS = "TOO_MANY_REDIRECTS"
    UNREACHABLE = "UNREACHABLE"


@dataclass(frozen=True)
class UserError:
    """A problem with what the client sent; `field` names the input field (camelCase)."""

    field: str | None
    code: UserErrorCode
    message: str


class WriteRefused(Exception):
    """A write that changed nothing."""


class Invalid(WriteRefused):
    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class Forbidden(WriteRefused):
    def __init__(self, message: str = "You are not allowed to make this change.") -> None:
        super().__init__(message)


class Missing(WriteRefused):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} does not exist.")


class Conflict(WriteRefused):
    def __init__(self, what: str, sent: int, current: int) -> None:
        super().__init__(
            f"{what} has changed since version {sent} (it is now at version {current}); "
            "reload it and apply your change again."
        )
        self.sent = sent
        self.current = current
