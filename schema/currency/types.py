"""GraphQL types of the reporting currency: converted money, the rates it used, gaps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.core.money import Money
from server.currency import rates as domain
from server.rollups.arithmetic import cents, fraction
from server.rollups.reporting import Amount, Reported, reported_or_zeros

FIGURE_NAMES = {
    "budget": "budget",
    "spend": "spendToDate",
    "projected": "projectedSpend",
    "revenue": "revenue",
}
"""The API's name of each converted figure (`server.rollups.reporting.FIGURES`)."""


@strawberry.type(description="An exchange rate a converted figure used.")
class ExchangeRateUsed:
    currency: str = strawberry.field(description="ISO 4217 code converted from.")
    date: dt.date = strawberry.field(
        description="The rate's date: the latest on or before the amount's date."
    )
    rate: Decimal = strawberry.field(
        description="1 unit of `currency` = `rate` units of the reporting currency."
    )


@strawberry.type(
    description="Amounts that could not be converted: no rate of `currency` on or before "
    "`date`. The figures named have no total until such a rate is set."
)
class ExchangeRateGap:
    currency: str
    date: dt.date
    figures: list[str] = strawberry.field(
        description="The converted figures it leaves without a total (budget, spendToDate, "
        "projectedSpend, revenue)."
    )
    message: str


def plain_rate(value: Decimal) -> Decimal:
    """A stored rate without its trailing zeros, never in exponent form."""
    shown = value.normalize()
    return shown.quantize(Decimal(1)) if shown.as_tuple().exponent > 0 else shown  # type: ignore[operator]


def _money(amount: Amount | None, currency: str) -> Money | None:
    total = None if amount is None else amount.total
    return None if total is None else Money(amount=cents(total), currency=currency)


@strawberry.type(
    description="The figures converted into the organisation's reporting currency: each "
    "amount at the rate of its own date (spend and results) or of its campaign's start "
    "(budget), the latest rate on or before that date, then added up by the same shares. "
    "A figure with an amount no rate converts is null, and `gaps` says which rate is "
    "missing; never a total that silently left an amount out."
)
class ReportingMoney:
    reported: strawberry.Private[Reported]
    leads: strawberry.Private[Decimal]

    @strawberry.field(description="The reporting currency (ISO 4217).")
    def currency(self) -> str:
        return self.reported.currency

    @strawberry.field(description="Null where budgets are not split (by channel), or a gap.")
    def budget(self) -> Money | None:
        return _money(self.reported.budget, self.reported.currency)

    @strawberry.field
    def spend_to_date(self) -> Money | None:
        return _money(self.reported.spend, self.reported.currency)

    @strawberry.field
    def projected_spend(self) -> Money | None:
        return _money(self.reported.projected, self.reported.currency)

    @strawberry.field(description="REVENUE results.")
    def revenue(self) -> Money | None:
        return _money(self.reported.revenue, self.reported.currency)

    @strawberry.field(description="Spend to date / leads; null without leads or with a gap.")
    def cost_per_lead(self) -> Money | None:
        value = self.reported.cost_per_lead(self.leads)
        if value is None:
            return None
        return Money(amount=cents(value), currency=self.reported.currency)

    @strawberry.field(
        description="(revenue - spend) / spend; null when nothing was spent or with a gap."
    )
    def roi(self) -> Decimal | None:
        value = self.reported.roi()
        return None if value is None else fraction(value)

    @strawberry.field(description="True when every amount had a rate (no gaps).")
    def complete(self) -> bool:
        return not self.reported.gaps

    @strawberry.field(description="Every rate the figures used, by currency and date.")
    def rates_used(self) -> list[ExchangeRateUsed]:
        return [
            ExchangeRateUsed(currency=rate.currency, date=rate.date, rate=plain_rate(rate.rate))
            for rate in sorted(self.reported.rates)
        ]

    @strawberry.field(description="The missing rates, by currency and date.")
    def gaps(self) -> list[ExchangeRateGap]:
        return [_gap(self.reported, gap) for gap in self.reported.gaps]


def _gap(reported: Reported, gap: domain.Gap) -> ExchangeRateGap:
    figures = [FIGURE_NAMES[name] for name in reported.stopped_by(gap)]
    return ExchangeRateGap(currency=gap.currency, date=gap.on, figures=figures, message=gap.message)


def reporting_money(reported: Reported | None, leads: Decimal, currency: str) -> ReportingMoney:
    """Figures with nothing to add up (a goal without campaigns) are zeros."""
    return ReportingMoney(reported=reported_or_zeros(reported, currency), leads=leads)
