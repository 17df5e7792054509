"""A feed's filter as plain JSON values, and the calendar query it makes for a window.

Stored values are database keys and enum names, so a feed keeps meaning the same
thing when teams, goals or campaigns are renamed. A condition left out (null) lets
everything through; a list that is given must be met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from server.calendar.entries import CalendarQuery, EntryKind
from server.calendar.zones import known_zones
from server.enums import Channel
from server.feeds.window import Window


@dataclass(frozen=True)
class FeedCriteria:
    teams: tuple[int, ...] | None = None
    kinds: tuple[EntryKind, ...] | None = None
    channels: tuple[Channel, ...] | None = None
    audiences: tuple[str, ...] | None = None
    under: int | None = None
    campaign: int | None = None
    include_tasks: bool = False
    zone: str = "UTC"

    def to_json(self) -> dict[str, Any]:
        def values(items: Iterable[Any] | None) -> list[Any] | None:
            return None if items is None else [str(getattr(i, "value", i)) for i in items]

        return {
            "teams": None if self.teams is None else list(self.teams),
            "kinds": values(self.kinds),
            "channels": values(self.channels),
            "audiences": None if self.audiences is None else list(self.audiences),
            "under": self.under,
            "campaign": self.campaign,
            "include_tasks": self.include_tasks,
            "zone": self.zone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeedCriteria:
        """The criteria stored by `to_json`; values no longer known (a removed kind or
        zone) are dropped rather than failing the feed."""

        def listed(name: str, convert) -> tuple[Any, ...] | None:
            raw = data.get(name)
            if raw is None:
                return None
            kept = []
            for item in raw:
                try:
                    kept.append(convert(item))
                except (TypeError, ValueError):
                    continue
            return tuple(kept)

        zone = data.get("zone") or "UTC"
        return cls(
            teams=listed("teams", int),
            kinds=listed("kinds", EntryKind),
            channels=listed("channels", Channel),
            audiences=listed("audiences", str),
            under=data.get("under"),
            campaign=data.get("campaign"),
            include_tasks=bool(data.get("include_tasks", False)),
            zone=zone if zone in known_zones() else "UTC",
        )

    def query(self, window: Window) -> CalendarQuery:
        return CalendarQuery(
            start=window.start,
            end=window.end,
            zone=ZoneInfo(self.zone),
            teams=self.teams,
            kinds=self.kinds,
            channels=self.channels,
            audiences=self.audiences,
            under=self.under,
            campaign=self.campaign,
            include_tasks=self.include_tasks,
        )


@dataclass(frozen=True)
class Names:
    """Current names of what the criteria refer to by key."""

    teams: dict[int, str]
    goal: str | None = None
    campaign: str | None = None


def _labels(values: Iterable[Any]) -> str:
    return ", ".join(str(getattr(v, "value", v)).replace("_", " ").capitalize() for v in values)


def describe(criteria: FeedCriteria, names: Names) -> str:
    """One line saying what the feed shows, e.g. `Teams: Growth; kinds: Launch`."""
    parts = []
    if criteria.teams is not None:
        shown = [names.teams.get(pk, "a removed team") for pk in criteria.teams]
        parts.append(f"teams: {', '.join(shown) or 'none'}")
    if criteria.kinds is not None:
        parts.append(f"kinds: {_labels(criteria.kinds) or 'none'}")
    if criteria.channels is not None:
        parts.append(f"channels: {_labels(criteria.channels) or 'none'}")
    if criteria.audiences is not None:
        parts.append(f"audiences: {', '.join(criteria.audiences) or 'none'}")
    if criteria.under is not None:
        parts.append(f"under the goal {names.goal or 'that was removed'}")
    if criteria.campaign is not None:
        parts.append(f"the campaign {names.campaign or 'that was removed'}")
    if criteria.include_tasks:
        parts.append("with task due dates")
    if not parts:
        return "Everything on the shared calendar"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
