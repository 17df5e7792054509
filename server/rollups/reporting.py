"""Money in the reporting currency: each amount converted at the rate of its own date,
then added up like the native amounts (by the same alignment shares and prorations).

A campaign's spend and results convert at each entry's date, its budget at the
campaign's start date (`server.currency.rates` says which rate applies on a date).
Each figure keeps the rates it used and the gaps (amounts with no rate) that stop it:
a figure with a gap has no total, so an answer never shows a sum that silently left
an amount out; the gaps say which currency and date need a rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from server.currency.rates import Converted, Gap, Rate, RateTable
from server.rollups.arithmetic import ZERO

NO_GAPS: frozenset[Gap] = frozenset()
FIGURES = ("budget", "spend", "projected", "revenue")
"""The converted figures of `Reported`, by attribute name, in the order they are shown."""


@dataclass(frozen=True)
class Amount:
    """One figure in the reporting currency: the sum of what converted, and the gaps."""

    converted: Decimal = ZERO
    gaps: frozenset[Gap] = NO_GAPS

    @property
    def total(self) -> Decimal | None:
        """The figure, or None while any of its amounts has no rate."""
        return None if self.gaps else self.converted

    def scaled(self, factor: Decimal) -> Amount:
        return Amount(self.converted * factor, self.gaps)


@dataclass(frozen=True)
class Reported:
    """Budget, spend, projected spend and revenue in `currency`, with the rates used."""

    currency: str
    budget: Amount | None = None
    """None where budgets are not split (a channel's figures)."""
    spend: Amount = field(default_factory=Amount)
    projected: Amount = field(default_factory=Amount)
    revenue: Amount = field(default_factory=Amount)
    rates: frozenset[Rate] = frozenset()

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """Every gap of every figure, by currency and date."""
        amounts = [self.spend, self.projected, self.revenue]
        if self.budget is not None:
            amounts.append(self.budget)
        return tuple(sorted(set().union(*(a.gaps for a in amounts))))

    def stopped_by(self, gap: Gap) -> tuple[str, ...]:
        """The figures (attribute names of `FIGURES`) that `gap` leaves without a total."""
        return tuple(
            name
            for name in FIGURES
            if (part := getattr(self, name)) is not None and gap in part.gaps
        )

    def roi(self) -> Decimal | None:
        """(revenue - spend) / spend; None when nothing was spent or either has a gap."""
        spent, made = self.spend.total, self.revenue.total
        if spent is None or made is None or spent == 0:
            return None
        return (made - spent) / spent

    def cost_per_lead(self, leads: Decimal) -> Decimal | None:
        """Spend / leads; None without leads or while spend has a gap."""
        spent = self.spend.total
        if spent is None or leads == 0:
            return None
        return spent / leads


def reported_or_zeros(reported: Reported | None, currency: str) -> Reported:
    """Figures with nothing to add up (a goal without campaigns) are zeros."""
    return reported or Reported(currency)


class Converter:
    """Converts one campaign's amounts and adds them up, remembering rates and gaps."""

    def __init__(self, rates: RateTable) -> None:
        self.rates = rates
        self.used: set[Rate] = set()

    def amount(self, value: Decimal, currency: str, on: date) -> Amount:
        found = self.rates.convert(value, currency, on)
        if isinstance(found, Converted):
            if found.rate is not None:
                self.used.add(found.rate)
            return Amount(found.amount)
        return Amount(ZERO, frozenset((found,)))


class AmountSum:
    """Adds amounts (times a share) in place."""

    __slots__ = ("converted", "gaps")

    def __init__(self) -> None:
        self.converted = ZERO
        self.gaps: set[Gap] = set()

    def add(self, part: Amount, share: Decimal = Decimal(1)) -> None:
        self.converted += part.converted if share == 1 else part.converted * share
        if part.gaps:
            self.gaps.update(part.gaps)

    def amount(self) -> Amount:
        return Amount(self.converted, frozenset(self.gaps) if self.gaps else NO_GAPS)


class ReportedSum:
    """Adds many `Reported` figures, each times a share."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.budget: AmountSum | None = None
        self.spend, self.projected, self.revenue = AmountSum(), AmountSum(), AmountSum()
        self.rates: set[Rate] = set()

    def add(self, part: Reported, share: Decimal) -> None:
        if part.budget is not None:
            if self.budget is None:
                self.budget = AmountSum()
            self.budget.add(part.budget, share)
        self.spend.add(part.spend, share)
        self.projected.add(part.projected, share)
        self.revenue.add(part.revenue, share)
        self.rates.update(part.rates)

    def reported(self) -> Reported:
        return Reported(
            self.currency,
            None if self.budget is None else self.budget.amount(),
            self.spend.amount(),
            self.projected.amount(),
            self.revenue.amount(),
            frozenset(self.rates),
        )


def summed(currency: str, parts: Iterable[tuple[Reported, Decimal]]) -> Reported:
    total = ReportedSum(currency)
    for part, share in parts:
        total.add(part, share)
    return total.reported()
