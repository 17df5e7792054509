"""Root query listing calendar feeds: the caller's own, or everyone's for an admin."""

from __future__ import annotations

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.errors import Forbidden
from schema.core.mutations import require_actor
from schema.core.root_lists import root_connection
from schema.feeds.types import CalendarFeed
from server import models
from server.listing import BY_NAME


@strawberry.type
class FeedQueries:
    @strawberry.field(
        description="Your calendar feeds by name (revoked ones only when asked). "
        "Administrators may pass `everyone: true` to list every user's feeds. "
        "Cursor pagination."
    )
    async def calendar_feeds(
        self,
        info: Info,
        include_revoked: bool = False,
        everyone: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CalendarFeed]:
        actor = require_actor(info)
        if everyone and not actor.is_admin:
            raise Forbidden("Only an administrator may list everyone's calendar feeds.")
        queryset = models.CalendarFeed.all()
        if not everyone:
            queryset = queryset.filter(owner_id=actor.user_id)
        if not include_revoked:
            queryset = queryset.filter(archived_at__isnull=True)
        return await root_connection(info, queryset, BY_NAME, first, after, last, before)
