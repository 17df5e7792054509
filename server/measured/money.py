"""Amounts of another currency brought into the currency a key result counts in.

Until exchange rates are known, an amount converts only into its own currency: an entry
in another currency is a gap the measurement names, never added as if it were the same
money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


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
