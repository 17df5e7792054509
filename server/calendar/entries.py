"""What the shared calendar shows: one `Entry` per dated thing, and the query for them.

`calendar_entries(snapshot, query)` is the way in for the iCalendar feeds, and
`server.calendar.view` for the GraphQL calendar. Entries come from campaigns (their
date span), milestones (all-day dates or UTC times), task due dates (only when asked
for) and the events of imported calendars. They are built by `server.calendar.sources`
from a snapshot of the read model, without SQL.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.calendar.ranges import DateSpan, checked_span
from server.calendar.zones import day_start
from server.enums import Channel
from server.read_model import Snapshot
from server.selection import admits, admits_any, chosen


class EntryKind(StrEnum):
    """Campaigns, the milestone kinds, task due dates and imported events."""

    CAMPAIGN = "CAMPAIGN"
    LAUNCH = "LAUNCH"
    RELEASE = "RELEASE"
    EVENT = "EVENT"
    WEBINAR = "WEBINAR"
    SALES_KICKOFF = "SALES_KICKOFF"
    DEADLINE = "DEADLINE"
    OTHER = "OTHER"
    TASK_DUE = "TASK_DUE"
    EXTERNAL = "EXTERNAL"


SOURCE_ORDER = {"campaign": 0, "milestone": 1, "task": 2, "external": 3}


def normalized_audience(text: str) -> str:
    """An audience compared without case or spacing differences ("SMB  Europe" = "smb europe")."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class CalendarQuery:
    """Which entries to show: those overlapping `start`..`end` (calendar dates in `zone`,
    both included, at most `ranges.MAX_DAYS` days) that meet every condition given.

    IDs are database keys. `teams`, `channels`, `audiences`, `under` (a goal: entries
    whose trace reaches its subtree) and `campaign` (the campaign and the milestones and
    tasks under it) select work of the organisation; imported events belong to no team
    or campaign, so those conditions leave them in, and only `kinds` (without EXTERNAL)
    leaves them out. Milestones and tasks take the channels and audience of their
    campaign. Task due dates appear only with `include_tasks`.

    Building one checks the range and raises `CalendarInputError` when it is reversed
    or too long. Equal queries have equal answers in one snapshot, and
    `calendar.view` memoises answers by query: every field that changes the answer
    must take part in equality and hashing (the dataclass default; lists are kept as
    frozensets).
    """

    start: date
    end: date
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    teams: Collection[int] | None = None
    kinds: Collection[EntryKind] | None = None
    channels: Collection[Channel] | None = None
    audiences: Collection[str] | None = None
    under: int | None = None
    campaign: int | None = None
    include_tasks: bool = False

    def __post_init__(self) -> None:
        checked_span(self.start, self.end)
        for name in ("teams", "kinds", "channels"):
            object.__setattr__(self, name, chosen(getattr(self, name)))
        if self.audiences is not None:
            audiences = frozenset(normalized_audience(a) for a in self.audiences)
            object.__setattr__(self, "audiences", audiences)

    @property
    def span(self) -> DateSpan:
        return DateSpan(self.start, self.end)

    @property
    def start_utc(self) -> datetime:
        """The first instant of the range: `start` at midnight in `zone`, in UTC."""
        return day_start(self.start, self.zone)

    @property
    def end_utc(self) -> datetime:
        """The instant the range ends (excluded): the day after `end` begins in `zone`."""
        return day_start(self.end + timedelta(days=1), self.zone)

    @property
    def filters_work(self) -> bool:
        """Whether a condition on teams, channels, audiences, goal or campaign is set."""
        return any(
            value is not None
            for value in (self.teams, self.channels, self.audiences, self.under, self.campaign)
        )


