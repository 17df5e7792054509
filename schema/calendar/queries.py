"""Root query for milestones."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.calendar.types import Milestone
from schema.core.connection import Connection, root_connection
from schema.core.context import Info
from schema.core.enums import MilestoneKind, OrderDirection
from schema.core.inputs import DateRange, ids_of, order_of, search_text, span
from server import listing


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


@strawberry.type
class CalendarQueries:
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
        queryset = listing.milestones(
            team_ids=ids_of(f.teams, "Team"),
            kinds=f.kinds,
            campaign_ids=ids_of(f.campaigns, "Campaign"),
            dates=span(f.dates, "filter.dates"),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order_of(order_by, MilestoneOrderField.START_DATE),
        )
        return await root_connection(info, queryset, first, after, last, before)
