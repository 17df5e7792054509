"""Root queries of webhooks: your endpoints, and each one's deliveries."""

from __future__ import annotations

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.errors import Forbidden, NotFound
from schema.core.mutations import require_actor, target_of
from schema.core.root_lists import root_connection
from schema.webhooks.types import Webhook, WebhookDelivery, WebhookDeliveryStatus
from server import models
from server.listing import BY_ID


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="Your webhook endpoints, oldest first (deleted ones are gone). "
        "Administrators may pass `everyone: true` to list every user's. Cursor pagination."
    )
    async def webhooks(
        self,
        info: Info,
        everyone: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Webhook]:
        actor = require_actor(info)
        if everyone and not actor.is_admin:
            raise Forbidden("Only an administrator may list everyone's webhooks.")
        queryset = models.WebhookEndpoint.filter(archived_at__isnull=True)
        if not everyone:
            queryset = queryset.filter(owner_id=actor.user_id)
        return await root_connection(info, queryset, BY_ID, first, after, last, before)

    @strawberry.field(
        description="The deliveries of one of your endpoints, oldest first, each with its "
        "attempts; narrowed to one status when given. Cursor pagination."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: strawberry.ID,
        status: WebhookDeliveryStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WebhookDelivery]:
        actor = require_actor(info)
        endpoint_id = target_of(webhook_id, "Webhook")
        endpoint = await models.WebhookEndpoint.filter(
            id=endpoint_id, archived_at__isnull=True
        ).first()
        if not actor.is_admin and (endpoint is None or endpoint.owner_id != actor.user_id):
            raise Forbidden("You may read the deliveries of your own webhooks only.")
        if endpoint is None:
            raise NotFound("The Webhook you named does not exist.")
        queryset = models.WebhookDelivery.filter(endpoint_id=endpoint.pk)
        if status is not None:
            queryset = queryset.filter(status=status.value)
        return await root_connection(info, queryset, BY_ID, first, after, last, before)
