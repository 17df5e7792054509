"""GraphQL types for the trace of a node up to the objectives it serves."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.node import Node
from schema.core.refs import GoalRef, KeyResultRef
from schema.rollups.loaders import load_rows, with_rollups
from server import models
from server import trace as tracing
from server.measured.moves import Move, moves
from server.rollups import engine
from server.rollups.arithmetic import amount, fraction


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


@strawberry.type(description="A measured key result an entry's value reaches.")
class MovedKeyResult:
    move: strawberry.Private[Move]

    @strawberry.field(description="The key result measured from the entry's campaign.")
    def key_result(self, info: Info) -> KeyResultRef:
        return load_rows(info, [(models.KeyResult, self.move.key_result_id)])[0]

    @strawberry.field(description="The share of the campaign aligned to it.")
    def share(self) -> Decimal:
        return fraction(self.move.share)

    @strawberry.field(
        description="The entry's amount as counted there (converted for money); null when "
        "it is left out, with `reason`."
    )
    def amount(self) -> Decimal | None:
        return None if self.move.amount is None else amount(self.move.amount)

    @strawberry.field(description="amount x share: what it adds to the key result's formula.")
    def contribution(self) -> Decimal | None:
        found = self.move.contribution
        return None if found is None else amount(found)

    @strawberry.field(description="Why it is left out (an amount without an exchange rate).")
    def reason(self) -> str | None:
        return self.move.reason


ENTRIES = {models.ResultEntry: "ResultEntry", models.SpendEntry: "SpendEntry"}


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

    @strawberry.field(
        description="For a result or spend entry: the measured key results whose value it "
        "moves (their formula reads its metric and it is dated in their period, up to "
        "today), by key result; empty for anything else."
    )
    def moved_key_results(self, info: Info) -> list[MovedKeyResult]:
        origin = self.result.origin
        kind = ENTRIES.get(type(origin))
        if kind is None or origin.archived_at is not None:
            return []
        entry = (kind, origin.pk)
        campaign_id = origin.campaign_id  # type: ignore[attr-defined]
        return with_rollups(
            info,
            engine.PROGRESS,
            lambda computed: [
                MovedKeyResult(move=move) for move in moves(computed, entry, campaign_id)
            ],
        )
