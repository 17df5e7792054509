"""GraphQL types for risks."""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.node import Node
from schema.rollups.loaders import load_rows
from server.rollups import risks as domain

RiskKind = strawberry.enum(domain.RiskKind, description="What kind of trouble a risk is.")
RiskSeverity = strawberry.enum(
    domain.Severity, name="RiskSeverity", description="How badly it needs attention."
)


@strawberry.type(description="A number behind a risk.")
class RiskFigure:
    name: str = strawberry.field(description="What it is, e.g. budget or daysOverdue.")
    value: str = strawberry.field(description="A decimal, an ISO date, a count or a code.")


@strawberry.type(description="Something that needs attention, and why.")
class Risk:
    item: strawberry.Private[domain.Risk]

    @strawberry.field
    def kind(self) -> RiskKind:
        return self.item.kind

    @strawberry.field
    def severity(self) -> RiskSeverity:
        return self.item.severity

    @strawberry.field(description="A sentence a person understands.")
    def message(self) -> str:
        return self.item.message

    @strawberry.field(description="The figures the risk was found from.")
    def figures(self) -> list[RiskFigure]:
        return [RiskFigure(name=f.name, value=f.value) for f in self.item.figures]

    @strawberry.field(description="The node it is about.")
    def node(self, info: Info) -> Node:
        return (load_rows(info, [self.item.node]))[0]

    @strawberry.field(
        description="Other nodes involved: the overdue tasks, the booked tasks, the "
        "conflicting campaign or launches."
    )
    def related(self, info: Info) -> list[Node]:
        return load_rows(info, list(self.item.related))
