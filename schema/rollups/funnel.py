"""GraphQL types and fields of funnels (`server.rollups.funnel`): `funnel(period:,
channel:)` on campaigns, key results, goals and the portfolio (`Query.funnel`).

Counts are kept exact inside; a counted stage shows `count` rounded half up to whole
units and `exactCount` with every decimal the shares produced. Money stages (REVENUE)
show their amounts per currency, never converted.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import strawberry
from tortoise.models import Model

from schema.core.context import Info
from schema.core.enums import Channel, ResultMetric
from schema.core.errors import BadUserInput
from schema.core.inputs import DateRange, span
from schema.core.money import Money
from schema.rollups.loaders import rollups
from server import enums
from server.rollups import engine
from server.rollups import funnel as domain
from server.rollups.arithmetic import ONE, cents, fraction

MAX_FUNNEL_DAYS = 3660


def exact(value: Decimal) -> Decimal:
    """Every decimal of `value`, without trailing zeros or an exponent."""
    normal = value.normalize()
    return normal.quantize(ONE) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


def monies(amounts: dict[str, Decimal] | Any) -> list[Money]:
    return [Money(amount=cents(value), currency=c) for c, value in sorted(amounts.items())]


@strawberry.type(description="One stage of a funnel: the results that reached it.")
class FunnelStage:
    item: strawberry.Private[domain.Stage]

    @strawberry.field
    def metric(self) -> ResultMetric:  # type: ignore[valid-type]
        return self.item.metric

    @strawberry.field(description="True when no result of this stage was reported (never 0).")
    def missing(self) -> bool:
        return self.item.missing

    @strawberry.field(
        description="A counted stage's count rounded half up to whole units; null for a "
        "money stage or a missing one."
    )
    def count(self) -> Decimal | None:
        value = self.item.count
        return None if value is None else value.quantize(ONE, rounding=ROUND_HALF_UP)

    @strawberry.field(description="The exact count, with the fractions alignment shares produce.")
    def exact_count(self) -> Decimal | None:
        value = self.item.count
        return None if value is None else exact(value)

    @strawberry.field(description="A money stage's totals per currency (never converted).")
    def amounts(self) -> list[Money]:
        return monies(self.item.amounts)


@strawberry.type(description="From one stage to the next.")
class FunnelStep:
    item: strawberry.Private[domain.Step]

    @strawberry.field(name="from")
    def from_(self) -> ResultMetric:  # type: ignore[valid-type]
        return self.item.source

    @strawberry.field
    def to(self) -> ResultMetric:  # type: ignore[valid-type]
        return self.item.target

    @strawberry.field(
        description="Results of the later stage per result of the earlier (4 places), "
        "between two counted stages; null when either is missing or the earlier is 0."
    )
    def rate(self) -> Decimal | None:
        value = self.item.rate
        return None if value is None else fraction(value)

    @strawberry.field(
        description="Into a money stage: the money per result of the earlier stage, per "
        "currency; empty when either is missing or the earlier is 0."
    )
    def value_per_unit(self) -> list[Money]:
        return monies(self.item.per_unit)


def _stages(found: domain.Funnel) -> list[FunnelStage]:
    return [FunnelStage(item=stage) for stage in found.stages]


def _steps(found: domain.Funnel) -> list[FunnelStep]:
    return [FunnelStep(item=step) for step in found.steps]


@strawberry.type(description="The funnel of one channel.")
class ChannelFunnel:
    channel: Channel | None = strawberry.field(  # type: ignore[valid-type]
        description="Null for results with no channel (theirs or their campaign's only one)."
    )
    item: strawberry.Private[domain.Funnel]

    @strawberry.field
    def stages(self) -> list[FunnelStage]:
        return _stages(self.item)

    @strawberry.field
    def steps(self) -> list[FunnelStep]:
        return _steps(self.item)


@strawberry.type(
    description="Results at each stage (the stage list is a setting) and the conversion "
    "between consecutive stages, for a period, in total and by channel."
)
class Funnel:
    start: date
    end: date
    item: strawberry.Private[domain.FunnelReport]

    @strawberry.field
    def stages(self) -> list[FunnelStage]:
        return _stages(self.item.total)

    @strawberry.field
    def steps(self) -> list[FunnelStep]:
        return _steps(self.item.total)

    @strawberry.field(description="Channels with a result at any stage; no channel last.")
    def by_channel(self) -> list[ChannelFunnel]:
        return [
            ChannelFunnel(channel=channel, item=found)
            for channel, found in self.item.by_channel.items()
        ]


FUNNEL_HELP = (
    "Results dated in `period` (both dates included, up to today), through the alignment "
    "shares; only `channel`'s when given."
)


def period_of(period: DateRange) -> tuple[date, date]:
    start, end = span(period, "period") or (None, None)
    if start is None or end is None:
        raise BadUserInput("`period` needs both a start and an end.", argument="period")
    if (end - start).days >= MAX_FUNNEL_DAYS:
        raise BadUserInput(f"`period` may span at most {MAX_FUNNEL_DAYS} days.", argument="period")
    return start, end


def stages_of(info: Info) -> tuple[enums.ResultMetric, ...]:
    settings = info.context.settings
    return getattr(settings, "funnel_stages", None) or domain.DEFAULT_STAGES


async def funnel_of(
    info: Info, node: tuple[type[Model], int] | None, period: DateRange, channel: Any
) -> Funnel:
    start, end = period_of(period)
    computed = await rollups(info, engine.MONEY)
    found = computed.funnel(node, start, end, stages_of(info), channel)
    return Funnel(start=start, end=end, item=found)


def funnel_field(model: type[Model]) -> Any:
    """`funnel(period:, channel:)` on the type presenting `model`."""

    async def resolve(
        root: strawberry.Parent[Any],
        info: Info,
        period: DateRange,
        channel: Channel | None = None,  # type: ignore[valid-type]
    ) -> Funnel:
        return await funnel_of(info, (model, root.pk), period, channel)

    return strawberry.field(resolver=resolve, description=FUNNEL_HELP)


@strawberry.type
class FunnelQueries:
    @strawberry.field(description=f"The portfolio's funnel: every live campaign. {FUNNEL_HELP}")
    async def funnel(
        self,
        info: Info,
        period: DateRange,
        channel: Channel | None = None,  # type: ignore[valid-type]
    ) -> Funnel:
        return await funnel_of(info, None, period, channel)
