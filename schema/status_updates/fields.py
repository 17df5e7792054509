"""Fields that put status updates on goals, key results and campaigns.

This module deliberately avoids `from __future__ import annotations`: the resolvers
built here carry real annotations that Strawberry reads at schema build time.
"""

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from schema.core.context import Info
from schema.core.edges import to_many
from schema.core.loaders import ModelServed
from schema.rollups.fields import Computed
from schema.rollups.loaders import with_rollups

if TYPE_CHECKING:
    from schema.status_updates.types import StatusUpdate

StatusUpdateRef = Annotated["StatusUpdate", strawberry.lazy("schema.status_updates.types")]


def status_updates_field(loader: type[ModelServed]) -> Any:
    return to_many(loader, StatusUpdateRef, "Owners' status updates, oldest first.")


def latest_status_update_field(loader: type[ModelServed]) -> Any:
    def latest(root: strawberry.Parent[Any], info: Info) -> StatusUpdateRef | None:
        updates = info.context.served(loader, root.pk)
        return updates[-1] if updates else None

    return strawberry.field(
        resolver=latest, description="The latest status update, shown beside `health`."
    )


def health_disagrees_field(of: Computed, loader: type[ModelServed]) -> Any:
    """Whether the latest update's reported health differs from the health computed
    now: the disagreement is itself a signal. Null without an update."""

    def disagrees(root: strawberry.Parent[Any], info: Info) -> bool | None:
        updates = info.context.served(loader, root.pk)
        if not updates:
            return None
        reported = updates[-1].health.value
        return with_rollups(
            info, of.sections, lambda computed: of.compute(computed, root.pk).health != reported
        )

    return strawberry.field(
        resolver=disagrees,
        description="True when the latest status update reports another health than "
        "`health` (computed now); null without an update.",
    )
