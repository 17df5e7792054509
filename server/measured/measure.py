"""A measured key result's value, and why: its aligned campaigns' entries over its period.

The period runs from its goal's start to its own due date (the period expected progress
reads), and entries count once dated in it and not after today, as money counts
entries to date. Each campaign's entries are summed into a numerator (and, for a ratio,
a denominator), each times the campaign's alignment share; the value is the weighted
numerator, or the weighted numerator over the weighted denominator. A ratio whose
denominator is 0 has no value: None, with the reason, never an error or infinity.

Money (revenue, spend) counts in the key result's currency, else in its campaigns' one
currency, else in the reporting currency; each amount is converted on its own date
(`money.ThroughReporting`), and one without a rate is a named gap, left out.
The history is one point per day on which a counted entry changed the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.enums import KeyResultSource, ResultMetric
from server.measured.money import SAME_CURRENCY_ONLY, Conversion
from server.measured.source import MONEY_METRICS, Source
from server.rollups import rows as r

ZERO = Decimal(0)
NUMERATOR, DENOMINATOR = 0, 1


@dataclass(frozen=True, slots=True)
class Gap:
    """An entry left out of the value, and why (`code`: OTHER_CURRENCY, NO_CURRENCY)."""

    code: str
    message: str
    entry: tuple[str, int] | None
    """("ResultEntry" or "SpendEntry", its id)."""
    campaign_id: int


@dataclass(frozen=True, slots=True)
class Counted:
    """An entry counted: ("ResultEntry" or "SpendEntry", its id), and its amount in the
    counting currency (its value, for a counted metric)."""

    entry: tuple[str, int]
    amount: Decimal
    day: date


@dataclass(frozen=True, slots=True)
class CampaignPart:
    """One aligned campaign's figures over the period, before its share is applied."""

    campaign_id: int
    share: Decimal
    numerator: Decimal
    denominator: Decimal | None
    entries: tuple[Counted, ...]

    @property
    def contribution(self) -> Decimal:
        return self.numerator * self.share

    @property
    def denominator_contribution(self) -> Decimal | None:
        return None if self.denominator is None else self.denominator * self.share


@dataclass(frozen=True, slots=True)
class Point:
    """The value at the end of a day on which it changed (None: a ratio without value)."""

    day: date
    value: Decimal | None


@dataclass(frozen=True)
class Measurement:
    source: Source
    value: Decimal | None
    reason: str | None
    """Why `value` is None."""
    numerator: Decimal
    denominator: Decimal | None
    currency: str | None
    """The currency money is counted in (None when the formula reads no money)."""
    start: date
    end: date
    campaigns: tuple[CampaignPart, ...]
    gaps: tuple[Gap, ...]
    points: tuple[Point, ...]

    def counted(self, entry: tuple[str, int]) -> tuple[CampaignPart, Counted] | None:
        """The campaign part that counted `entry`, and how, if it was counted."""
        for part in self.campaigns:
            for counted in part.entries:
                if counted.entry == entry:
                    return part, counted
        return None

    def gap(self, entry: tuple[str, int]) -> Gap | None:
        return next((gap for gap in self.gaps if gap.entry == entry), None)


def _roles(source: Source, metric: ResultMetric) -> tuple[tuple[int, int], ...]:
    """Where a result of `metric` counts in `source`'s formula: (term, sign) pairs."""
    kind = source.kind
    if kind is KeyResultSource.METRIC and metric == source.metric:
        return ((NUMERATOR, 1),)
    if kind is KeyResultSource.COST_PER and metric == source.metric:
        return ((DENOMINATOR, 1),)
    if kind is KeyResultSource.CONVERSION_RATE:
        if metric == source.metric:
            return ((NUMERATOR, 1),)
        if metric == source.base_metric:
            return ((DENOMINATOR, 1),)
    if kind is KeyResultSource.ROI and metric is ResultMetric.REVENUE:
        return ((NUMERATOR, 1),)
    return ()


SPEND_ROLES = {
    KeyResultSource.COST_PER: ((NUMERATOR, 1),),
    KeyResultSource.ROI: ((NUMERATOR, -1), (DENOMINATOR, 1)),
}


def counting_currency(
    kr: r.KeyResultRow, campaigns: Iterable[r.CampaignRow], fallback: str | None
) -> str | None:
    """The key result's currency; else its campaigns' one currency; else `fallback`."""
    if kr.currency:
        return kr.currency
    found = {c.currency for c in campaigns}
    if len(found) == 1:
        return found.pop()
    return fallback


def _ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if denominator is None:
        return numerator
    return None if denominator == 0 else numerator / denominator


