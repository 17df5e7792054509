"""Restoring an archived goal, key result, campaign, task or milestone: the undo of an
archive. It takes the same right as archiving (`fetch_for_write`), names the version it
read, and is refused while the row hangs under something that is itself archived, so a
restored row never points into archived work."""

from __future__ import annotations

from server import models
from server.permissions import Actor
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import check_version, fetch_for_write, save_changes, transactional

# What each kind hangs under: attribute -> (container model, how a person names it).
CONTAINERS: dict[type[models.Entity], dict[str, tuple[type[models.Entity], str]]] = {
    models.Goal: {
        "parent_id": (models.Goal, "parent goal"),
        "owner_team_id": (models.Team, "team"),
    },
    models.KeyResult: {"goal_id": (models.Goal, "goal")},
    models.Campaign: {"owner_team_id": (models.Team, "team")},
    models.Task: {
        "campaign_id": (models.Campaign, "campaign"),
        "key_result_id": (models.KeyResult, "key result"),
        "team_id": (models.Team, "team"),
    },
    models.Milestone: {
        "campaign_id": (models.Campaign, "campaign"),
        "key_result_id": (models.KeyResult, "key result"),
        "team_id": (models.Team, "team"),
    },
}

RESTORABLE = tuple(CONTAINERS)


@transactional
async def restore(actor: Actor, model: type[models.Entity], pk: int, version: int) -> models.Entity:
    """Bring an archived row back (idempotent: a live row is returned unchanged)."""
    row = await fetch_for_write(actor, model, pk, live=False)
    check_version(row, version)
    if row.archived_at is None:
        return row
    check = Checker()
    for attribute, (container, name) in CONTAINERS[model].items():
        key = getattr(row, attribute)
        if key is not None and await container.filter(id=key, archived_at__isnull=False).exists():
            check.fail(
                "id",
                UserErrorCode.ARCHIVED,
                f"Its {name} is archived; restore the {name} first.",
            )
    check.done()
    return await save_changes(actor, row, version, {"archived_at": None})
