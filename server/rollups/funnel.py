"""Funnels: how many results reached each stage (MQL, SQL, opportunities, revenue by
default; the list is a setting) and the conversion between consecutive stages, for a
campaign, a key result, a goal or the whole portfolio, over a period, by channel.

Results follow the alignment shares as money does (`money.py`): a key result counts
each supporting campaign's results times its share, a goal the shares of its subtree,
the portfolio every live campaign whole. Counts stay exact decimals (a 0.6 share of 5
MQLs is 3, of 3 it is 1.8); only the API rounds them for display. A stage nobody
reported is missing, never zero: a funnel whose SQL stage is missing has no rate into
or out of it. REVENUE is money, kept per currency (its campaign's), never converted;
the step into it gives the revenue per unit of the stage before, per currency.
A result entry's channel is its own, else its campaign's when the campaign runs on one
channel only, else none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from server.enums import Channel, ResultMetric
from server.rollups import rows as r
from server.rollups.arithmetic import ZERO
from server.rollups.money import MONEY_METRICS, channel_order
from server.settings import FUNNEL_STAGES

DEFAULT_STAGES = FUNNEL_STAGES

Tally = dict[tuple[Channel | None, ResultMetric, str | None], Decimal]
"""Exact totals by (channel, metric, currency for a money metric else None)."""


@dataclass(frozen=True)
class Stage:
    metric: ResultMetric
    count: Decimal | None = None
    """The exact count of a counted metric; None when missing or a money metric."""
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    """A money metric's totals by currency; empty when missing or a counted metric."""

    @property
    def money(self) -> bool:
        return self.metric in MONEY_METRICS

    @property
    def missing(self) -> bool:
        return not self.amounts if self.money else self.count is None


@dataclass(frozen=True)
class Step:
    """From one stage to the next. Between two counted stages: the conversion `rate`
    (None when either is missing or the earlier is zero). Into a money stage: the money
    per unit of the earlier stage, by currency (`per_unit`, empty likewise)."""

    source: ResultMetric
    target: ResultMetric
    rate: Decimal | None = None
    per_unit: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Funnel:
    stages: tuple[Stage, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class FunnelReport:
    total: Funnel
    by_channel: Mapping[Channel | None, Funnel]
    """Every channel with a result at any stage, alphabetically, none last."""


def entry_channel(entry: r.ResultRow, campaign_channels: list[Channel]) -> Channel | None:
    if entry.channel is not None:
        return entry.channel
    return campaign_channels[0] if len(campaign_channels) == 1 else None


def add_campaign(
    tally: Tally,
    campaign: r.CampaignRow,
    campaign_channels: list[Channel],
    results: Iterable[r.ResultRow],
    share: Decimal,
    start: date,
    end: date,
    stages: frozenset[ResultMetric],
) -> None:
    """Add the campaign's results of the stages, dated start..end, times `share`."""
    for entry in results:
        if entry.metric not in stages or not start <= entry.date <= end:
            continue
        currency = campaign.currency if entry.metric in MONEY_METRICS else None
        key = (entry_channel(entry, campaign_channels), entry.metric, currency)
        tally[key] = tally.get(key, ZERO) + (entry.value if share == 1 else entry.value * share)


def _stage(metric: ResultMetric, totals: Mapping[tuple[ResultMetric, str | None], Decimal]):
    if metric in MONEY_METRICS:
        amounts = {c: v for (m, c), v in sorted(totals.items(), key=str) if m is metric and c}
        return Stage(metric, amounts=amounts)
    return Stage(metric, count=totals.get((metric, None)))


def _step(before: Stage, after: Stage) -> Step:
    if before.missing or after.missing or before.money:
        return Step(before.metric, after.metric)
    assert before.count is not None
    if before.count == 0:
        return Step(before.metric, after.metric)
    if after.money:
        per_unit = {c: value / before.count for c, value in after.amounts.items()}
        return Step(before.metric, after.metric, per_unit=per_unit)
    assert after.count is not None
    return Step(before.metric, after.metric, rate=after.count / before.count)


def funnel_of(
    stages: tuple[ResultMetric, ...], totals: Mapping[tuple[ResultMetric, str | None], Decimal]
) -> Funnel:
    shown = tuple(_stage(metric, totals) for metric in stages)
    steps = tuple(_step(a, b) for a, b in zip(shown, shown[1:], strict=False))
    return Funnel(shown, steps)


def report(
    tally: Tally, stages: tuple[ResultMetric, ...], channel: Channel | None = None
) -> FunnelReport:
    """The funnel in total and by channel; only `channel`'s results when given."""
    total: dict[tuple[ResultMetric, str | None], Decimal] = {}
    by_channel: dict[Channel | None, dict[tuple[ResultMetric, str | None], Decimal]] = {}
    for (entry_channel_, metric, currency), value in tally.items():
        if channel is not None and entry_channel_ is not channel:
            continue
        key = (metric, currency)
        total[key] = total.get(key, ZERO) + value
        part = by_channel.setdefault(entry_channel_, {})
        part[key] = part.get(key, ZERO) + value
    return FunnelReport(
        funnel_of(stages, total),
        {c: funnel_of(stages, by_channel[c]) for c in sorted(by_channel, key=channel_order)},
    )
