"""Conflicts grouped by rule and severity, with their counts.

A busy range can hold a thousand clashes; a reader first needs how many of each kind
there are and how bad, then the clashes of one group. Groups come most severe first,
then in the rules' order (`ConflictRule`), and each keeps its conflicts in the order
`find_conflicts` gave them (by first day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.calendar.conflicts import Conflict, ConflictRule
from server.rollups.risks import Severity


@dataclass(frozen=True)
class ConflictGroup:
    """The conflicts of one rule at one severity."""

    rule: ConflictRule
    severity: Severity
    conflicts: tuple[Conflict, ...]

    @property
    def count(self) -> int:
        return len(self.conflicts)


def grouped(conflicts: Iterable[Conflict]) -> list[ConflictGroup]:
    """`conflicts` by rule and severity, the most severe group first; empty groups left out."""
    groups: dict[tuple[ConflictRule, Severity], list[Conflict]] = {}
    for conflict in conflicts:
        groups.setdefault((conflict.rule, conflict.severity), []).append(conflict)
    rules = list(ConflictRule)
    order = sorted(groups, key=lambda key: (-key[1].rank, rules.index(key[0])))
    return [
        ConflictGroup(rule, severity, tuple(groups[(rule, severity)])) for rule, severity in order
    ]
