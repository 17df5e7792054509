"""Root query listing imported calendars (any signed-in user may read them)."""

from __future__ import annotations

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.mutations import require_actor
from schema.core.root_lists import root_connection
from schema.external_calendars.types import ExternalCalendar
from server import models
from server.listing import BY_NAME


@strawberry.type
class ExternalCalendarQueries:
    @strawberry.field(
        description="Imported calendars by name (archived ones only when asked). Cursor pagination."
    )
    async def external_calendars(
        self,
        info: Info,
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ExternalCalendar]:
        require_actor(info)
        queryset = models.ExternalCalendar.all()
        if not include_archived:
            queryset = queryset.filter(archived_at__isnull=True)
        return await root_connection(info, queryset, BY_NAME, first, after, last, before)
