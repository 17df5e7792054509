"""GraphQL types of the computed side: health, progress breakdowns, money, risks, workload."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.node import Node
from schema.rollups.loaders import load_rows
from server.rollups import progress as domain
from server.rollups.arithmetic import amount, fraction

Health = strawberry.enum(
    domain.Health,
    description="How progress compares with the elapsed share of the period "
    "(thresholds in README, 'Progress, health and risk').",
)


@strawberry.type(description="One child's part in its parent's progress.")
class ProgressContribution:
    item: strawberry.Private[domain.Contribution]

    @strawberry.field(description="The key result, child goal or task.")
    def node(self, info: Info) -> Node:
        return (load_rows(info, [self.item.node]))[0]

    @strawberry.field(description="Its weight (a task's estimated hours).")
    def weight(self) -> Decimal:
        return amount(self.item.weight)

    @strawberry.field(description="Its own progress, in [0, 1].")
    def progress(self) -> Decimal:
        return fraction(self.item.progress)

    @strawberry.field(
        description="Its weight over the total weight of what counts; the shares shown "
        "add up to 1 (rounded by largest remainder)."
    )
    def share(self) -> Decimal:
        return fraction(self.item.share)

    @strawberry.field(
        description="share x progress, rounded by largest remainder so that the "
        "contributions shown add up exactly to the progress shown."
    )
    def contribution(self) -> Decimal:
        return fraction(self.item.contribution)

    @strawberry.field(
        description="False when it measures nothing yet (an empty goal) or weighs 0: "
        "then it is listed but left out of the mean."
    )
    def counted(self) -> bool:
        return self.item.counted


@strawberry.type(description="Why a goal or campaign shows the progress it shows.")
class ProgressBreakdown:
    result: strawberry.Private[domain.Progress]

    @strawberry.field(description="The weighted mean: the sum of the contributions.")
    def progress(self) -> Decimal:
        return fraction(self.result.progress)

    @strawberry.field(description="Total weight of the contributions that count.")
    def total_weight(self) -> Decimal:
        return amount(self.result.total_weight)

    @strawberry.field(description="Every child, counted or not.")
    def items(self) -> list[ProgressContribution]:
        return [ProgressContribution(item=item) for item in domain.shown_contributions(self.result)]
