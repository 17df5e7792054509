"""GraphQL side of measured key results: the source, the measurement behind a computed
value, and the value's history read the same way for typed and measured key results.

This module deliberately avoids `from __future__ import annotations`: the resolvers
here carry real annotations that Strawberry reads at schema build time.
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import strawberry

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.edges import PAGE_ARGS_HELP
from schema.core.enums import ResultMetric
from schema.core.node import Node
from schema.core.refs import CampaignRef, CheckInRef
from schema.goals.loaders import CheckInsByKeyResultIdLoader
from schema.rollups.loaders import load_rows, with_rollups
from server import enums, models
from server.measured import measure as domain
from server.measured.source import source_of
from server.rollups import engine
from server.rollups.arithmetic import amount, fraction

KeyResultSourceKind = strawberry.enum(
    enums.KeyResultSource,
    name="KeyResultSourceKind",
    description="Where a key result's current value comes from: MANUAL check-ins, or its "
    "aligned campaigns' entries over its period, each campaign times its alignment share: "
    "METRIC (the total of `metric`), COST_PER (spend / `metric`), CONVERSION_RATE "
    "(`metric` / `baseMetric`), ROI ((REVENUE - spend) / spend).",
)

MODELS = {"ResultEntry": models.ResultEntry, "SpendEntry": models.SpendEntry}


@strawberry.input(description="What a key result is measured by.")
class KeyResultSourceInput:
    kind: KeyResultSourceKind  # type: ignore[valid-type]
    metric: ResultMetric | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="METRIC: the metric summed; COST_PER: the unit spend is divided by; "
        "CONVERSION_RATE: the numerator. Null for MANUAL and ROI.",
    )
    base_metric: ResultMetric | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="CONVERSION_RATE: the denominator; null for the others."
    )

    def sent(self) -> tuple[Any, Any, Any]:
        return (self.kind, self.metric, self.base_metric)


@strawberry.type(description="What a key result is measured by.")
class KeyResultSource:
    kind: KeyResultSourceKind  # type: ignore[valid-type]
    metric: ResultMetric | None  # type: ignore[valid-type]
    base_metric: ResultMetric | None  # type: ignore[valid-type]
    formula: str = strawberry.field(description="The formula in words.")


def source_field(root: strawberry.Parent[models.KeyResult]) -> KeyResultSource:
    found = source_of(root)
    return KeyResultSource(
        kind=found.kind,
        metric=found.metric,
        base_metric=found.base_metric,
        formula=found.describe(),
    )


@strawberry.type(description="An entry counted in a measured key result's value.")
class MeasuredEntry:
    counted: strawberry.Private[domain.Counted]
    share: strawberry.Private[Decimal]

    @strawberry.field(description="The result or spend entry.")
    def entry(self, info: Info) -> Node:
        kind, pk = self.counted.entry
        return load_rows(info, [(MODELS[kind], pk)])[0]

    @strawberry.field(
        description="Its amount as counted, in the measurement's currency "
        "for money (converted on its date), else its value."
    )
    def amount(self) -> Decimal:
        return amount(self.counted.amount)

    @strawberry.field(description="amount x the campaign's share.")
    def contribution(self) -> Decimal:
        return amount(self.counted.amount * self.share)


@strawberry.type(description="One aligned campaign's part in a measured key result's value.")
class MeasuredCampaign:
    part: strawberry.Private[domain.CampaignPart]

    @strawberry.field(description="The campaign.")
    def campaign(self, info: Info) -> CampaignRef:
        return load_rows(info, [(models.Campaign, self.part.campaign_id)])[0]

    @strawberry.field(description="The share of the campaign aligned to the key result.")
    def share(self) -> Decimal:
        return fraction(self.part.share)

    @strawberry.field(
        description="The campaign's own total over the period: the metric's "
        "total, or a ratio's numerator."
    )
    def value(self) -> Decimal:
        return amount(self.part.numerator)

    @strawberry.field(description="value x share: what it adds to the key result.")
    def contribution(self) -> Decimal:
        return amount(self.part.contribution)

    @strawberry.field(description="A ratio's denominator, the campaign's own; null otherwise.")
    def denominator(self) -> Decimal | None:
        return None if self.part.denominator is None else amount(self.part.denominator)

    @strawberry.field(description="denominator x share.")
    def denominator_contribution(self) -> Decimal | None:
        found = self.part.denominator_contribution
        return None if found is None else amount(found)

    @strawberry.field(description="The entries counted, by date.")
    def entries(self) -> list[MeasuredEntry]:
        return [MeasuredEntry(counted=c, share=self.part.share) for c in self.part.entries]


@strawberry.type(description="An entry left out of a measured value, and why.")
class MeasurementGap:
    gap: strawberry.Private[domain.Gap]

    @strawberry.field(
        description="OTHER_CURRENCY (no rate into the counting currency) or "
        "NO_CURRENCY (nothing to count money in)."
    )
    def code(self) -> str:
        return self.gap.code

    @strawberry.field
    def message(self) -> str:
        return self.gap.message

    @strawberry.field(description="The entry left out.")
    def entry(self, info: Info) -> Node | None:
        if self.gap.entry is None:
            return None
        kind, pk = self.gap.entry
        return load_rows(info, [(MODELS[kind], pk)])[0]


@strawberry.type(description="Why a measured key result shows the value it shows.")
class KeyResultMeasurement:
    result: strawberry.Private[domain.Measurement]

    @strawberry.field(description="The formula in words.")
    def formula(self) -> str:
        return self.result.source.describe()

    @strawberry.field(
        description="The computed value (its current value); null when it has "
        "none (a ratio whose denominator is 0), with `reason`."
    )
    def value(self) -> Decimal | None:
        return None if self.result.value is None else amount(self.result.value)

    @strawberry.field(description="Why `value` is null.")
    def reason(self) -> str | None:
        return self.result.reason

    @strawberry.field(description="The sum of the campaigns' contributions.")
    def numerator(self) -> Decimal:
        return amount(self.result.numerator)

    @strawberry.field(description="A ratio's weighted denominator; null for METRIC.")
    def denominator(self) -> Decimal | None:
        return None if self.result.denominator is None else amount(self.result.denominator)

    @strawberry.field(description="The currency money is counted in; null when no money.")
    def currency(self) -> str | None:
        return self.result.currency

    @strawberry.field(description="First day counted: its goal's start.")
    def period_start(self) -> date:
        return self.result.start

    @strawberry.field(
        description="Last day counted: its due date (entries after today count from their day on)."
    )
    def period_end(self) -> date:
        return self.result.end

    @strawberry.field(description="Each aligned campaign's part, by campaign.")
    def campaigns(self) -> list[MeasuredCampaign]:
        return [MeasuredCampaign(part=part) for part in self.result.campaigns]

    @strawberry.field(description="Entries left out, and why.")
    def gaps(self) -> list[MeasurementGap]:
        return [MeasurementGap(gap=gap) for gap in self.result.gaps]


def measurement_field(
    root: strawberry.Parent[models.KeyResult], info: Info
) -> KeyResultMeasurement | None:
    def present(computed: engine.Rollups) -> KeyResultMeasurement | None:
        found = computed.key_result_measurement(root.pk)
        return None if found is None else KeyResultMeasurement(result=found)

    return with_rollups(info, engine.PROGRESS, present)


def current_value_field(root: strawberry.Parent[models.KeyResult], info: Info) -> Decimal | None:
    if not source_of(root).measured:
        return root.current_value

    def present(computed: engine.Rollups) -> Decimal | None:
        found = computed.key_result_value(root.pk)
        return None if found is None else amount(found)

    return with_rollups(info, engine.PROGRESS, present)


@strawberry.type(
    description="A key result's value at a point in time: a check-in, or the "
    "computed value at the end of a day on which its entries changed it."
)
class KeyResultValuePoint:
    at: datetime = strawberry.field(description="The check-in's time, or the day's start (UTC).")
    day: date = strawberry.field(description="The UTC date.")
    value: Decimal | None = strawberry.field(description="Null: a ratio without value.")
    note: str = strawberry.field(description="The check-in's note; empty when computed.")
    check_in_row: strawberry.Private[Any] = None

    @strawberry.field(description="The check-in, for a typed key result.")
    def check_in(self) -> CheckInRef | None:
        return self.check_in_row


def _checked_in(row: models.CheckIn) -> KeyResultValuePoint:
    return KeyResultValuePoint(
        at=row.checked_in_at,
        day=row.checked_in_at.astimezone(UTC).date(),
        value=row.value,
        note=row.note,
        check_in_row=row,
    )


def _computed(point: domain.Point) -> KeyResultValuePoint:
    return KeyResultValuePoint(
        at=datetime.combine(point.day, time(), UTC),
        day=point.day,
        value=None if point.value is None else amount(point.value),
        note="",
    )


def value_history_field(
    root: strawberry.Parent[models.KeyResult],
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[KeyResultValuePoint]:
    page = page_args(first, after, last, before)
    if not source_of(root).measured:
        rows = info.context.served(CheckInsByKeyResultIdLoader, root.pk)
        return connection_from_list(rows, page, _checked_in)

    def present(computed: engine.Rollups) -> Connection[KeyResultValuePoint]:
        found = computed.key_result_measurement(root.pk)
        points = found.points if found is not None else ()
        return connection_from_list(points, page, _computed)

    return with_rollups(info, engine.PROGRESS, present)


VALUE_HISTORY_HELP = (
    "Its value over time, oldest first, read the same way for both sources: each "
    "check-in of a MANUAL key result; for a measured one, one point per day on which its "
    f"entries changed the computed value. {PAGE_ARGS_HELP}"
)
