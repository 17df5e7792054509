"""What one feed holds right now: its entries over the feed window, and the names its
description needs. A fixed number of statements for a given filter, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from server import models
from server.calendar.entries import Entry, calendar_entries
from server.calendar.ranges import MAX_DAYS
from server.feeds.criteria import FeedCriteria, Names, describe
from server.feeds.window import Window, feed_window


def chunks(window: Window) -> list[Window]:
    """The window cut into spans one calendar query may cover."""
    spans, start = [], window.start
    while start <= window.end:
        end = min(start + timedelta(days=MAX_DAYS - 1), window.end)
        spans.append(Window(start, end))
        start = end + timedelta(days=1)
    return spans


async def window_entries(criteria: FeedCriteria, window: Window) -> list[Entry]:
    """Entries overlapping the window, each once, by start then key."""
    seen: dict[str, Entry] = {}
    for span in chunks(window):
        for entry in await calendar_entries(criteria.query(span)):
            seen.setdefault(entry.key, entry)
    zone = ZoneInfo(criteria.zone)
    return sorted(seen.values(), key=lambda e: e.sort_key(zone))


async def load_names(criteria: FeedCriteria) -> Names:
    """Current names of the teams, goal and campaign the criteria name (archived
    ones too: a feed still says what it was made for)."""
    teams: dict[int, str] = {}
    if criteria.teams:
        rows = await models.Team.filter(id__in=list(criteria.teams)).values_list("id", "name")
        teams = dict(rows)
    goal = campaign = None
    if criteria.under is not None:
        goal = await models.Goal.filter(id=criteria.under).first().values_list("title", flat=True)
    if criteria.campaign is not None:
        campaign = (
            await models.Campaign.filter(id=criteria.campaign)
            .first()
            .values_list("name", flat=True)
        )
    return Names(teams=teams, goal=goal, campaign=campaign)


@dataclass(frozen=True)
class FeedContent:
    description: str
    entries: list[Entry]


async def feed_content(criteria: FeedCriteria, today: date) -> FeedContent:
    names = await load_names(criteria)
    entries = await window_entries(criteria, feed_window(today))
    return FeedContent(describe(criteria, names), entries)
