"""`viewerCan` on editable objects and on the root: the signed-in user's abilities as the
server's policy answers them (`server.abilities`), so a client asks instead of guessing."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.core.context import Info
from server.abilities import root_abilities, row_abilities


@strawberry.type(
    description="What the signed-in user may do with this object; the mutations apply "
    "the same rules."
)
class ObjectAbilities:
    update: bool = strawberry.field(description="Change its fields.")
    archive: bool = strawberry.field(description="Archive it, or restore it once archived.")
    create_children: bool = strawberry.field(
        description="Create work under it: key results and child goals under a goal, tasks, "
        "milestones under a key result, tasks, milestones, spend and "
        "results under a campaign. Always false for tasks and milestones."
    )


@strawberry.type(description="What the signed-in user may create or manage at the top level.")
class ViewerAbilities:
    create_goals: bool = strawberry.field(description="Create goals (for a team of theirs).")
    create_campaigns: bool = strawberry.field(
        description="Create campaigns (for a team of theirs)."
    )
    manage_external_calendars: bool = strawberry.field(
        description="List, add, refresh and archive imported calendars."
    )
    manage_organisation: bool = strawberry.field(description="Create and change teams and users.")


def _actor(info: Info) -> Any:
    actor = info.context.actor
    return actor.reading(info.context.snapshot) if actor is not None else None


@strawberry.interface(description="An object whose abilities the signed-in user may ask for.")
class Permitted:
    @strawberry.field(description="What the signed-in user may do with it.")
    async def viewer_can(root: strawberry.Parent[Any], info: Info) -> ObjectAbilities:
        can = await row_abilities(_actor(info), root)
        return ObjectAbilities(
            update=can.update, archive=can.archive, create_children=can.create_children
        )


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="What the signed-in user may create or manage.")
    async def viewer_can(self, info: Info) -> ViewerAbilities:
        can = await root_abilities(_actor(info))
        return ViewerAbilities(
            create_goals=can.create_goals,
            create_campaigns=can.create_campaigns,
            manage_external_calendars=can.manage_external_calendars,
            manage_organisation=can.manage_organisation,
        )
