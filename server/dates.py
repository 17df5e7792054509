"""The one supported range of dates and times, for what is stored and what is asked.

Python dates end at years 1 and 9999, and every "day after", "week of" or change of
time zone near those ends overflows. Planning data lives in a few decades, so the
product accepts dates from 1900-01-01 to 2199-12-31 and refuses the rest at the API;
arithmetic on accepted values keeps centuries of headroom.

A time is accepted when, with whatever UTC offset it carries, it falls on a supported
date in every time zone (offsets up to a day either way): from 1900-01-02T00:00Z up to,
not including, 2199-12-31T00:00Z.

Rows written before the range was enforced (or by other tools) may hold anything the
database takes; readers pass stored values through `clamp_date` / `clamp_moment`, so
such a row shows at the edge of the range instead of breaking a read for everyone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)
FIRST_MOMENT = datetime(1900, 1, 2, tzinfo=UTC)
END_OF_MOMENTS = datetime(2199, 12, 31, tzinfo=UTC)
"""Times are supported strictly before this instant."""
LAST_MOMENT = END_OF_MOMENTS - timedelta(microseconds=1)

DATES_TEXT = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
MOMENTS_TEXT = "1900-01-02T00:00:00Z to 2199-12-30T23:59:59Z"


def date_supported(value: date) -> bool:
    if isinstance(value, datetime):
        return moment_supported(value)
    return FIRST_DATE <= value <= LAST_DATE


def moment_supported(value: datetime) -> bool:
    """Whether a time (naive read as UTC) is in the range, judged without converting an
    out-of-range wall clock time (converting 9999-12-31T23:00-12:00 overflows)."""
    if not FIRST_DATE <= value.date() <= LAST_DATE:
        return False
    return FIRST_MOMENT <= as_utc(value) < END_OF_MOMENTS


def as_utc(value: datetime) -> datetime:
    """A time in UTC; naive times are read as UTC. Only for values whose wall clock
    date is in the supported range (or offsets of zero)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def problem_with(value: date) -> str | None:
    """Why a date or time is outside the range, or None when it is inside."""
    if isinstance(value, datetime):
        if moment_supported(value):
            return None
        return f"{value.isoformat()} is outside the supported times ({MOMENTS_TEXT})."
    if date_supported(value):
        return None
    return f"{value.isoformat()} is outside the supported dates ({DATES_TEXT})."


def clamp_date(value: date) -> date:
    """A stored date moved into the range (unchanged when it is inside)."""
    if value < FIRST_DATE:
        return FIRST_DATE
    if value > LAST_DATE:
        return LAST_DATE
    return value


def clamp_moment(value: datetime) -> datetime:
    """A stored time in UTC, moved into the range (unchanged when it is inside)."""
    if value.date() < FIRST_DATE:
        return FIRST_MOMENT
    if value.date() > LAST_DATE:
        return LAST_MOMENT
    return min(max(as_utc(value), FIRST_MOMENT), LAST_MOMENT)
