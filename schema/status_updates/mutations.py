"""statusUpdatePost: an owner's written update on a goal, key result or campaign."""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import MAX_DATABASE_ID, decode_global_id
from schema.core.mutations import UserError, perform
from schema.rollups.loaders import rollups
from schema.status_updates.types import ReportedHealth, StatusUpdate
from server.rollups import engine
from server.writes import status_updates
from server.writes.status_updates import MAX_BODY


@strawberry.input(description="A status update on a goal, key result or campaign.")
class StatusUpdatePostInput:
    node_id: strawberry.ID = strawberry.field(description="The goal, key result or campaign.")
    health: ReportedHealth = strawberry.field(  # type: ignore[valid-type]
        description="The health you report."
    )
    body: str = strawberry.field(description=f"Markdown, at most {MAX_BODY} characters.")


@strawberry.type(description="The outcome of a status update.")
class StatusUpdatePayload:
    status_update: StatusUpdate | None = strawberry.field(
        description="The update posted; null when it was refused."
    )
    user_errors: list[UserError]


def target_of(node_id: strawberry.ID) -> tuple[str, int]:
    """The node's type name and key; a malformed ID names nothing (NOT_FOUND)."""
    try:
        type_name, pk = decode_global_id(node_id)
    except BadUserInput:
        return "Goal", 0
    return type_name, pk if pk <= MAX_DATABASE_ID else 0


async def computed_health(info: Info, type_name: str, pk: int) -> str | None:
    """The health computed now for the node, recorded beside the reported one."""
    if info.context.snapshot is None:
        return None
    computed = await rollups(info, (*engine.PROGRESS, *engine.CAMPAIGN_PROGRESS))
    graph = computed.graph
    if type_name == "Goal" and pk in graph.goals:
        return computed.goal_progress(pk).health.value
    if type_name == "KeyResult" and pk in graph.key_results:
        return computed.key_result_progress(pk).health.value
    if type_name == "Campaign" and pk in graph.campaigns:
        return computed.campaign_progress(pk).health.value
    return None


@strawberry.type
class StatusUpdateMutations:
    @strawberry.mutation(
        description="Post a status update on a goal, key result or campaign (allowed to "
        "whoever may edit it); it shows beside the computed health."
    )
    async def status_update_post(
        self, info: Info, input: StatusUpdatePostInput
    ) -> StatusUpdatePayload:
        type_name, pk = target_of(input.node_id)
        health = await computed_health(info, type_name, pk)
        return await perform(
            info,
            StatusUpdatePayload,
            "status_update",
            lambda actor: status_updates.post_status_update(
                actor,
                type_name,
                pk,
                health=input.health,
                body=input.body,
                computed_health=health,
            ),
        )