def measure(
    kr: r.KeyResultRow,
    goal: r.GoalRow | None,
    alignments: Sequence[r.AlignmentRow],
    campaigns: Mapping[int, r.CampaignRow],
    results_of: Mapping[int, Sequence[r.ResultRow]],
    spend_of: Mapping[int, Sequence[r.SpendRow]],
    today: date,
    conversion: Conversion = SAME_CURRENCY_ONLY,
    fallback_currency: str | None = None,
) -> Measurement:
    source = kr.source
    start = goal.period_start if goal is not None else kr.due_date
    end = kr.due_date
    last = min(end, today)
    aligned = [
        (a, campaigns[a.campaign_id])
        for a in sorted(alignments, key=lambda a: a.campaign_id)
        if a.campaign_id in campaigns and not campaigns[a.campaign_id].archived
    ]
    currency = (
        counting_currency(kr, (c for _, c in aligned), fallback_currency)
        if source.counts_money
        else None
    )
    daily: dict[date, list[Decimal]] = {}
    parts: list[CampaignPart] = []
    gaps: list[Gap] = []

    def money(amount: Decimal, of: str, day: date, entry: tuple[str, int], cid: int):
        if currency is None:
            gaps.append(
                Gap(
                    "NO_CURRENCY",
                    f"{entry[0]} {entry[1]} ({amount.normalize():f} {of}) is left out: the key "
                    "result has no currency to count money in.",
                    entry,
                    cid,
                )
            )
            return None
        converted = conversion.convert(amount, of, currency, day)
        if converted.amount is None:
            gaps.append(
                Gap(
                    "OTHER_CURRENCY",
                    f"{entry[0]} {entry[1]} ({amount.normalize():f} {of} on {day.isoformat()}) "
                    f"is left out: it {converted.gap}.",
                    entry,
                    cid,
                )
            )
        return converted.amount

    for alignment, campaign in aligned:
        share, cid = alignment.share, campaign.id
        terms = [ZERO, ZERO]
        counted: list[Counted] = []

        for entry in results_of.get(cid, ()):
            if not start <= entry.date <= last:
                continue
            roles = _roles(source, entry.metric)
            if not roles:
                continue
            value: Decimal | None = entry.value
            if entry.metric in MONEY_METRICS:
                key = ("ResultEntry", entry.id)
                value = money(entry.value, campaign.currency, entry.date, key, cid)
            if value is None:
                continue
            counted.append(Counted(("ResultEntry", entry.id), value, entry.date))
            _count(daily, terms, share, entry.date, value, roles)
        spend_roles = SPEND_ROLES.get(source.kind, ())
        for spent in spend_of.get(cid, ()) if spend_roles else ():
            if not start <= spent.date <= last:
                continue
            value = money(spent.amount, spent.currency, spent.date, ("SpendEntry", spent.id), cid)
            if value is None:
                continue
            counted.append(Counted(("SpendEntry", spent.id), value, spent.date))
            _count(daily, terms, share, spent.date, value, spend_roles)
        parts.append(
            CampaignPart(
                cid,
                share,
                terms[NUMERATOR],
                terms[DENOMINATOR] if source.ratio else None,
                tuple(sorted(counted, key=lambda c: (c.day, c.entry))),
            )
        )

    numerator = sum((p.contribution for p in parts), ZERO)
    denominator = (
        sum((p.denominator * p.share for p in parts if p.denominator is not None), ZERO)
        if source.ratio
        else None
    )
    value = _ratio(numerator, denominator)
    reason = None
    if value is None:
        reason = (
            f"{source.describe()} has no value: its denominator is 0 over "
            f"{start.isoformat()}..{end.isoformat()} (nothing counted yet)."
        )
    return Measurement(
        source,
        value,
        reason,
        numerator,
        denominator,
        currency,
        start,
        end,
        tuple(parts),
        tuple(gaps),
        _points(daily, source.ratio),
    )


def _count(
    daily: dict[date, list[Decimal]],
    terms: list[Decimal],
    share: Decimal,
    day: date,
    value: Decimal,
    roles: tuple[tuple[int, int], ...],
) -> None:
    """Add an entry's value to its campaign's terms, and times the share to its day."""
    cell = daily.setdefault(day, [ZERO, ZERO])
    for term, sign in roles:
        terms[term] += sign * value
        cell[term] += sign * value * share


def _points(daily: Mapping[date, list[Decimal]], ratio: bool) -> tuple[Point, ...]:
    """The running value at the end of each day with entries, where it changed."""
    points: list[Point] = []
    numerator = denominator = ZERO
    for day in sorted(daily):
        numerator += daily[day][NUMERATOR]
        denominator += daily[day][DENOMINATOR]
        value = _ratio(numerator, denominator if ratio else None)
        if points and points[-1].value == value:
            continue
        if not points and value == 0 and not ratio:
            continue
        points.append(Point(day, value))
    return tuple(points)
