"""Risks: what needs attention, how badly, about which node, and the figures behind it.

The rules live in `risk_rules`; this module holds what a risk is, how risks are
ordered (most severe first) and how they are selected (by severity, kind, team, or
by a goal whose subtree they touch).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from server.rollups.progress import NodeKey


class RiskKind(StrEnum):
    BUDGET_OVERRUN = "BUDGET_OVERRUN"
    BUDGET_BURN = "BUDGET_BURN"
    SCHEDULE_SLIP = "SCHEDULE_SLIP"
    OVERDUE_TASKS = "OVERDUE_TASKS"
    KEY_RESULT_OFF_TRACK = "KEY_RESULT_OFF_TRACK"
    STALE_CHECK_IN = "STALE_CHECK_IN"
    OVER_CAPACITY = "OVER_CAPACITY"
    UNALIGNED_WORK = "UNALIGNED_WORK"
    CALENDAR_CONFLICT = "CALENDAR_CONFLICT"
    MISSING_EXCHANGE_RATE = "MISSING_EXCHANGE_RATE"


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self]


SEVERITY_RANK = {severity: n for n, severity in enumerate(Severity)}


@dataclass(frozen=True)
class Figure:
    """A number behind a risk, already written out (decimal, date or count)."""

    name: str
    value: str


@dataclass(frozen=True)
class Risk:
    kind: RiskKind
    severity: Severity
    node: NodeKey
    message: str
    figures: tuple[Figure, ...] = ()
    related: tuple[NodeKey, ...] = field(default=())

    @property
    def nodes(self) -> tuple[NodeKey, ...]:
        """Every node the risk is about: its subject first, then the others involved."""
        return (self.node, *self.related)


KIND_ORDER = {kind: n for n, kind in enumerate(RiskKind)}


def order_key(risk: Risk) -> tuple[int, int, str, int]:
    """Where a risk comes in every list of risks: most severe first; then by kind, by
    the subject's type name and by its ID."""
    return (-risk.severity.rank, KIND_ORDER[risk.kind], risk.node[0].__name__, risk.node[1])


def ordered(risks: Iterable[Risk]) -> list[Risk]:
    """Most severe first; then by kind, by the subject's type name and by its ID."""
    return sorted(risks, key=order_key)


def figure(name: str, value: object) -> Figure:
    return Figure(name, str(value))


def percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal(1))}%"


@dataclass(frozen=True)
class RiskFilter:
    """Every condition given must hold. `severity` is the least severity wanted; `under`
    keeps risks touching the subtree of that goal; `teams` those touching nodes the
    teams own (or, for people, belong to)."""

    severity: Severity | None = None
    kinds: Collection[RiskKind] | None = None
    team_ids: Collection[int] | None = None
    under: int | None = None
