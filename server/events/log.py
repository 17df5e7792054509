"""Writing events: inside the transaction of the change they describe, one by one
(`server.history.record`) or in bulk beside history entries written in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from server import models
from server.enums import HistoryAction
from server.events.catalogue import EventType, derive
from server.events.fields import api_changes
from server.live.commits import events_written


async def append_derived(
    actor_id: int | None,
    node_type: str,
    node_id: int,
    action: HistoryAction,
    changes: dict[str, dict[str, Any]],
    at: datetime,
) -> None:
    """Write the events a recorded change stands for (none for most bookkeeping)."""
    derived = derive(node_type, action, changes)
    if not derived:
        return
    events_written()
    await models.Event.bulk_create(
        [
            models.Event(
                type=event_type.value,
                node_type=node_type,
                node_id=node_id,
                actor_id=actor_id,
                at=at,
                changes=api_changes(node_type, carried),
            )
            for event_type, carried in derived
        ]
    )


def events_of(entries: Iterable[models.HistoryEntry]) -> list[models.Event]:
    """The events history entries stand for, unsaved: for writes that insert their
    history in bulk, which then insert these in bulk too, in the same transaction."""
    return [
        models.Event(
            type=event_type.value,
            node_type=entry.node_type,
            node_id=entry.node_id,
            actor_id=entry.actor_id,
            at=entry.at,
            changes=api_changes(entry.node_type, carried),
        )
        for entry in entries
        for event_type, carried in derive(entry.node_type, entry.action, entry.changes or {})
    ]


async def append_for_entries(
    entries: Iterable[models.HistoryEntry], batch_size: int = 1000
) -> None:
    """Write the events of history entries written in bulk (one INSERT per batch)."""
    found = events_of(entries)
    if found:
        events_written()
        await models.Event.bulk_create(found, batch_size=batch_size)


async def append(
    event_type: EventType,
    node_type: str,
    node_id: int,
    changes: dict[str, dict[str, Any]],
    at: datetime,
    actor_id: int | None = None,
) -> models.Event:
    """Write one event that no recorded change stands for (a risk raised or cleared)."""
    events_written()
    return await models.Event.create(
        type=event_type.value,
        node_type=node_type,
        node_id=node_id,
        actor_id=actor_id,
        at=at,
        changes=changes,
    )


async def append_all(found: list[models.Event], batch_size: int = 1000) -> None:
    """Write events no recorded change stands for, in bulk (a computed value moved on
    many key results at once: one INSERT per batch)."""
    if found:
        events_written()
        await models.Event.bulk_create(found, batch_size=batch_size)
