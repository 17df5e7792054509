"""Money and results: budget, spend to date, projected spend, results, revenue, leads,
cost per lead and ROI, for campaigns, and through the alignment shares for key results
and goals.

Amounts are exact Decimals kept per currency (`Bag`): two currencies are never added
together, and figures that would need it (cost per lead, ROI across currencies) are
None rather than wrong. Results of a money metric (REVENUE) are in their campaign's
currency and are totalled per (metric, currency), like every other amount; counted
metrics (leads, sign-ups, ...) carry no currency.

Given a `RateTable`, every figure also comes converted into the reporting currency
(`Figures.reported`, `server.rollups.reporting`): each amount at the rate of its own
date, the budget at the campaign's start, added up by the same shares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from server.currency.rates import RateTable
from server.enums import Channel, ResultMetric
from server.rollups import rows as r
from server.rollups.arithmetic import ONE, ZERO, days_elapsed, period_days
from server.rollups.reporting import AmountSum, Converter, Reported, ReportedSum

MONEY_METRICS = frozenset({ResultMetric.REVENUE})

ResultKey = tuple[ResultMetric, str | None]
"""A result total's key: the metric, and the currency for a money metric (else None)."""


def result_key(metric: ResultMetric, currency: str) -> ResultKey:
    """Where a result entry of a campaign in `currency` is totalled."""
    return (metric, currency if metric in MONEY_METRICS else None)


class Bag:
    """Amounts by currency code. A currency present with 0 still names the currency."""

    __slots__ = ("_amounts",)

    def __init__(self, amounts: Mapping[str, Decimal] | None = None) -> None:
        self._amounts: dict[str, Decimal] = dict(amounts or {})

    @classmethod
    def _owning(cls, amounts: dict[str, Decimal]) -> Bag:
        """A bag over a dict nobody else holds (no copy)."""
        bag = cls.__new__(cls)
        bag._amounts = amounts
        return bag

    @classmethod
    def of(cls, currency: str, value: Decimal) -> Bag:
        return cls({currency: value})

    def __add__(self, other: Bag) -> Bag:
        total = dict(self._amounts)
        for currency, value in other._amounts.items():
            total[currency] = total.get(currency, ZERO) + value
        return Bag(total)

    def scaled(self, factor: Decimal) -> Bag:
        return Bag({currency: value * factor for currency, value in self._amounts.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bag) and self._amounts == other._amounts

    def __repr__(self) -> str:
        return f"Bag({self._amounts!r})"

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self._amounts))

    def get(self, currency: str) -> Decimal:
        return self._amounts.get(currency, ZERO)


@dataclass(frozen=True)
class Figures:
    """Money and results of something, to date. `budget` is None where budgets are not
    split (a channel's figures)."""

    budget: Bag | None = None
    spend: Bag = field(default_factory=Bag)
    projected: Bag = field(default_factory=Bag)
    results: Mapping[ResultKey, Decimal] = field(default_factory=dict)
    reported: Reported | None = None
    """The same figures in the reporting currency (None when no rates were given)."""

    @property
    def revenue(self) -> Bag:
        """REVENUE results, by currency."""
        return Bag(
            {
                currency: value
                for (metric, currency), value in self.results.items()
                if metric is ResultMetric.REVENUE and currency is not None
            }
        )

    @property
    def currencies(self) -> tuple[str, ...]:
        bags = (self.budget or Bag(), self.spend, self.projected, self.revenue)
        return tuple(sorted({c for bag in bags for c in bag.currencies}))

    @property
    def currency(self) -> str | None:
        """The one currency of every amount; None when there is none, or several."""
        currencies = self.currencies
        return currencies[0] if len(currencies) == 1 else None

    @property
    def leads(self) -> Decimal:
        return self.results.get((ResultMetric.LEADS, None), ZERO)

    def roi(self, currency: str) -> Decimal | None:
        """(revenue - spend) / spend in one currency; None when nothing was spent."""
        spent = self.spend.get(currency)
        if spent == 0:
            return None
        return (self.revenue.get(currency) - spent) / spent

    def cost_per_lead(self) -> Decimal | None:
        """Spend / leads; None without leads or when spend is in several currencies."""
        if self.leads == 0 or self.currency is None:
            return None
        return self.spend.get(self.currency) / self.leads


@dataclass(frozen=True)
class MoneySummary:
    """A node's figures in total and by channel (None: entries with no channel)."""

    total: Figures = field(default_factory=Figures)
    channels: Mapping[Channel | None, Figures] = field(default_factory=dict)


class _Sum:
    """Adds up many figures, each times a share, in place (a rollup over a large tree
    adds thousands; building a new immutable value at every step would dominate)."""

    def __init__(self) -> None:
        self.budget: dict[str, Decimal] | None = None
        self.spend: dict[str, Decimal] = {}
        self.projected: dict[str, Decimal] = {}
        self.results: dict[ResultKey, Decimal] = {}
        self.reported: ReportedSum | None = None

    @staticmethod
    def _into(total: dict, part: Mapping, share: Decimal) -> None:
        for key, value in part.items():
            total[key] = total.get(key, ZERO) + (value if share == 1 else value * share)

    def add(self, figures: Figures, share: Decimal) -> None:
        if figures.budget is not None:
            if self.budget is None:
                self.budget = {}
            self._into(self.budget, figures.budget._amounts, share)
        self._into(self.spend, figures.spend._amounts, share)
        self._into(self.projected, figures.projected._amounts, share)
        self._into(self.results, figures.results, share)
        if figures.reported is not None:
            if self.reported is None:
                self.reported = ReportedSum(figures.reported.currency)
            self.reported.add(figures.reported, share)

    def figures(self) -> Figures:
        budget = None if self.budget is None else Bag._owning(self.budget)
        return Figures(
            budget,
            Bag._owning(self.spend),
            Bag._owning(self.projected),
            self.results,
            None if self.reported is None else self.reported.reported(),
        )


