"""GraphQL types of the shared calendar: entries, conflicts and the filter that selects them.

Dates shown are in the time zone the query names: `startDate`/`endDate` are the first
and last day an entry touches (both included), `startsAt`/`endsAt` the exact times of
a timed entry, null for an all-day one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.enums import Channel
from schema.core.node import NODE_TYPES, Node
from schema.core.refs import GoalRef, TeamRef
from schema.goals.loaders import GoalByIdLoader
from schema.org.loaders import TeamByIdLoader
from schema.rollups.risks import RiskSeverity
from server.calendar import conflict_groups
from server.calendar import conflicts as domain_conflicts
from server.calendar import entries as domain
from server.calendar.view import CalendarView

CalendarEntryKind = strawberry.enum(
    domain.EntryKind,
    name="CalendarEntryKind",
    description="Campaigns, the kinds of milestone, task due dates and imported events.",
)
ConflictRule = strawberry.enum(
    domain_conflicts.ConflictRule,
    name="CalendarConflictRule",
    description="Why entries clash: campaigns for the same audience on a shared channel, "
    "too many launches, releases and events on one day, or a milestone or campaign "
    "start during an imported event marked as blocking.",
)


@strawberry.input(description="Which entries to show; every condition given must hold.")
class CalendarFilter:
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Entries of these teams."
    )
    kinds: list[CalendarEntryKind] | None = strawberry.field(
        default=None,
        description="Entries of these kinds; leave out EXTERNAL to hide imported events.",
    )
    channels: list[Channel] | None = strawberry.field(
        default=None,
        description="Campaigns on one of these channels, and the milestones and tasks under them.",
    )
    audiences: list[str] | None = strawberry.field(
        default=None,
        description="Campaigns for one of these audiences (case and spacing ignored), "
        "and the milestones and tasks under them.",
    )
    under: strawberry.ID | None = strawberry.field(
        default=None, description="Work whose trace reaches the subtree of this goal."
    )
    campaign: strawberry.ID | None = strawberry.field(
        default=None, description="This campaign and the milestones and tasks under it."
    )
    include_tasks: bool = strawberry.field(
        default=False, description="Show the due dates of tasks (left out by default)."
    )


@strawberry.type(
    description="One thing on the shared calendar. Imported events belong to no team "
    "and no node; the organisation's team, channel, audience, goal and campaign "
    "conditions do not hide them."
)
class CalendarEntry:
    entry: strawberry.Private[domain.Entry]
    zone: strawberry.Private[Any]

    @strawberry.field(
        description='Stable key: "campaign-12", "milestone-7", "task-3" or '
        '"external-<calendar>-<occurrence>" (the same across refreshes of the imported '
        "calendar and when the publisher moves the occurrence)."
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.entry.key)

    @strawberry.field
    def title(self) -> str:
        return self.entry.title

    @strawberry.field
    def description(self) -> str:
        return self.entry.description

    @strawberry.field
    def kind(self) -> CalendarEntryKind:
        return self.entry.kind

    @strawberry.field(description="True for whole days, false for an entry with times.")
    def all_day(self) -> bool:
        return self.entry.all_day

    @strawberry.field(description="Its first day, in the query's time zone.")
    def start_date(self) -> dt.date:
        return self.entry.first_day(self.zone)

    @strawberry.field(description="Its last day (included), in the query's time zone.")
    def end_date(self) -> dt.date:
        return self.entry.last_day(self.zone)

    @strawberry.field(description="Start of a timed entry, in the query's time zone.")
    def starts_at(self) -> dt.datetime | None:
        return None if self.entry.all_day else self.entry.start.astimezone(self.zone)

    @strawberry.field(description="End of a timed entry, in the query's time zone.")
    def ends_at(self) -> dt.datetime | None:
        return None if self.entry.all_day else self.entry.end.astimezone(self.zone)

    @strawberry.field(description="Colour of its team, or of its imported calendar.")
    def color(self) -> str:
        return self.entry.color

    @strawberry.field(description="The team it belongs to; null for imported events.")
    def team(self, info: Info) -> TeamRef | None:
        if self.entry.team_id is None:
            return None
        return info.context.served(TeamByIdLoader, self.entry.team_id)

    @strawberry.field(
        description="The campaign, milestone or task it comes from; null for imported events."
    )
    def node(self, info: Info) -> Node | None:
        if self.entry.node_type is None:
            return None
        return info.context.served(NODE_TYPES[self.entry.node_type].loader, self.entry.node_id)

    @strawberry.field(description="The top-level objectives its trace reaches.")
    def objectives(self, info: Info) -> list[GoalRef]:
        goals = [
            info.context.served(GoalByIdLoader, goal_id) for goal_id, _ in self.entry.objectives
        ]
        return [goal for goal in goals if goal is not None]

    @strawberry.field(description="Channels of its campaign.")
    def channels(self) -> list[Channel]:
        return list(self.entry.channels)

    @strawberry.field(description="Audience of its campaign; empty when it has none.")
    def audience(self) -> str:
        return self.entry.audience

    @strawberry.field(description="An imported event marked as blocking (a holiday, a fair).")
    def blocking(self) -> bool:
        return self.entry.blocking

    @strawberry.field(description="Name of the imported calendar it comes from.")
    def external_calendar(self) -> str | None:
        return self.entry.external_calendar_name

    @strawberry.field(description="Where an imported event takes place.")
    def location(self) -> str:
        return self.entry.location


@strawberry.type(description="Entries that clash, and why.")
class CalendarConflict:
    conflict: strawberry.Private[domain_conflicts.Conflict]
    zone: strawberry.Private[Any]

    @strawberry.field
    def rule(self) -> ConflictRule:
        return self.conflict.rule

    @strawberry.field
    def severity(self) -> RiskSeverity:
        return self.conflict.severity

    @strawberry.field(description="First day of the clash, in the query's time zone.")
    def start_date(self) -> dt.date:
        return self.conflict.start

    @strawberry.field(description="Last day of the clash (included).")
    def end_date(self) -> dt.date:
        return self.conflict.end

    @strawberry.field
    def message(self) -> str:
        return self.conflict.message

    @strawberry.field(
        description="The entries involved, the organisation's first; shown even when the "
        "filter hides them."
    )
    def entries(self) -> list[CalendarEntry]:
        return [CalendarEntry(entry=e, zone=self.zone) for e in self.conflict.entries]


@strawberry.type(description="The clashes of one rule at one severity, and how many there are.")
class CalendarConflictGroup:
    group: strawberry.Private[conflict_groups.ConflictGroup]
    zone: strawberry.Private[Any]

    @strawberry.field
    def rule(self) -> ConflictRule:
        return self.group.rule

    @strawberry.field
    def severity(self) -> RiskSeverity:
        return self.group.severity

    @strawberry.field(description="How many clashes the group holds.")
    def count(self) -> int:
        return self.group.count

    @strawberry.field(description="Its clashes, by first day. Cursor pagination.")
    def conflicts(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CalendarConflict]:
        zone = self.zone
        return connection_from_list(
            self.group.conflicts,
            page_args(first, after, last, before),
            lambda c: CalendarConflict(conflict=c, zone=zone),
        )


@strawberry.type(description="The shared calendar over a range of dates.")
class Calendar:
    view: strawberry.Private[CalendarView]

    @strawberry.field(name="from", description="First day of the range.")
    def start(self) -> dt.date:
        return self.view.query.start

    @strawberry.field(name="to", description="Last day of the range (included).")
    def end(self) -> dt.date:
        return self.view.query.end

    @strawberry.field(description="IANA name of the zone the dates are shown in.")
    def time_zone(self) -> str:
        return self.view.query.zone.key

    @strawberry.field(
        description="Entries overlapping the range, by start then ID. Cursor pagination."
    )
    def entries(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CalendarEntry]:
        page = page_args(first, after, last, before)
        zone = self.view.query.zone
        # only the page's entries become GraphQL objects: the list may be memoised and long
        return connection_from_list(
            self.view.entries, page, lambda e: CalendarEntry(entry=e, zone=zone)
        )

    @strawberry.field(
        description="Clashes in the range involving at least one entry the filter selects "
        "(task due dates never clash), by first day."
    )
    def conflicts(self) -> list[CalendarConflict]:
        zone = self.view.query.zone
        return [CalendarConflict(conflict=c, zone=zone) for c in self.view.conflicts]

    @strawberry.field(
        description="The clashes of `conflicts` grouped by rule and severity with their "
        "counts, the most severe first, then by rule."
    )
    def conflict_groups(self) -> list[CalendarConflictGroup]:
        zone = self.view.query.zone
        return [
            CalendarConflictGroup(group=g, zone=zone)
            for g in conflict_groups.grouped(self.view.conflicts)
        ]
