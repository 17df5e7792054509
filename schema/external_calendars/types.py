"""GraphQL type for imported calendars."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.core.context import Info
from schema.core.node import Node, Versioned, presents
from schema.external_calendars.loaders import (
    EventCountByCalendarIdLoader,
    ExternalCalendarByIdLoader,
)
from server import models
from server.external_calendars.shown_url import shown_url


@strawberry.type(
    description="A calendar imported from an iCalendar address or an uploaded file "
    "(public holidays, industry events). Its events appear read-only on the shared calendar."
)
@presents(models.ExternalCalendar, ExternalCalendarByIdLoader)
class ExternalCalendar(Node, Versioned):
    name: str
    blocking: bool = strawberry.field(
        description="Whether its events block launches (a launch on one of its days is a risk)."
    )
    color: str = strawberry.field(description="Colour of its events, as #rrggbb.")
    refresh_minutes: int = strawberry.field(description="How often the address is fetched.")
    refreshed_at: dt.datetime | None = strawberry.field(
        description="When its events were last replaced from a good document."
    )

    @strawberry.field(
        description="Where it is fetched from, for administrators only and without "
        "credentials (no user name or password; query values and secret-looking path "
        "segments shortened to their first characters). Null if uploaded, and for "
        "everyone else."
    )
    def url(root: strawberry.Parent[models.ExternalCalendar], info: Info) -> str | None:
        return shown_url(root.url, info.context.actor)

    @strawberry.field(
        description="Why the last refresh failed (the old events were kept); null when it "
        "succeeded."
    )
    def last_error(root: strawberry.Parent[models.ExternalCalendar]) -> str | None:
        return root.last_error or None

    @strawberry.field(description="Events stored (a recurring event counts once).")
    def event_count(root: strawberry.Parent[models.ExternalCalendar], info: Info) -> int:
        return info.context.served(EventCountByCalendarIdLoader, root.pk)
