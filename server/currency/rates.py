"""`RateTable`: which exchange rate applies to an amount of a currency on a date.

Semantics, used everywhere: a rate of currency C on day D says that 1 unit of C is worth
`rate` units of the reporting currency. An amount dated D converts at the latest rate
of its currency dated on or before D (the common convention: a rate holds until the
next one is published, so a weekend or holiday uses the last working day's rate). No
rate on or before D is a `Gap`, never a silent zero or a later rate. The reporting
currency converts to itself at 1 and needs no rate.

    table = RateTable("USD", rows)
    table.convert(Decimal("100"), "EUR", date(2027, 1, 5))
    # Converted(amount=Decimal("110.00"), currency="USD", rate=Rate("EUR", 2027-01-04, 1.1))
    # or Gap(currency="EUR", on=2027-01-05) when no EUR rate is dated on or before it

The rollups engine holds the table of its data version and reporting currency as
`Rollups.rates` (built from the read model's RATES section): computations convert
through it, so a rate written recomputes what they found (`server.rollups.carry`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True, order=True)
class RateRow:
    """A stored rate as the read model hands it on: 1 `currency` = `rate` `quote` on
    `date`."""

    currency: str
    quote: str
    date: date
    rate: Decimal


@dataclass(frozen=True, slots=True, order=True)
class Rate:
    """The rate a conversion used: 1 `currency` = `rate` of the reporting currency, as
    set for `date` (on or before the amount's date)."""

    currency: str
    date: date
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount in the reporting currency; `rate` is None for an amount that was in
    the reporting currency already."""

    amount: Decimal
    currency: str
    rate: Rate | None


@dataclass(frozen=True, slots=True, order=True)
class Gap:
    """No rate of `currency` dated on or before `on`: the amount could not be converted."""

    currency: str
    on: date

    @property
    def message(self) -> str:
        return f"No exchange rate for {self.currency} on or before {self.on.isoformat()}."


class RateTable:
    """The rates into one reporting currency, by currency and date (rates set for
    another quote currency are ignored). Immutable; built once per data version."""

    def __init__(self, reporting: str, rows: Iterable[RateRow] = ()) -> None:
        self.reporting = reporting
        by_currency: dict[str, list[tuple[date, Decimal]]] = {}
        for row in rows:
            if row.quote == reporting and row.currency != reporting:
                by_currency.setdefault(row.currency, []).append((row.date, row.rate))
        self._dates: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, found in by_currency.items():
            found.sort()
            self._dates[currency] = [day for day, _ in found]
            self._rates[currency] = [rate for _, rate in found]

    def rate_on(self, currency: str, on: date) -> Rate | None:
        """The rate that applies to an amount of `currency` dated `on`: the latest dated
        on or before it; None when there is none (and for the reporting currency)."""
        dates = self._dates.get(currency)
        if not dates:
            return None
        at = bisect_right(dates, on)
        if at == 0:
            return None
        return Rate(currency, dates[at - 1], self._rates[currency][at - 1])

    def convert(self, amount: Decimal, currency: str, on: date) -> Converted | Gap:
        """`amount` of `currency`, dated `on`, in the reporting currency (exact: no
        rounding here), or the `Gap` that stops it."""
        if currency == self.reporting:
            return Converted(amount, self.reporting, None)
        rate = self.rate_on(currency, on)
        if rate is None:
            return Gap(currency, on)
        return Converted(amount * rate.rate, self.reporting, rate)

    def currencies(self) -> tuple[str, ...]:
        """Currencies with at least one rate into the reporting currency."""
        return tuple(sorted(self._dates))
