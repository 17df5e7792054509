"""Root query for campaigns."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.campaigns.types import Campaign
from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.enums import CampaignStatus, Channel, OrderDirection
from schema.core.inputs import DateRange, fiscal_of, ids_of, order_of, search_text, span
from schema.core.root_lists import served_connection
from server.read_model import listing


@strawberry.input(description="Which campaigns to list; every condition given must hold.")
class CampaignFilter:
    teams: list[strawberry.ID] | None = strawberry.field(default=None, description="Owner teams.")
    statuses: list[CampaignStatus] | None = None
    channels: list[Channel] | None = strawberry.field(
        default=None, description="Campaigns running on at least one of these channels."
    )
    dates: DateRange | None = strawberry.field(
        default=None, description="Campaigns running on at least one day of this range."
    )
    aligned: bool | None = strawberry.field(
        default=None, description="True: supporting a key result; false: unaligned."
    )
    search: str | None = None
    include_archived: bool = False


@strawberry.enum
class CampaignOrderField(Enum):
    START_DATE = "start_date"
    END_DATE = "end_date"
    NAME = "name"
    BUDGET = "budget"
    CREATED = "id"
    UPDATED_AT = "updated_at"


@strawberry.input
class CampaignOrder:
    field: CampaignOrderField = CampaignOrderField.START_DATE
    direction: OrderDirection = OrderDirection.ASC


@strawberry.type
class CampaignQueries:
    @strawberry.field(description="Campaigns, filtered and ordered. Cursor pagination.")
    async def campaigns(
        self,
        info: Info,
        filter: CampaignFilter | None = None,
        order_by: CampaignOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Campaign]:
        f = filter or CampaignFilter()
        order = order_of(order_by, CampaignOrderField.START_DATE)
        listed = listing.campaigns(
            info.context.require_snapshot(),
            team_ids=ids_of(f.teams, "Team"),
            statuses=f.statuses,
            channels=f.channels,
            dates=span(f.dates, "filter.dates", fiscal_of(info)),
            aligned=f.aligned,
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order,
        )
        return served_connection(info, listed, first, after, last, before)
