"""GraphQL types for money and results: one currency's amounts are never added to another's."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.enums import Channel, ResultMetric
from schema.core.money import Money
from schema.currency.types import ReportingMoney, reporting_money
from schema.rollups.loaders import thresholds_of
from server.rollups import money as domain
from server.rollups.arithmetic import amount, cents, fraction


def _money(bag: domain.Bag | None, currency: str | None) -> Money | None:
    if bag is None or currency is None:
        return None
    return Money(amount=cents(bag.get(currency)), currency=currency)


@strawberry.type(
    description="A result metric's total; a money metric (REVENUE) has one per currency."
)
class MetricTotal:
    metric: ResultMetric
    currency: str | None = strawberry.field(
        description="ISO 4217 code of a money metric's total; null for counted metrics."
    )
    value: Decimal = strawberry.field(
        description="Money to 2 decimal places; counts and measures to at most 4."
    )


def _metric_totals(results: Mapping[domain.ResultKey, Decimal]) -> list[MetricTotal]:
    """In the metric enum's order, then by currency."""
    order = {metric: n for n, metric in enumerate(ResultMetric)}
    totals = []
    for metric, currency in sorted(results, key=lambda key: (order[key[0]], key[1] or "")):
        value = results[metric, currency]
        shown = amount(value) if currency is None else cents(value)
        totals.append(MetricTotal(metric=metric, currency=currency, value=shown))
    return totals


@strawberry.type(description="The amounts of one currency.")
class CurrencyMoney:
    figures: strawberry.Private[domain.Figures]
    currency: str = strawberry.field(description="ISO 4217 code.")

    @strawberry.field(description="Null where budgets are not split (by channel).")
    def budget(self) -> Decimal | None:
        bag = self.figures.budget
        return None if bag is None else cents(bag.get(self.currency))

    @strawberry.field
    def spend_to_date(self) -> Decimal:
        return cents(self.figures.spend.get(self.currency))

    @strawberry.field
    def projected_spend(self) -> Decimal:
        return cents(self.figures.projected.get(self.currency))

    @strawberry.field
    def revenue(self) -> Decimal:
        return cents(self.figures.revenue.get(self.currency))

    @strawberry.field(description="(revenue - spend) / spend in this currency; null if 0 spent.")
    def roi(self) -> Decimal | None:
        value = self.figures.roi(self.currency)
        return None if value is None else fraction(value)


@strawberry.type(description="Money and results to date.")
class MoneyFigures:
    figures: strawberry.Private[domain.Figures]

    @strawberry.field(
        description="The one currency of every amount; null when there are none or "
        "several (then the single-currency fields are null: read `byCurrency`)."
    )
    def currency(self) -> str | None:
        return self.figures.currency

    @strawberry.field(description="Money spent, by entries dated up to today.")
    def spend_to_date(self) -> Money | None:
        return _money(self.figures.spend, self.figures.currency)

    @strawberry.field(description="Spend at the end date at the current burn rate.")
    def projected_spend(self) -> Money | None:
        return _money(self.figures.projected, self.figures.currency)

    @strawberry.field(
        description="REVENUE results, in the campaigns' currency; null when in several."
    )
    def revenue(self) -> Money | None:
        return _money(self.figures.revenue, self.figures.currency)

    @strawberry.field(description="LEADS results.")
    def leads(self) -> Decimal:
        return amount(self.figures.leads)

    @strawberry.field(description="Spend to date / leads; null without leads.")
    def cost_per_lead(self) -> Money | None:
        value = self.figures.cost_per_lead()
        if value is None:
            return None
        return Money(amount=cents(value), currency=self.figures.currency)

    @strawberry.field(description="(revenue - spend) / spend; null when nothing was spent.")
    def roi(self) -> Decimal | None:
        currency = self.figures.currency
        value = None if currency is None else self.figures.roi(currency)
        return None if value is None else fraction(value)

    @strawberry.field(
        description="Every metric with results, in the metric enum's order; a money "
        "metric once per currency, never added across currencies."
    )
    def results(self) -> list[MetricTotal]:
        return _metric_totals(self.figures.results)

    @strawberry.field(description="The amounts of each currency, by code.")
    def by_currency(self) -> list[CurrencyMoney]:
        return [CurrencyMoney(figures=self.figures, currency=c) for c in self.figures.currencies]

    @strawberry.field(
        description="The same figures converted into the organisation's reporting "
        "currency, with the rates used and any missing rate."
    )
    def reporting(self, info: Info) -> ReportingMoney:
        currency = thresholds_of(info).reporting_currency
        return reporting_money(self.figures.reported, self.figures.leads, currency)


@strawberry.type(description="Money and results of one channel (its spend and results).")
class ChannelMoney(MoneyFigures):
    channel: Channel | None = strawberry.field(
        description="Null for entries not attributed to a channel."
    )


@strawberry.type(
    description="Budget, spend, projected spend and results. For a key result or goal: "
    "each supporting campaign's figures times its alignment share, so a campaign "
    "aligned 60/40 counts 60% and 40%, never twice."
)
class MoneySummary(MoneyFigures):
    summary: strawberry.Private[domain.MoneySummary]

    @strawberry.field(description="Planned budget.")
    def budget(self) -> Money | None:
        return _money(self.figures.budget, self.figures.currency)

    @strawberry.field(description="The same figures by channel, unattributed last.")
    def by_channel(self) -> list[ChannelMoney]:
        channels = sorted(self.summary.channels.items(), key=lambda i: domain.channel_order(i[0]))
        return [ChannelMoney(figures=figures, channel=channel) for channel, figures in channels]


def money_summary(summary: domain.MoneySummary) -> MoneySummary:
    return MoneySummary(figures=summary.total, summary=summary)