def total_of(parts: Iterable[tuple[MoneySummary, Decimal]]) -> MoneySummary:
    """The sum of summaries, each times its share (by channel too)."""
    total, channels = _Sum(), {}
    for summary, share in parts:
        total.add(summary.total, share)
        for channel, figures in summary.channels.items():
            channels.setdefault(channel, _Sum()).add(figures, share)
    return MoneySummary(
        total.figures(), {channel: part.figures() for channel, part in channels.items()}
    )


def burn_factor(start: date, end: date, today: date) -> Decimal:
    """Projected spend = spend to date x this: the campaign's days over its elapsed
    days; 1 before it starts (nothing to extrapolate) and from its last day on."""
    elapsed, total = days_elapsed(start, end, today), period_days(start, end)
    if elapsed == 0 or elapsed >= total:
        return Decimal(1)
    return Decimal(total) / Decimal(elapsed)


def campaign_money(
    campaign: r.CampaignRow,
    channels: Iterable[Channel],
    spend: Iterable[r.SpendRow],
    results: Iterable[r.ResultRow],
    today: date,
    since: date | None = None,
    until: date | None = None,
    rates: RateTable | None = None,
) -> MoneySummary:
    """A campaign's figures from its entries dated up to today (and within since..until
    when given); converted into the reporting currency too when `rates` are given."""
    factor = burn_factor(campaign.start_date, campaign.end_date, today)
    zero = Bag.of(campaign.currency, ZERO)
    spent: dict[Channel | None, Bag] = dict.fromkeys(channels, zero)
    made: dict[Channel | None, dict[ResultKey, Decimal]] = {channel: {} for channel in spent}
    converted = _Converted(rates) if rates is not None else None

    last = today if until is None else min(today, until)

    def counts(day: date) -> bool:
        return day <= last and (since is None or day >= since)

    for entry in spend:
        if counts(entry.date):
            spent[entry.channel] = spent.get(entry.channel, zero) + Bag.of(
                entry.currency, entry.amount
            )
            if converted is not None:
                converted.spend(entry.channel, entry.amount, entry.currency, entry.date)
    for entry in results:
        if counts(entry.date):
            metrics = made.setdefault(entry.channel, {})
            key = result_key(entry.metric, campaign.currency)
            metrics[key] = metrics.get(key, ZERO) + entry.value
            if converted is not None and entry.metric in MONEY_METRICS:
                converted.revenue(entry.channel, entry.value, campaign.currency, entry.date)

    by_channel = {}
    for channel in sorted(set(spent) | set(made), key=channel_order):
        bag = spent.get(channel, zero)
        reported = None if converted is None else converted.channel(channel, factor)
        figures = Figures(None, bag, bag.scaled(factor), made.get(channel, {}), reported)
        by_channel[channel] = figures
    total = _Sum()
    budget = None if converted is None else converted.budget(campaign)
    total.add(Figures(Bag.of(campaign.currency, campaign.budget), zero, zero, {}, budget), ONE)
    for figures in by_channel.values():
        total.add(figures, ONE)
    return MoneySummary(total.figures(), by_channel)


class _Converted:
    """One campaign's amounts in the reporting currency, by channel."""

    def __init__(self, rates: RateTable) -> None:
        self.rates = rates
        self._converters: dict[Channel | None, Converter] = {}
        self._spend: dict[Channel | None, AmountSum] = {}
        self._revenue: dict[Channel | None, AmountSum] = {}

    def _converter(self, channel: Channel | None) -> Converter:
        found = self._converters.get(channel)
        if found is None:
            found = self._converters[channel] = Converter(self.rates)
        return found

    def spend(self, channel: Channel | None, value: Decimal, currency: str, on: date) -> None:
        part = self._converter(channel).amount(value, currency, on)
        self._spend.setdefault(channel, AmountSum()).add(part)

    def revenue(self, channel: Channel | None, value: Decimal, currency: str, on: date) -> None:
        part = self._converter(channel).amount(value, currency, on)
        self._revenue.setdefault(channel, AmountSum()).add(part)

    def channel(self, channel: Channel | None, factor: Decimal) -> Reported:
        spend = self._spend.get(channel, AmountSum()).amount()
        converter = self._converters.get(channel)
        return Reported(
            self.rates.reporting,
            None,
            spend,
            spend.scaled(factor),
            self._revenue.get(channel, AmountSum()).amount(),
            frozenset(converter.used) if converter is not None else frozenset(),
        )

    def budget(self, campaign: r.CampaignRow) -> Reported:
        """The budget, at the rate of the campaign's start date."""
        converter = Converter(self.rates)
        budget = converter.amount(campaign.budget, campaign.currency, campaign.start_date)
        return Reported(self.rates.reporting, budget, rates=frozenset(converter.used))


def channel_order(channel: Channel | None) -> tuple[int, str]:
    """Channels alphabetically, entries without a channel last."""
    return (1, "") if channel is None else (0, channel.value)
