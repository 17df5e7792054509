"""An event as a live subscriber reads it: what webhooks carry, and the node itself as
it is after the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.history import FieldChange
from schema.core.ids import encode_global_id
from schema.core.node import NODE_TYPES, Node
from schema.core.refs import UserRef
from schema.org.loaders import UserByIdLoader
from schema.webhooks.types import WebhookEventType
from server import models
from server.events.catalogue import EventType
from server.events.payload import message_id


@strawberry.type(description="Something that happened, as it happened (see `events`).")
class LiveEvent:
    row: strawberry.Private[models.Event]

    @strawberry.field(description="`evt_<n>`, the same ID its webhook message carries.")
    def id(self) -> str:
        return message_id(self.row.id)

    @strawberry.field(description="What happened.")
    def type(self) -> WebhookEventType:  # type: ignore[valid-type]
        return EventType(self.row.type)

    @strawberry.field(description="When it was recorded.")
    def at(self) -> dt.datetime:
        return self.row.at

    @strawberry.field(description="The global ID of the object it is about.")
    def node_id(self) -> strawberry.ID:
        return strawberry.ID(encode_global_id(self.row.node_type, self.row.node_id))

    @strawberry.field(description="The type of the object it is about (`Task`, `SpendEntry`...).")
    def node_type(self) -> str:
        return self.row.node_type

    @strawberry.field(description="The object as it is after the change (null once it is deleted).")
    def node(self, info: Info) -> Node | None:
        spec = NODE_TYPES.get(self.row.node_type)
        return None if spec is None else info.context.served(spec.loader, self.row.node_id)

    @strawberry.field(
        description="Who made the change; null for computed events (risks, measured values)."
    )
    def actor(self, info: Info) -> UserRef | None:
        if self.row.actor_id is None:
            return None
        return info.context.served(UserByIdLoader, self.row.actor_id)

    @strawberry.field(
        description="The fields that changed, before and after, as webhooks send them."
    )
    def changes(self) -> list[FieldChange]:
        changes: dict[str, Any] = self.row.changes or {}
        return [
            FieldChange(
                field=name, before=(change or {}).get("before"), after=(change or {}).get("after")
            )
            for name, change in changes.items()
        ]
