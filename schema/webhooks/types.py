"""GraphQL types of webhooks: endpoints, their deliveries and each delivery's attempts.

Endpoints and deliveries are private to the endpoint's owner (and administrators):
they are reached through `webhooks` and `webhookDeliveries`, not `node(id:)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import strawberry
from strawberry.scalars import JSON

from schema.core.context import Info
from schema.core.edges import to_one
from schema.core.ids import encode_global_id
from schema.core.node import Node, Versioned
from schema.core.refs import UserRef
from schema.feeds.types import private_node
from schema.org.loaders import UserByIdLoader
from schema.webhooks.loaders import attempts_by_delivery
from server import models
from server.events.catalogue import EventType
from server.webhooks.criteria import Criteria, NodeType
from server.webhooks.delivery import DeliveryStatus

WebhookEventType = strawberry.enum(
    EventType,
    name="WebhookEventType",
    description="What happened; the payload's `type` is the value's dotted name "
    "(GOAL_CREATED is `goal.created`, CALENDAR_ENTRY_MOVED is `calendarEntry.moved`).",
)


WebhookNodeType = strawberry.enum(
    NodeType, name="WebhookNodeType", description="The kinds of object events are about."
)
WebhookDeliveryStatus = strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="QUEUED (behind an earlier event of the same object), PENDING (due, or "
    "waiting for a retry), SENDING, DELIVERED, or FAILED (given up after the last retry; "
    "the object's later events went on).",
)


@strawberry.type(description="Which events an endpoint receives.")
class WebhookFilterView:
    teams: list[strawberry.ID] | None = strawberry.field(
        description="Teams whose objects are sent (null: every team's)."
    )
    node_types: list[WebhookNodeType] | None = strawberry.field(  # type: ignore[valid-type]
        description="Kinds of object whose events are sent (null: every kind)."
    )


@strawberry.type(
    description="An address that receives signed events (Standard Webhooks). Its signing "
    "secret is shown only when it is made or rotated."
)
@private_node(models.WebhookEndpoint)
class Webhook(Node, Versioned):
    url: str
    enabled: bool = strawberry.field(
        description="A disabled endpoint receives nothing; `disabledReason` says why."
    )
    consecutive_failures: int = strawberry.field(
        description="Deliveries failed in a row (0 after any success)."
    )
    failing_since: dt.datetime | None = strawberry.field(
        description="When the current run of failures began."
    )
    previous_secret_until: dt.datetime | None = strawberry.field(
        description="Until when the secret replaced by the last rotation still signs."
    )
    owner = to_one(UserByIdLoader, "owner_id", UserRef, "Who registered it.")

    @strawberry.field(description="Why it was disabled; null while enabled.")
    def disabled_reason(root: strawberry.Parent[Any]) -> str | None:
        return None if root.enabled else root.disabled_reason or None

    @strawberry.field(description="The event types sent (null: every type).")
    def events(root: strawberry.Parent[Any]) -> list[WebhookEventType] | None:  # type: ignore[valid-type]
        return [EventType(value) for value in root.events] if root.events else None

    @strawberry.field(description="Which teams and kinds of object are sent.")
    def filter(root: strawberry.Parent[Any]) -> WebhookFilterView:
        criteria = Criteria.of(root)
        teams = criteria.teams
        return WebhookFilterView(
            teams=None
            if teams is None
            else [strawberry.ID(encode_global_id("Team", pk)) for pk in teams],
            node_types=None
            if criteria.node_types is None
            else [NodeType(value) for value in criteria.node_types],
        )


@strawberry.type(description="One try at sending a delivery.")
class WebhookAttempt:
    at: dt.datetime
    succeeded: bool
    status_code: int | None = strawberry.field(description="The HTTP status answered, if any.")
    latency_ms: int = strawberry.field(description="Milliseconds until the answer or failure.")

    @strawberry.field(description="What went wrong; null when it succeeded.")
    def error(root: strawberry.Parent[Any]) -> str | None:
        return root.error or None


@strawberry.type(description="One event on its way to one endpoint.")
@private_node(models.WebhookDelivery)
class WebhookDelivery(Node):
    next_attempt_at: dt.datetime = strawberry.field(description="When it is next due, if pending.")
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @strawberry.field(description="Where it stands.")
    def status(root: strawberry.Parent[Any]) -> WebhookDeliveryStatus:  # type: ignore[valid-type]
        return DeliveryStatus(root.status)

    @strawberry.field(description="Tries so far.")
    def attempt_count(root: strawberry.Parent[Any]) -> int:
        return root.attempts

    @strawberry.field(description="The node the event is about.")
    def node_id(root: strawberry.Parent[Any]) -> strawberry.ID:
        node_type, _, pk = root.node_key.partition(":")
        return strawberry.ID(encode_global_id(node_type, int(pk)))

    @strawberry.field(description="The event type (the payload's `type`).")
    def event_type(root: strawberry.Parent[Any]) -> str:
        return orjson.loads(root.body)["type"]

    @strawberry.field(description="The JSON body sent, exactly as signed.")
    def payload(root: strawberry.Parent[Any]) -> JSON:
        return orjson.loads(root.body)

    @strawberry.field(
        description="Every try, oldest first (at most the retry limit, and redeliveries)."
    )
    async def attempts(root: strawberry.Parent[Any], info: Info) -> list[WebhookAttempt]:
        return await info.context.loaders.data_loader(attempts_by_delivery).load(root.id)
