"""The stretch of time every feed covers, moving with the server's date.

Calendar apps keep past events they have seen, so a feed need not reach far back;
a year ahead covers the planning horizon of campaigns and launches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_BACK = 90
DAYS_AHEAD = 365


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive


def feed_window(today: date) -> Window:
    return Window(today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD))