@dataclass(frozen=True)
class Entry:
    """One thing on the calendar.

    All-day entries have `start` and `end` as dates, `end` excluded (as in iCalendar: a
    one-day milestone on 3 May runs from 3 May to 4 May); timed entries have aware UTC
    datetimes. `key` is stable across requests: "campaign-12", "milestone-7", "task-3",
    "external-<calendar id>-<digest of the event's UID and RECURRENCE-ID>" (the same after
    a refresh). `version` grows with every change (the iCalendar SEQUENCE), `updated_at`
    is when it last changed. `objectives` are the top-level goals its trace reaches, as
    (id, title); `goal_ids` every goal on the way.
    `node_type` ("Campaign", "Milestone", "Task") and `node_id` name the row it comes
    from, None for imported events, which carry their calendar instead.
    """

    key: str
    kind: EntryKind
    title: str
    description: str
    all_day: bool
    start: date | datetime
    end: date | datetime
    team_id: int | None
    team_name: str | None
    color: str
    node_type: str | None
    node_id: int | None
    objectives: tuple[tuple[int, str], ...]
    version: int
    updated_at: datetime
    channels: tuple[Channel, ...] = ()
    audience: str = ""
    external_calendar_id: int | None = None
    blocking: bool = False
    external_calendar_name: str | None = None
    location: str = ""
    campaign_id: int | None = None
    goal_ids: frozenset[int] = frozenset()

    def starts_at(self, zone: ZoneInfo) -> datetime:
        """The UTC instant the entry begins; an all-day entry begins at midnight in `zone`."""
        if self.all_day:
            return day_start(self.start, zone)
        return self.start.astimezone(UTC)

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """The UTC instant the entry ends (excluded)."""
        if self.all_day:
            return day_start(self.end, zone)
        return self.end.astimezone(UTC)

    def first_day(self, zone: ZoneInfo) -> date:
        """The calendar date, in `zone`, of its first day."""
        return self.start if self.all_day else self.start.astimezone(zone).date()

    def last_day(self, zone: ZoneInfo) -> date:
        """The calendar date, in `zone`, of its last day (included). A timed entry
        ending exactly at midnight does not reach into the day that midnight begins."""
        if self.all_day:
            return self.end - timedelta(days=1)
        end = self.end.astimezone(zone)
        last = end.date()
        if end.time() == datetime.min.time() and self.end > self.start:
            last -= timedelta(days=1)
        return max(last, self.first_day(zone))

    def days(self, zone: ZoneInfo, within: DateSpan | None = None) -> list[date]:
        """Every calendar date, in `zone`, the entry touches (only those of `within`
        when given: an entry may span centuries)."""
        first, last = self.first_day(zone), self.last_day(zone)
        if within is not None:
            first, last = max(first, within.start), min(last, within.end)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def overlaps(self, query: CalendarQuery) -> bool:
        """Whether it shares a moment with the query's range. All-day entries compare as
        dates; timed ones as instants against the range's local midnights. An instant
        (start equal to end) counts where it falls."""
        if self.all_day:
            return query.span.overlaps(self.start, self.end)
        start, end = self.start.astimezone(UTC), self.end.astimezone(UTC)
        if start == end:
            return query.start_utc <= start < query.end_utc
        return start < query.end_utc and end > query.start_utc

    def sort_key(self, zone: ZoneInfo) -> tuple:
        """By start, then campaigns, milestones, tasks and imported events, each by ID
        ("milestone-9" before "milestone-10")."""
        prefix, _, rest = self.key.partition("-")
        number = int(rest) if rest.isdigit() else -1
        return (self.starts_at(zone), SOURCE_ORDER.get(prefix, 9), number, self.key)


def matches(entry: Entry, query: CalendarQuery) -> bool:
    """Whether `entry` meets every condition of `query` (its range aside)."""
    if not admits(query.kinds, entry.kind):
        return False
    if entry.kind == EntryKind.TASK_DUE and not query.include_tasks:
        return False
    if entry.kind == EntryKind.EXTERNAL:
        return True
    if not admits(query.teams, entry.team_id):
        return False
    if not admits_any(query.channels, entry.channels):
        return False
    if not admits(query.audiences, normalized_audience(entry.audience)):
        return False
    if query.under is not None and query.under not in entry.goal_ids:
        return False
    return query.campaign is None or entry.campaign_id == query.campaign


def selected(entries: Collection[Entry], query: CalendarQuery) -> list[Entry]:
    """The entries in the query's range meeting its conditions, by start then key."""
    chosen = [e for e in entries if e.overlaps(query) and matches(e, query)]
    return sorted(chosen, key=lambda e: e.sort_key(query.zone))


def calendar_entries(snapshot: Snapshot, query: CalendarQuery) -> list[Entry]:
    """The entries of `query` in `snapshot`, ordered by start (all-day entries from
    midnight in the query's zone) then key."""
    from server.calendar.sources import load_entries  # it builds entries: a cycle at import

    return selected(load_entries(snapshot, query, tasks=query.include_tasks, narrow=True), query)
