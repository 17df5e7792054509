"""What one feed holds right now: its entries over the feed window, and the names its
description needs, both read from a snapshot of the read model (no SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from server import models
from server.calendar.entries import Entry, calendar_entries
from server.calendar.ranges import MAX_DAYS
from server.feeds.criteria import FeedCriteria, Names, describe
from server.feeds.window import Window, feed_window
from server.read_model import Snapshot


def chunks(window: Window) -> list[Window]:
    """The window cut into spans one calendar query may cover."""
    spans, start = [], window.start
    while start <= window.end:
        end = min(start + timedelta(days=MAX_DAYS - 1), window.end)
        spans.append(Window(start, end))
        start = end + timedelta(days=1)
    return spans


def window_entries(snapshot: Snapshot, criteria: FeedCriteria, window: Window) -> list[Entry]:
    """Entries overlapping the window, each once, by start then key."""
    seen: dict[str, Entry] = {}
    for span in chunks(window):
        for entry in calendar_entries(snapshot, criteria.query(span)):
            seen.setdefault(entry.key, entry)
    zone = ZoneInfo(criteria.zone)
    return sorted(seen.values(), key=lambda e: e.sort_key(zone))


def load_names(snapshot: Snapshot, criteria: FeedCriteria) -> Names:
    """Current names of the teams, goal and campaign the criteria name (archived
    ones too: a feed still says what it was made for)."""
    teams = {
        pk: team.name
        for pk in criteria.teams or ()
        if (team := snapshot.row(models.Team, pk)) is not None
    }
    goal = snapshot.row(models.Goal, criteria.under) if criteria.under is not None else None
    campaign = (
        snapshot.row(models.Campaign, criteria.campaign) if criteria.campaign is not None else None
    )
    return Names(
        teams=teams,
        goal=goal.title if goal is not None else None,
        campaign=campaign.name if campaign is not None else None,
    )


@dataclass(frozen=True)
class FeedContent:
    description: str
    entries: list[Entry]


def feed_content(snapshot: Snapshot, criteria: FeedCriteria, today: date) -> FeedContent:
    names = load_names(snapshot, criteria)
    entries = window_entries(snapshot, criteria, feed_window(today))
    return FeedContent(describe(criteria, names), entries)
