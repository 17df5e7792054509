"""What a key result is measured by: check-ins, or a formula over its campaigns' entries.

A source is a kind and up to two metrics: METRIC sums one metric, COST_PER divides
spend by one metric, CONVERSION_RATE divides one metric by another, ROI is
(revenue - spend) / spend. `checked` refuses a combination that names too few or too
many metrics, so a stored source always means one formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.enums import KeyResultSource, ResultMetric
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode

MONEY_METRICS = frozenset({ResultMetric.REVENUE})


@dataclass(frozen=True, slots=True)
class Source:
    kind: KeyResultSource = KeyResultSource.MANUAL
    metric: ResultMetric | None = None
    base_metric: ResultMetric | None = None

    @property
    def measured(self) -> bool:
        """True when the value is computed (a check-in on it is refused)."""
        return self.kind is not KeyResultSource.MANUAL

    @property
    def ratio(self) -> bool:
        return self.kind in (
            KeyResultSource.COST_PER,
            KeyResultSource.CONVERSION_RATE,
            KeyResultSource.ROI,
        )

    @property
    def reads_spend(self) -> bool:
        return self.kind in (KeyResultSource.COST_PER, KeyResultSource.ROI)

    @property
    def counts_money(self) -> bool:
        """Whether any amount it adds is money (and so has a currency)."""
        return self.reads_spend or self.metric in MONEY_METRICS or self.base_metric in MONEY_METRICS

    def describe(self) -> str:
        """The formula in words, as `measurement` and errors show it."""
        kind, metric, base = self.kind, self.metric, self.base_metric
        if kind is KeyResultSource.METRIC and metric is not None:
            return f"the total of {metric.value}"
        if kind is KeyResultSource.COST_PER and metric is not None:
            return f"spend per {metric.value}"
        if kind is KeyResultSource.CONVERSION_RATE and metric is not None and base is not None:
            return f"{metric.value} / {base.value}"
        if kind is KeyResultSource.ROI:
            return "(REVENUE - spend) / spend"
        return "check-ins"


MANUAL = Source()


def source_of(row: Any) -> Source:
    """The source of a key result model row (rows older than the columns are MANUAL)."""
    kind = getattr(row, "source", None) or KeyResultSource.MANUAL
    if kind is KeyResultSource.MANUAL:
        return MANUAL
    return Source(
        KeyResultSource(kind),
        _metric(getattr(row, "source_metric", None)),
        _metric(getattr(row, "source_base_metric", None)),
    )


def _metric(value: Any) -> ResultMetric | None:
    return None if value is None else ResultMetric(value)


NEEDS = {
    KeyResultSource.MANUAL: (False, False),
    KeyResultSource.METRIC: (True, False),
    KeyResultSource.COST_PER: (True, False),
    KeyResultSource.CONVERSION_RATE: (True, True),
    KeyResultSource.ROI: (False, False),
}
"""For each kind: whether it needs `metric`, and whether it needs `baseMetric`."""


def checked(
    check: Checker,
    kind: KeyResultSource | None,
    metric: ResultMetric | None,
    base_metric: ResultMetric | None,
) -> Source | None:
    """The source sent, or None after recording why it is refused (errors name the
    fields of `source`: `source.kind`, `source.metric`, `source.baseMetric`)."""
    if kind is None:
        check.fail("source.kind", UserErrorCode.REQUIRED, "`source.kind` is required.")
        return None
    needs_metric, needs_base = NEEDS[kind]
    ok = True
    for field, needed, value in (
        ("source.metric", needs_metric, metric),
        ("source.baseMetric", needs_base, base_metric),
    ):
        if needed and value is None:
            check.fail(field, UserErrorCode.REQUIRED, f"`{field}` is required for {kind.value}.")
            ok = False
        elif not needed and value is not None:
            check.fail(field, UserErrorCode.INVALID, f"`{field}` does not apply to {kind.value}.")
            ok = False
    if ok and kind is KeyResultSource.COST_PER and metric in MONEY_METRICS:
        check.fail(
            "source.metric",
            UserErrorCode.INVALID,
            f"COST_PER divides spend by a counted metric, not by {metric.value if metric else ''}.",
        )
        ok = False
    if ok and kind is KeyResultSource.CONVERSION_RATE and metric == base_metric:
        check.fail(
            "source.baseMetric",
            UserErrorCode.INVALID,
            "`source.baseMetric` must differ from `source.metric` (the rate would always be 1).",
        )
        ok = False
    if not ok:
        return None
    return Source(kind, metric, base_metric) if kind is not KeyResultSource.MANUAL else MANUAL


def columns_of(source: Source) -> dict[str, Any]:
    """The key result's columns holding `source`."""
    return {
        "source": source.kind,
        "source_metric": source.metric,
        "source_base_metric": source.base_metric,
    }
