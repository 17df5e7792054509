"""The instant the test suite's clock starts from, so no test depends on the day it runs.

`PINNED_START` is used unless THROUGHLINE_TEST_NOW names another instant (CI runs the
date-sensitive tests again on awkward days: a month's last day, a Sunday, 29 February,
31 December, the day before a daylight-saving change). The clock then runs on in real
time from the moment the suite started, in this process, in every server the tests
start (THROUGHLINE_CLOCK, anchored to the same real moment, so they agree exactly) and
in every browser page (Playwright's clock).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

PINNED_START = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)
"""A Wednesday in the middle of a month, away from any daylight-saving change."""

ENVIRONMENT = "THROUGHLINE_TEST_NOW"

_started = time.time()
"""The real moment at which the suite's clock showed the pinned start."""


def pinned_start() -> datetime:
    raw = os.environ.get(ENVIRONMENT, "").strip()
    if not raw:
        return PINNED_START
    instant = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def pinned_now() -> datetime:
    """The suite's current instant: the pinned start plus the time the suite has run."""
    return pinned_start() + timedelta(seconds=time.time() - _started)


def suite_started() -> datetime:
    return datetime.fromtimestamp(_started, UTC)


def server_clock_setting() -> str:
    """THROUGHLINE_CLOCK for a server the tests start: the same clock as the suite's."""
    return f"{pinned_start().isoformat()}@{_started!r}"
