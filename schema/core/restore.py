"""`nodeUnarchive`: one mutation undoes the archive of any goal, key result, campaign,
task or milestone (the web client's Undo), through `server.writes.restore`."""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import MAX_DATABASE_ID, decode_global_id
from schema.core.mutations import UserError, perform
from schema.core.node import NODE_TYPES, Node
from server.writes import restore


@strawberry.input(description="The archived object to bring back, and the version you read.")
class NodeUnarchiveInput:
    id: strawberry.ID = strawberry.field(
        description="A goal, key result, campaign, task or milestone."
    )
    version: int


@strawberry.type
class NodeUnarchivePayload:
    node: Node | None = strawberry.field(description="The restored object.")
    user_errors: list[UserError]


def _target(global_id: str) -> tuple[type, int]:
    """The model and key an input ID names; an ID of another kind is bad input."""
    type_name, pk = decode_global_id(global_id)
    spec = NODE_TYPES.get(type_name)
    if spec is None or spec.model not in restore.RESTORABLE or pk > MAX_DATABASE_ID:
        raise BadUserInput("Only a goal, key result, campaign, task or milestone can be restored.")
    return spec.model, pk


@strawberry.type
class RestoreMutations:
    @strawberry.mutation(
        description="Restore an archived goal, key result, campaign, task or milestone "
        "(undo an archive). Refused (ARCHIVED) while what it hangs under is archived; "
        "restoring a live object changes nothing."
    )
    async def node_unarchive(self, info: Info, input: NodeUnarchiveInput) -> NodeUnarchivePayload:
        model, pk = _target(input.id)
        return await perform(
            info,
            NodeUnarchivePayload,
            "node",
            lambda actor: restore.restore(actor, model, pk, input.version),
        )
