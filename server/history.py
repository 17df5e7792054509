"""The audit history: every change of every node, with each field before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from server import clock, models
from server.enums import HistoryAction
from server.events.log import append_derived

# Bookkeeping, not edits: the token epoch moves when sessions end (recorded as such).
# Whether a user is a service account never changes; its creation records it once. A
# webhook's signing secrets are kept to sign with; the history must not repeat them.
NOT_RECORDED = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "password_hash",
        "token_epoch",
        "service_account",
        "signing_secret",
        "previous_signing_secret",
    }
)


def plain(value: Any) -> Any:
    """A JSON-ready form of a column value (decimals and dates as ISO text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def recorded_fields(row: Model) -> list[str]:
    """Column attributes worth recording (foreign keys by their `<name>_id`)."""
    return [name for name in row._meta.fields_db_projection if name not in NOT_RECORDED]


def snapshot(row: Model) -> dict[str, Any]:
    return {name: plain(getattr(row, name)) for name in recorded_fields(row)}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields whose value changed, each as {before, after}."""
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


async def record(
    actor_id: int | None,
    row: Model,
    action: HistoryAction,
    changes: dict[str, dict[str, Any]],
) -> models.HistoryEntry:
    """Record a change, and the events it stands for (`server.events`), in the caller's
    transaction: a write that rolls back leaves neither."""
    at = clock.now()
    entry = await models.HistoryEntry.create(
        node_type=type(row).__name__,
        node_id=row.pk,
        actor_id=actor_id,
        at=at,
        action=action,
        changes=changes,
    )
    await append_derived(actor_id, type(row).__name__, row.pk, action, changes, at)
    return entry


def created(row: Model) -> dict[str, dict[str, Any]]:
    """The changes of a creation: every recorded field from nothing."""
    return {
        name: {"before": None, "after": value}
        for name, value in snapshot(row).items()
        if value not in (None, "")
    }
