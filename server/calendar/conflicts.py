"""Clashes on the calendar, shared by `calendar.conflicts` and the CALENDAR_CONFLICT risk.

Three rules, over the entries of one range (days are calendar dates in one zone):

- CHANNEL_AUDIENCE_OVERLAP: two campaigns with the same audience (compared without case
  or spacing; campaigns without an audience never clash) sharing a channel and a day.
  MEDIUM.
- CROWDED_DAY: more launches, releases and events (milestones) on one day than
  `Thresholds.launches_per_day`; a milestone spanning days counts on each of them.
  MEDIUM, HIGH beyond twice the allowed number.
- BLOCKING_EVENT: a milestone, or a campaign's first day, overlapping an event of an
  imported calendar marked blocking (a public holiday, a trade show). HIGH for
  launches, releases and events, MEDIUM otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import combinations
from zoneinfo import ZoneInfo

from server.calendar.entries import Entry, EntryKind, normalized_audience
from server.calendar.ranges import DateSpan
from server.calendar.zones import day_start
from server.rollups.risks import Severity

CROWDING_KINDS = frozenset({EntryKind.LAUNCH, EntryKind.RELEASE, EntryKind.EVENT})
MILESTONE_KINDS = frozenset(EntryKind) - {
    EntryKind.CAMPAIGN,
    EntryKind.TASK_DUE,
    EntryKind.EXTERNAL,
}


class ConflictRule(StrEnum):
    CHANNEL_AUDIENCE_OVERLAP = "CHANNEL_AUDIENCE_OVERLAP"
    CROWDED_DAY = "CROWDED_DAY"
    BLOCKING_EVENT = "BLOCKING_EVENT"


@dataclass(frozen=True)
class Conflict:
    """A clash between `entries` (the organisation's first, an imported event last) over
    the days `start`..`end` (included), with a sentence saying why."""

    rule: ConflictRule
    severity: Severity
    start: date
    end: date
    message: str
    entries: tuple[Entry, ...]
    channels: tuple[str, ...] = ()
    audience: str = ""
    allowed: int | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(entry.key for entry in self.entries)


def find_conflicts(
    entries: Iterable[Entry], span: DateSpan, zone: ZoneInfo, launches_per_day: int
) -> list[Conflict]:
    """Every clash among `entries` that touches `span`, ordered by first day, rule and
    entries. The entries must be all those of the span, unfiltered, or clashes with
    entries left out are missed."""
    entries = sorted(entries, key=lambda e: e.sort_key(zone))
    found = [
        *_channel_audience_overlaps(entries, zone),
        *_crowded_days(entries, span, zone, launches_per_day),
        *_blocking_events(entries, zone),
    ]
    found = [c for c in found if c.start <= span.end and c.end >= span.start]
    rules = list(ConflictRule)
    return sorted(found, key=lambda c: (c.start, rules.index(c.rule), c.keys))


def _channel_audience_overlaps(entries: Sequence[Entry], zone: ZoneInfo) -> list[Conflict]:
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        audience = normalized_audience(entry.audience)
        if entry.kind != EntryKind.CAMPAIGN or not audience:
            continue
        for channel in entry.channels:
            groups[(audience, channel)].append(entry)
    shared: dict[tuple[Entry, Entry], list[str]] = defaultdict(list)
    for (_, channel), campaigns in groups.items():
        for a, b in combinations(campaigns, 2):
            if a.first_day(zone) <= b.last_day(zone) and b.first_day(zone) <= a.last_day(zone):
                shared[(a, b)].append(channel)
    conflicts = []
    for (a, b), channels in shared.items():
        start = max(a.first_day(zone), b.first_day(zone))
        end = min(a.last_day(zone), b.last_day(zone))
        names = tuple(sorted(channels))
        conflicts.append(
            Conflict(
                ConflictRule.CHANNEL_AUDIENCE_OVERLAP,
                Severity.MEDIUM,
                start,
                end,
                f"{a.title} and {b.title} address the same audience ({a.audience}) on "
                f"{', '.join(names)} from {start.isoformat()} to {end.isoformat()}.",
                (a, b),
                channels=names,
                audience=a.audience,
            )
        )
    return conflicts


def _crowded_days(
    entries: Sequence[Entry], span: DateSpan, zone: ZoneInfo, allowed: int
) -> list[Conflict]:
    days: dict[date, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.kind in CROWDING_KINDS:
            for day in entry.days(zone, within=span):
                days[day].append(entry)
    conflicts = []
    for day, crowd in sorted(days.items()):
        if len(crowd) <= allowed:
            continue
        conflicts.append(
            Conflict(
                ConflictRule.CROWDED_DAY,
                Severity.HIGH if len(crowd) > 2 * allowed else Severity.MEDIUM,
                day,
                day,
                f"{len(crowd)} launches, releases and events on {day.isoformat()} "
                f"(at most {allowed} a day): " + ", ".join(e.title for e in crowd) + ".",
                tuple(crowd),
                allowed=allowed,
            )
        )
    return conflicts


def _blocked_part(entry: Entry, zone: ZoneInfo) -> tuple | None:
    """The instants of `entry` a blocking event must not touch: a milestone whole, a
    campaign its first day."""
    if entry.kind in MILESTONE_KINDS:
        return entry.starts_at(zone), max(entry.ends_at(zone), entry.starts_at(zone))
    if entry.kind == EntryKind.CAMPAIGN:
        first = entry.first_day(zone)
        return day_start(first, zone), day_start(first + timedelta(days=1), zone)
    return None


def _blocking_events(entries: Sequence[Entry], zone: ZoneInfo) -> list[Conflict]:
    blockers = [e for e in entries if e.kind == EntryKind.EXTERNAL and e.blocking]
    if not blockers:
        return []
    conflicts = []
    for entry in entries:
        part = _blocked_part(entry, zone)
        if part is None:
            continue
        start, end = part
        for blocker in blockers:
            b_start, b_end = blocker.starts_at(zone), blocker.ends_at(zone)
            touches = start < b_end and end > b_start if end > start else b_start <= start < b_end
            if not touches:
                continue
            first = max(entry.first_day(zone), blocker.first_day(zone))
            last = min(entry.last_day(zone), blocker.last_day(zone))
            if entry.kind == EntryKind.CAMPAIGN:
                first = last = entry.first_day(zone)
            what = f"{entry.title} starts" if entry.kind == EntryKind.CAMPAIGN else entry.title
            source = blocker.external_calendar_name
            calendar = f" ({source})" if source else ""
            conflicts.append(
                Conflict(
                    ConflictRule.BLOCKING_EVENT,
                    Severity.HIGH if entry.kind in CROWDING_KINDS else Severity.MEDIUM,
                    first,
                    max(first, last),
                    f"{what} on {first.isoformat()}, during {blocker.title}{calendar}, "
                    "an event marked as blocking.",
                    (entry, blocker),
                )
            )
    return conflicts
