"""The sections of rows the rollups read, each a whole organisation's worth.

Every section but the calendar is built from the read model (`from_model.py`); the
calendar's entries still come from SQL (`shared.py`). A computation names the sections
it reads, so one that reads a section nobody provided fails loudly (`graph.py`).
"""

from __future__ import annotations

from enum import StrEnum


class Section(StrEnum):
    GOALS = "goals"
    KEY_RESULTS = "key_results"
    CHECK_INS = "check_ins"
    CAMPAIGNS = "campaigns"
    CHANNELS = "channels"
    ALIGNMENTS = "alignments"
    SPEND = "spend"
    RESULTS = "results"
    TASKS = "tasks"
    USERS = "users"
    TEAMS = "teams"
    MEMBERSHIPS = "memberships"
    MILESTONES = "milestones"
    RATES = "rates"
    """Exchange rates (`server.currency`), for the figures in the reporting currency."""
    STATUS_UPDATES = "status_updates"
    """Owners' status updates on goals and key results, for the stale risk."""
    CALENDAR = "calendar"
    """Calendar entries of today and the year ahead (`server.calendar.horizon`), for the
    CALENDAR_CONFLICT risk: a fixed number of statements."""


PROGRESS = (Section.GOALS, Section.KEY_RESULTS)
"""What goal and key result progress read."""
CAMPAIGN_MONEY = (
    Section.CAMPAIGNS,
    Section.CHANNELS,
    Section.SPEND,
    Section.RESULTS,
    Section.RATES,
)
"""What a campaign's money reads (rates: its figures in the reporting currency, so a
rate written recomputes money)."""
