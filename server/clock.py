"""The one place that reads the current date and time (UTC), so tests can pin it.

`start_at` sets the clock to an instant from which it runs on in real time: the server
does so when THROUGHLINE_CLOCK is set (development only), so a demo or a browser test
sees the same day whatever day it runs on. Everything that asks for the time (rollups,
calendar, token expiry) asks here, so the whole process agrees on what "now" is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_offset = timedelta(0)


def start_at(instant: datetime | None, real: datetime | None = None) -> None:
    """Make the clock show `instant` (aware) at the real moment `real` (default: now) and
    run on from there; None puts it back on real time. Processes started one after the
    other agree exactly when they are given the same `real` moment."""
    global _offset
    _offset = timedelta(0) if instant is None else instant - (real or datetime.now(UTC))


def now() -> datetime:
    return datetime.now(UTC) + _offset


def today() -> date:
    return now().date()
