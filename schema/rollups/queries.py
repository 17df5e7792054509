"""Root queries: `risks(filter:)` and `portfolio(period:)`."""

from __future__ import annotations

import strawberry

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import decode_id_of
from schema.core.inputs import DateRange, fiscal_of, ids_of, span
from schema.rollups.loaders import rollups
from schema.rollups.portfolio import Portfolio
from schema.rollups.risks import Risk, RiskKind, RiskSeverity
from server.rollups import engine
from server.rollups.risks import RiskFilter as DomainRiskFilter

MAX_PORTFOLIO_DAYS = 3660


@strawberry.input(description="Which risks to list; every condition given must hold.")
class RiskFilter:
    severity: RiskSeverity | None = strawberry.field(
        default=None, description="At least this severe."
    )
    kinds: list[RiskKind] | None = None
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Risks touching something these teams own (or people on them).",
    )
    under: strawberry.ID | None = strawberry.field(
        default=None, description="Risks touching the subtree of this goal."
    )


@strawberry.type
class RollupQueries:
    @strawberry.field(
        description="Risks across the organisation, most severe first. Cursor pagination."
    )
    async def risks(
        self,
        info: Info,
        filter: RiskFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Risk]:
        page = page_args(first, after, last, before)
        f = filter or RiskFilter()
        criteria = DomainRiskFilter(
            severity=f.severity,
            kinds=f.kinds,
            team_ids=ids_of(f.teams, "Team"),
            under=decode_id_of(f.under, "Goal") if f.under is not None else None,
        )
        computed = await rollups(info, engine.RISKS)
        return connection_from_list(computed.risks(criteria), page, lambda r: Risk(item=r))

    @strawberry.field(
        description="Money and results of a period (both dates included), in total, by "
        "team, by channel and by goal category."
    )
    async def portfolio(self, info: Info, period: DateRange) -> Portfolio:
        start, end = span(period, "period", fiscal_of(info)) or (None, None)
        if start is None or end is None:
            raise BadUserInput("`period` needs both a start and an end.", argument="period")
        if (end - start).days >= MAX_PORTFOLIO_DAYS:
            raise BadUserInput(
                f"`period` may span at most {MAX_PORTFOLIO_DAYS} days.", argument="period"
            )
        computed = await rollups(info, engine.PORTFOLIO)
        names = {pk: team.name for pk, team in computed.graph.teams.items()}
        return Portfolio(result=computed.portfolio(start, end), team_names=names)
