"""`recentChanges`: what changed in the work (goals, key results, campaigns, tasks,
milestones) since a moment, newest first, for the overview's "since your last visit".

Read from the audit history with two statements (a count and a page), whatever the
size of the organisation; each change names its object as it is now, from the read
model.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.core.connection import Connection, build_connection, page_args
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.history import HistoryEntry
from schema.core.node import NODE_TYPES, Node
from server import models

WORK_TYPES = ("Goal", "KeyResult", "Campaign", "Task", "Milestone")


@strawberry.type(description="One recorded change of a piece of work, with the object itself.")
class RecentChange(HistoryEntry):
    node_type: str = strawberry.field(description="The object's type, e.g. `KeyResult`.")

    @strawberry.field(description="The object as it is now.")
    def node(root: strawberry.Parent[models.HistoryEntry], info: Info) -> Node | None:
        spec = NODE_TYPES.get(root.node_type)
        return None if spec is None else info.context.served(spec.loader, root.node_id)


@strawberry.type
class RecentChangeQueries:
    @strawberry.field(
        description="Changes to goals, key results, campaigns, tasks and milestones made "
        "after `since`, newest first (`first` at most 100 a page)."
    )
    async def recent_changes(
        self,
        info: Info,
        since: datetime,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[RecentChange]:
        if since.tzinfo is None:
            raise BadUserInput("`since` needs a time zone (e.g. `Z`).", argument="since")
        page = page_args(first, after, None, None)
        recent = models.HistoryEntry.filter(at__gt=since, node_type__in=WORK_TYPES)
        total = await recent.count()
        start, end = page.window(total)
        rows = (
            await recent.order_by("-at", "-id").offset(start).limit(end - start)
            if end > start
            else []
        )
        return build_connection(rows, start, total)
