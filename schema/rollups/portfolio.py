"""GraphQL types for the portfolio of a period."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.core.context import Info
from schema.core.enums import GoalCategory
from schema.core.refs import TeamRef
from schema.rollups.loaders import load_rows
from schema.rollups.money import ChannelMoney, MoneySummary, money_summary
from server import enums, models
from server.rollups import portfolio as domain


@strawberry.type(description="A team's campaigns in the period.")
class TeamMoney:
    team_id: strawberry.Private[int]
    money: MoneySummary

    @strawberry.field
    def team(self, info: Info) -> TeamRef:
        return (load_rows(info, [(models.Team, self.team_id)]))[0]


@strawberry.type(description="The campaigns serving goals of one category, by their shares.")
class CategoryMoney:
    category: GoalCategory | None = strawberry.field(
        description="Null for the part of campaigns that supports no key result."
    )
    money: MoneySummary


@strawberry.type(
    description="Money and results of a period. Budgets and projected spend are prorated "
    "by the share of each campaign's days inside the period; spend and results are the "
    "entries dated inside it, up to today."
)
class Portfolio:
    result: strawberry.Private[domain.Portfolio]
    team_names: strawberry.Private[dict[int, str]]

    @strawberry.field
    def start(self) -> date:
        return self.result.start

    @strawberry.field
    def end(self) -> date:
        return self.result.end

    @strawberry.field(description="Campaigns counted: running in the period or with entries.")
    def campaigns(self) -> int:
        return self.result.campaigns

    @strawberry.field
    def total(self) -> MoneySummary:
        return money_summary(self.result.total)

    @strawberry.field(description="By owner team, by name.")
    def by_team(self) -> list[TeamMoney]:
        teams = sorted(self.result.by_team, key=lambda pk: (self.team_names.get(pk, ""), pk))
        return [TeamMoney(team_id=pk, money=money_summary(self.result.by_team[pk])) for pk in teams]

    @strawberry.field(description="By channel of the spend and result entries.")
    def by_channel(self) -> list[ChannelMoney]:
        return money_summary(self.result.total).by_channel()

    @strawberry.field(description="By goal category, unaligned last.")
    def by_category(self) -> list[CategoryMoney]:
        order = list(enums.GoalCategory)
        keys = sorted(
            self.result.by_category, key=lambda c: len(order) if c is None else order.index(c)
        )
        return [
            CategoryMoney(category=c, money=money_summary(self.result.by_category[c])) for c in keys
        ]
