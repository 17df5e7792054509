"""The risks of the engine before, updated where a write changed a few of them.

Every risk is listed in order, under each goal above its nodes and under each node it
names. At 100 000 nodes that is about 800 000 entries, and building them again after a
check-in costs far more than the check-in's two or three risks. When the placement of
nodes under goals is unchanged, and each rule's risks are the very same objects except
those a write touched (`server.rollups.carry`), the lists are copied and only the
entries of the risks that went or came are changed. Past `MOST_CHANGED` risks changed,
building again is cheaper and the engine does.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from server.rollups.risks import Risk, order_key

K = TypeVar("K", bound=Hashable)

MOST_CHANGED = 512


@dataclass(frozen=True)
class RiskIndexes:
    """An engine's risks as the next engine may update them: each rule's risks with
    the goals above each, every risk in order, and the risks by goal and by node."""

    rule_risks: dict[str, list[Risk]]
    rule_goals: dict[str, list[frozenset[int]]]
    ordered: list[Risk]
    under: dict[int, list[Risk]]
    by_node: dict[tuple, list[Risk]]


@dataclass(frozen=True)
class RiskChanges:
    """The risks that went and came between two engines, each with its goals above."""

    removed: list[tuple[Risk, frozenset[int]]]
    added: list[tuple[Risk, frozenset[int]]]


def risk_changes(
    before: RiskIndexes, rule_risks: dict[str, list[Risk]], goals_of_rule
) -> RiskChanges | None:
    """What went and came, rule by rule (a rule's list kept whole changed nothing); None
    when more than `MOST_CHANGED` did, or the goals of a risk that went are unknown."""
    removed: list[tuple[Risk, frozenset[int]]] = []
    added: list[tuple[Risk, frozenset[int]]] = []
    for rule, now in rule_risks.items():
        was = before.rule_risks.get(rule)
        if was is now:
            continue
        if was is None or rule not in before.rule_goals:
            return None
        kept = {id(risk) for risk in now}
        had = {id(risk) for risk in was}
        went = [
            (risk, goals)
            for risk, goals in zip(was, before.rule_goals[rule], strict=True)
            if id(risk) not in kept
        ]
        came_risks = [(n, risk) for n, risk in enumerate(now) if id(risk) not in had]
        if len(removed) + len(went) + len(added) + len(came_risks) > MOST_CHANGED:
            return None
        goals = goals_of_rule(rule)
        removed += went
        added += [(risk, goals[n]) for n, risk in came_risks]
    return RiskChanges(removed, added)


def updated_order(before: list[Risk], changes: RiskChanges) -> list[Risk]:
    gone = {id(risk) for risk, _ in changes.removed}
    found = [risk for risk in before if id(risk) not in gone]
    for risk, _ in changes.added:
        insort(found, risk, key=order_key)
    return found


def updated_index(
    before: dict[K, list[Risk]],
    removed: Iterable[tuple[Risk, Iterable[K]]],
    added: Iterable[tuple[Risk, Iterable[K]]],
) -> dict[K, list[Risk]]:
    """`before` with each removed risk taken out of its keys' lists and each added one
    put in order into its keys' lists; lists left empty go, as a fresh index has none.
    Only the lists changed are copied: the others are shared with `before`."""
    index = dict(before)
    copied: set[K] = set()

    def own(key: K) -> list[Risk]:
        if key not in copied:
            index[key] = list(index.get(key, ()))
            copied.add(key)
        return index[key]

    for risk, keys in removed:
        for key in dict.fromkeys(keys):
            mine = own(key)
            mine[:] = [other for other in mine if other is not risk]
    for risk, keys in added:
        for key in dict.fromkeys(keys):
            insort(own(key), risk, key=order_key)
    for key in copied:
        if not index[key]:
            del index[key]
    return index


def by_node(changes: Iterable[tuple[Risk, frozenset[int]]]) -> list[tuple[Risk, Iterable]]:
    """The changes keyed by the nodes each risk names, for the index by node."""
    return [(risk, risk.nodes) for risk, _ in changes]
