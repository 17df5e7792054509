"""Root queries of the calendar: `milestones` and the shared `calendar`."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from schema.calendar.entries import Calendar, CalendarFilter
from schema.calendar.types import Milestone
from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.enums import MilestoneKind, OrderDirection
from schema.core.errors import BadUserInput
from schema.core.ids import decode_id_of
from schema.core.inputs import DateRange, fiscal_of, ids_of, order_of, search_text, span
from schema.core.root_lists import served_connection
from schema.rollups.loaders import thresholds_of
from server.calendar.entries import CalendarQuery
from server.calendar.ranges import MAX_DAYS, CalendarInputError
from server.calendar.view import load_calendar
from server.calendar.zones import zone_named
from server.read_model import listing

MAX_AUDIENCE = 200


@strawberry.input(description="Which milestones to list; every condition given must hold.")
class MilestoneFilter:
    teams: list[strawberry.ID] | None = None
    kinds: list[MilestoneKind] | None = None
    campaigns: list[strawberry.ID] | None = None
    dates: DateRange | None = strawberry.field(
        default=None, description="Milestones on at least one day of this range."
    )
    search: str | None = None
    include_archived: bool = False


@strawberry.enum
class MilestoneOrderField(Enum):
    START_DATE = "start_date"
    TITLE = "title"
    CREATED = "id"


@strawberry.input
class MilestoneOrder:
    field: MilestoneOrderField = MilestoneOrderField.START_DATE
    direction: OrderDirection = OrderDirection.ASC


def calendar_query(
    start: dt.date, end: dt.date, time_zone: str, f: CalendarFilter
) -> CalendarQuery:
    """The domain query of the arguments, or BAD_USER_INPUT naming the one at fault."""
    for audience in f.audiences or ():
        search_text(audience, "filter.audiences", MAX_AUDIENCE)
    try:
        return CalendarQuery(
            start=start,
            end=end,
            zone=zone_named(time_zone),
            teams=ids_of(f.teams, "Team"),
            kinds=f.kinds,
            channels=f.channels,
            audiences=f.audiences,
            under=decode_id_of(f.under, "Goal") if f.under is not None else None,
            campaign=decode_id_of(f.campaign, "Campaign") if f.campaign is not None else None,
            include_tasks=f.include_tasks,
        )
    except CalendarInputError as error:
        raise BadUserInput(str(error), argument=error.argument) from None


def asks_for(selections: list[Selection], name: str) -> bool:
    """Whether the field `name` is selected among `selections` (fragments looked into)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif asks_for(selection.selections, name):
            return True
    return False


@strawberry.type
class SharedCalendarQueries:
    @strawberry.field(
        description="Every team's dated work overlapping a range of dates (both included, "
        f"at most {MAX_DAYS} days), with the clashes in it. Dates are calendar dates in "
        "`timeZone` (an IANA name); timed entries are shown in that zone."
    )
    async def calendar(
        self,
        info: Info,
        start: Annotated[dt.date, strawberry.argument(name="from")],
        end: Annotated[dt.date, strawberry.argument(name="to")],
        time_zone: str = "UTC",
        filter: CalendarFilter | None = None,
    ) -> Calendar:
        query = calendar_query(start, end, time_zone, filter or CalendarFilter())
        allowed = thresholds_of(info).launches_per_day
        # conflicts compare every entry of the range; a page of entries needs only its own
        wanted = any(
            asks_for(field.selections, name)
            for field in info.selected_fields
            for name in ("conflicts", "conflictGroups")
        )
        snapshot = info.context.snapshot
        assert snapshot is not None, "every GraphQL request reads a snapshot of the read model"
        return Calendar(view=load_calendar(snapshot, query, allowed, conflicts_wanted=wanted))


@strawberry.type
class CalendarQueries(SharedCalendarQueries):
    @strawberry.field(description="Milestones, filtered and ordered. Cursor pagination.")
    async def milestones(
        self,
        info: Info,
        filter: MilestoneFilter | None = None,
        order_by: MilestoneOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Milestone]:
        f = filter or MilestoneFilter()
        order = order_of(order_by, MilestoneOrderField.START_DATE)
        listed = listing.milestones(
            info.context.require_snapshot(),
            team_ids=ids_of(f.teams, "Team"),
            kinds=f.kinds,
            campaign_ids=ids_of(f.campaigns, "Campaign"),
            dates=span(f.dates, "filter.dates", fiscal_of(info)),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order,
        )
        return served_connection(info, listed, first, after, last, before)
