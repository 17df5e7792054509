"""Amounts of another currency brought into the currency a key result counts in.

Conversion goes through the reporting currency's rate table (`server.currency`): an
amount dated D becomes reporting money at its currency's rate on or before D, then the
key result's currency at that currency's rate on or before D. A missing rate is a gap
the measurement names, never an amount added as if it were the same money. Without a
table, an amount converts only into its own currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from server.currency.rates import Gap, RateTable


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount in the counting currency, or why it could not be converted."""

    amount: Decimal | None
    gap: str | None = None


class Conversion(Protocol):
    def convert(self, amount: Decimal, currency: str, into: str, day: date) -> Converted: ...


class SameCurrencyOnly:
    """No rates: an amount counts only in its own currency."""

    def convert(self, amount: Decimal, currency: str, into: str, day: date) -> Converted:
        if currency == into:
            return Converted(amount)
        return Converted(
            None,
            f"is in {currency}, the key result counts {into}, and no exchange rate is known",
        )


SAME_CURRENCY_ONLY = SameCurrencyOnly()


class ThroughReporting:
    """Conversion with the rates into the reporting currency."""

    def __init__(self, table: RateTable) -> None:
        self.table = table

    def convert(self, amount: Decimal, currency: str, into: str, day: date) -> Converted:
        if currency == into:
            return Converted(amount)
        reporting = self.table.convert(amount, currency, day)
        if isinstance(reporting, Gap):
            return Converted(None, f"has no exchange rate for {currency} on or before {day}")
        if into == self.table.reporting:
            return Converted(reporting.amount)
        rate = self.table.rate_on(into, day)
        if rate is None or rate.rate == 0:
            return Converted(
                None, f"is in {currency}; {into} has no exchange rate on or before {day}"
            )
        return Converted(reporting.amount / rate.rate)
