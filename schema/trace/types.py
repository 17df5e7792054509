"""GraphQL types for the trace of a node up to the objectives it serves."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.core.node import Node
from schema.core.refs import GoalRef
from server import trace as tracing


@strawberry.type(description="One chain from a node up to a top-level objective.")
class TracePath:
    path: strawberry.Private[tracing.TracePath]

    @strawberry.field(
        description="The nodes in order: the traced node first, the top-level objective last."
    )
    def nodes(self) -> list[Node]:
        return list(self.path.rows)

    @strawberry.field(
        description="Product of the alignment shares crossed on the way (1 when "
        "none): the part of the node's money and results this path carries."
    )
    def share(self) -> Decimal:
        return self.path.share

    @strawberry.field(description="The top-level objective this path reaches.")
    def objective(self) -> GoalRef:
        return self.path.rows[-1]


@strawberry.type(description="Every path from a node up to the top-level objectives it serves.")
class Trace:
    result: strawberry.Private[tracing.Trace]

    @strawberry.field(description="The traced node.")
    def node(self) -> Node:
        return self.result.origin

    @strawberry.field(description="False for work that reaches no goal at all.")
    def aligned(self) -> bool:
        return self.result.aligned

    @strawberry.field(
        description="All paths (a DAG: a campaign may support several key "
        "results, a task may sit on a campaign and a key result)."
    )
    def paths(self) -> list[TracePath]:
        return [TracePath(path=p) for p in self.result.paths]
