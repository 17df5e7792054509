"""Root queries: `organisation` (its reporting settings), `exchangeRates` and
`fiscalPeriods`, each answered from the read model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.inputs import fiscal_of, search_text
from schema.currency.types import plain_rate
from schema.rollups.loaders import thresholds_of
from server.currency.model import ExchangeRate as Rate
from server.periods.fiscal import Period, PeriodKind
from server.periods.with_work import periods_in
from server.read_model import Snapshot

FiscalPeriodKind = strawberry.enum(PeriodKind, description="A fiscal year, half or quarter.")


@strawberry.type(description="Settings of the organisation that shape what the API computes.")
class Organisation:
    reporting_currency: str = strawberry.field(
        description="Every money figure is also converted into this currency (`reporting`)."
    )
    fiscal_year_start_month: int = strawberry.field(
        description="The first month of the fiscal year (1 = January). A fiscal year is "
        "named after the year it ends in: starting in April, FY2027 runs from 2026-04-01 "
        "to 2027-03-31."
    )


@strawberry.type(description="1 unit of `currency` = `rate` units of `quote` from `date` on.")
class ExchangeRate:
    row: strawberry.Private[Rate]

    @strawberry.field(description="ISO 4217 code converted from.")
    def currency(self) -> str:
        return self.row.currency

    @strawberry.field(description="ISO 4217 code converted to: the reporting currency.")
    def quote(self) -> str:
        return self.row.quote

    @strawberry.field(
        description="From this day on, until the currency's next rate, amounts convert at it."
    )
    def date(self) -> dt.date:
        return self.row.date

    @strawberry.field
    def rate(self) -> Decimal:
        return plain_rate(self.row.rate)

    @strawberry.field(description="Where it came from: manual, or ecb-csv for an import.")
    def source(self) -> str:
        return self.row.source

    @strawberry.field
    def updated_at(self) -> dt.datetime:
        return self.row.updated_at


@strawberry.type(description="A fiscal year or quarter.")
class FiscalPeriod:
    period: strawberry.Private[Period]

    @strawberry.field(description="`FY2027` or `FY2027-Q1`: what `period` arguments take.")
    def name(self) -> str:
        return self.period.name

    @strawberry.field
    def kind(self) -> FiscalPeriodKind:  # type: ignore[valid-type]
        return self.period.kind

    @strawberry.field
    def start(self) -> dt.date:
        return self.period.start

    @strawberry.field
    def end(self) -> dt.date:
        return self.period.end


def _rates_listed(snapshot: Snapshot, quote: str) -> list[Rate]:
    """The rates into `quote`, by currency, latest first (kept per snapshot)."""

    def build(s: Snapshot) -> list[Rate]:
        rows = [row for row in s.table(Rate).values() if row.quote == quote]
        rows.sort(key=lambda row: (row.date, row.pk), reverse=True)
        rows.sort(key=lambda row: row.currency)
        return rows

    return snapshot.index(f"currency.rates.{quote}", ("exchange_rate",), build)


@strawberry.type
class CurrencyQueries:
    @strawberry.field(description="The organisation's reporting currency and fiscal year.")
    def organisation(self, info: Info) -> Organisation:
        return Organisation(
            reporting_currency=thresholds_of(info).reporting_currency,
            fiscal_year_start_month=fiscal_of(info).start_month,
        )

    @strawberry.field(
        description="The exchange rates into the reporting currency, by currency, latest "
        "first. Cursor pagination."
    )
    def exchange_rates(
        self,
        info: Info,
        currency: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ExchangeRate]:
        page = page_args(first, after, last, before)
        rows = _rates_listed(
            info.context.require_snapshot(), thresholds_of(info).reporting_currency
        )
        code = search_text(currency, "currency", 3)
        if code is not None:
            rows = [row for row in rows if row.currency == code.strip().upper()]
        return connection_from_list(rows, page, lambda row: ExchangeRate(row=row))

    @strawberry.field(
        description="Every fiscal year holding work (goals, campaigns, milestones, tasks, "
        "spend or results), each followed by its quarters holding work: what a period "
        "filter offers. Their names are what `period` arguments take."
    )
    def fiscal_periods(self, info: Info) -> list[FiscalPeriod]:
        found = periods_in(info.context.require_snapshot(), fiscal_of(info))
        return [FiscalPeriod(period=period) for period in found]
