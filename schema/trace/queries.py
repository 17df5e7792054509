"""The `trace` root query."""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.node import load_node
from schema.trace.types import Trace
from server import trace as tracing


@strawberry.type
class TraceQueries:
    @strawberry.field(
        description="Every path from a goal, key result, campaign, task, "
        "milestone, check-in, alignment, spend or result entry up to the "
        "top-level objectives; null when the ID names nothing."
    )
    def trace(self, info: Info, id: strawberry.ID) -> Trace | None:
        row = load_node(info, id)
        if row is None:
            return None
        if not isinstance(row, tracing.TRACEABLE):
            raise BadUserInput(
                f"A {type(row).__name__} is not work or an objective and cannot be traced.",
                argument="id",
            )
        return Trace(result=tracing.trace(info.context.require_snapshot(), row))
