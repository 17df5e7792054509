"""An event as it leaves the server: the Standard Webhooks message shape
(`type`, `timestamp`, `data`), with the node and the actor named by global ID."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from server import models
from server.global_ids import encode_global_id


def message_id(event_id: int) -> str:
    """Stable across retries and redeliveries: receivers deduplicate on it."""
    return f"evt_{event_id}"


def message(event: models.Event, actor_name: str | None) -> dict[str, Any]:
    actor = None
    if event.actor_id is not None:
        actor = {"id": encode_global_id("User", event.actor_id), "name": actor_name}
    return {
        "type": event.type,
        "timestamp": event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            "id": message_id(event.id),
            "node": {
                "id": encode_global_id(event.node_type, event.node_id),
                "type": event.node_type,
            },
            "actor": actor,
            "changes": event.changes,
        },
    }


async def actor_names(events: list[models.Event]) -> dict[int, str]:
    """The names of the events' actors, in one statement."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    return dict(await models.User.filter(id__in=sorted(ids)).values_list("id", "name"))
