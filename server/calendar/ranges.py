"""The span a calendar query covers: whole calendar dates, at most a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from server.dates import DATES_TEXT, date_supported

MAX_DAYS = 366
"""The longest range one query may ask for, in days (a leap year)."""


class CalendarInputError(ValueError):
    """A calendar request that cannot be answered as asked; `argument` names the input."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class DateSpan:
    """Calendar dates `start`..`end`, both included."""

    start: date
    end: date

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, first: date, end_exclusive: date) -> bool:
        """Whether the dates [first, end_exclusive) share a day with the span."""
        return first < self.end_exclusive and end_exclusive > self.start


def checked_span(start: date, end: date) -> DateSpan:
    """The span from `start` to `end` inclusive, refusing a reversed or too long one, or
    one outside the supported dates (its arithmetic then has room to spare)."""
    for argument, day in (("from", start), ("to", end)):
        if not date_supported(day):
            raise CalendarInputError(
                f"`{argument}` ({day.isoformat()}) is outside the supported dates ({DATES_TEXT}).",
                argument,
            )
    if end < start:
        raise CalendarInputError(
            f"`to` ({end.isoformat()}) is before `from` ({start.isoformat()}).", "to"
        )
    span = DateSpan(start, end)
    if span.days > MAX_DAYS:
        raise CalendarInputError(
            f"The range from {start.isoformat()} to {end.isoformat()} covers {span.days} "
            f"days; ask for at most {MAX_DAYS} days at a time.",
            "to",
        )
    return span
