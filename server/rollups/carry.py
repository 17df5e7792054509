"""What a new engine takes over from the engine of the snapshot before it.

A write changes a few rows, and an engine computed afresh recomputed the whole
organisation (every goal's progress; with the calendar, every risk: 185 ms at 10 000
nodes after a check-in). A section the write did not touch is the very same list in
both graphs (`from_model.section` keeps it with the snapshot), so whatever was computed
from untouched sections alone is still right and is taken over:

- goal and key result progress when goals and key results are untouched; when only key
  results changed, all but the changed key results and the goals above them; a measured
  key result (`server.measured`) whose computed value another write moved (a result or
  spend entry, an alignment, a campaign) counts as changed too, and so do the goals
  above it;
- the measurements of measured key results when nothing they read changed (all but
  the changed key results' when only key results did);
- the graph's indexes built from an untouched section (campaigns by id, spend by
  campaign, ...);
- campaign progress (campaigns, tasks) and campaign money (campaigns, channels, spend,
  results); key result and goal money, and the periods' portfolios, also need goals,
  alignments and the key results' shape (their goal, title and whether they are
  archived) unchanged;
- each risk rule's risks, when what it reads (`RULE_READS`) is unchanged, and the goals
  above them when what places a node under goals (`REACH`) is unchanged too; the rules
  about one key result each (`PER_KEY_RESULT`) keep the risks of the key results a
  write left alone;
- while nodes stay under the same goals, the lists of every risk in order, by goal and
  by node, which the new engine updates with the risks that went and came
  (`server.rollups.risk_index`).

Only an engine of the same day and thresholds is taken over from. Its memos are copied
on the event loop (`Carried.of`), where alone the engine is used once shared, and
compared and kept on the worker thread that computes the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from server.rollups.graph import OrgGraph
from server.rollups.risk_index import RiskIndexes
from server.rollups.sections import CAMPAIGN_MONEY, PROGRESS, Section

if TYPE_CHECKING:
    from server.rollups.engine import Rollups

KEY_RESULT_SHAPE = "key_result_shape"
"""A read of key results' goal, title and archived flag only (not their values)."""

SHARES = (Section.GOALS, Section.ALIGNMENTS, KEY_RESULT_SHAPE)
REACH = (Section.GOALS, KEY_RESULT_SHAPE, Section.ALIGNMENTS, Section.TASKS, Section.MILESTONES)
"""What `server.rollups.reach` reads to place a node under goals."""
MEASURE_INPUTS = (
    Section.GOALS,
    Section.CAMPAIGNS,
    Section.ALIGNMENTS,
    Section.SPEND,
    Section.RESULTS,
    Section.RATES,
)
"""What a measured key result's value reads besides its own row."""
MEASURES = (*MEASURE_INPUTS, Section.KEY_RESULTS)


@dataclass(frozen=True)
class Carried:
    """The engine before, as a new engine may take it over: its graph, day and
    thresholds, and copies of its memos."""

    graph: OrgGraph
    today: date
    thresholds: Any
    memos: dict[str, dict]
    rule_risks: dict[str, list]
    rule_goals: dict[str, list]
    portfolios: list
    risks: RiskIndexes | None

    @classmethod
    def of(cls, engine: Rollups) -> Carried:
        """Copies of `engine`'s memos (call on the event loop)."""
        return cls(
            engine.graph,
            engine.today,
            engine.thresholds,
            {name: dict(memo) for name, memo in engine.memos().items()},
            dict(engine.rule_risks),
            dict(engine.rule_goals),
            engine.portfolios(),
            engine.risk_indexes(),
        )


class Comparison:
    """Which sections two graphs share, and which key results changed between them."""

    def __init__(self, before: OrgGraph, after: OrgGraph) -> None:
        self.before, self.after = before, after
        self._changed_key_results: set[int] | None = None
        self.remeasured: set[int] = set()
        """Measured key results whose computed value moved (set by `taken_over`)."""

    def same(self, reads: Iterable[Section | str]) -> bool:
        return all(self._same(read) for read in reads)

    def _same(self, read: Section | str) -> bool:
        if read == KEY_RESULT_SHAPE:
            return self._same(Section.KEY_RESULTS) or (
                self._same(Section.GOALS) and self._shapes_kept()
            )
        section = Section(read)
        before, after = self.before, self.after
        return (
            before.has(section)
            and after.has(section)
            and (before.rows(section) is after.rows(section))
        )

    def changed_key_results(self) -> set[int]:
        """Key results added, removed or changed in any column."""
        if self._changed_key_results is None:
            old, new = self.before.key_results, self.after.key_results
            self._changed_key_results = {
                pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)
            }
        return self._changed_key_results

    def changed_check_ins(self) -> set[int]:
        """Key results whose latest check-in is another than before."""
        if self.same((Section.CHECK_INS,)):
            return set()
        if not (self.before.has(Section.CHECK_INS) and self.after.has(Section.CHECK_INS)):
            return set(self.before.key_results) | set(self.after.key_results)
        old, new = self.before.last_check_in, self.after.last_check_in
        return {pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)}

    def changed_status_updates(self) -> set[int]:
        """Key results whose latest status update is another day than before."""
        if self.same((Section.STATUS_UPDATES,)):
            return set()
        if not (self.before.has(Section.STATUS_UPDATES) and self.after.has(Section.STATUS_UPDATES)):
            return set(self.before.key_results) | set(self.after.key_results)
        old, new = self.before.last_key_result_update, self.after.last_key_result_update
        return {pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk)}

    def _shapes_kept(self) -> bool:
        if not (self.before.has(Section.KEY_RESULTS) and self.after.has(Section.KEY_RESULTS)):
            return False
        old, new = self.before.key_results, self.after.key_results
        for pk in self.changed_key_results():
            was, now = old.get(pk), new.get(pk)
            if was is None or now is None:
                return False
            if (was.goal_id, was.title, was.archived) != (now.goal_id, now.title, now.archived):
                return False
        return True

    def goals_above_changed_key_results(self) -> set[int]:
        """The goals of changed key results (before and after), of key results whose
        computed value moved, and every goal above them."""
        goals = self.after.goals
        start = {
            row.goal_id
            for graph in (self.before, self.after)
            for pk in self.changed_key_results() | self.remeasured
            if (row := graph.key_results.get(pk)) is not None
        }
        found: set[int] = set()
        for goal_id in start:
            current: int | None = goal_id
            while current is not None and current not in found:
                found.add(current)
                goal = goals.get(current)
                current = goal.parent_id if goal is not None else None
        return found


def taken_over(
    carried: Carried,
    engine: Rollups,
    rule_reads: dict[str, tuple],
    per_key_result: dict | None = None,
) -> None:
    """Seed `engine` (not shared yet) with what stays right of `carried`."""
    if carried.today != engine.today or carried.thresholds != engine.thresholds:
        return
    engine.graph.take_indexes(carried.graph)
    compare = Comparison(carried.graph, engine.graph)
    memos = carried.memos
    compare.remeasured = _measures_taken_over(memos, engine, compare)
    if compare.same(PROGRESS) and not compare.remeasured:
        engine.seed("goal_progress", memos["goal_progress"])
        engine.seed("key_result_progress", memos["key_result_progress"])
    elif compare.same((Section.GOALS,)) and compare.before.has(Section.KEY_RESULTS):
        goals = compare.goals_above_changed_key_results()
        key_results = compare.changed_key_results() | compare.remeasured
        engine.seed("goal_progress", _without(memos["goal_progress"], goals))
        engine.seed("key_result_progress", _without(memos["key_result_progress"], key_results))
    if compare.same((Section.CAMPAIGNS, Section.TASKS)):
        engine.seed("campaign_progress", memos["campaign_progress"])
    if compare.same(CAMPAIGN_MONEY):
        engine.seed("campaign_money", memos["campaign_money"])
        if compare.same(SHARES):
            for name in ("key_result_money", "goal_money", "goal_shares"):
                engine.seed(name, memos[name])
            engine.seed_portfolios(carried.portfolios)
    placed = compare.same(REACH)
    for rule, reads in rule_reads.items():
        if rule in carried.rule_risks and compare.same(reads):
            engine.rule_risks[rule] = carried.rule_risks[rule]
            if placed and rule in carried.rule_goals:
                engine.rule_goals[rule] = carried.rule_goals[rule]
    if per_key_result and compare.same((Section.GOALS,)):
        _key_results_found_again(carried, engine, compare, placed, per_key_result)
    if placed and carried.risks is not None:
        engine.seed_risks(carried.risks)


def _key_results_found_again(
    carried: Carried, engine: Rollups, compare: Comparison, placed: bool, per_key_result: dict
) -> None:
    """The risks of per-key-result rules found again for the key results whose row or
    latest check-in or status update changed; the others' risks are taken over as they
    were (goals and the day unchanged, a key result's risks read only its own row, goal,
    check-ins and status updates)."""
    if not (compare.before.has(Section.KEY_RESULTS) and compare.after.has(Section.KEY_RESULTS)):
        return
    changed = (
        compare.changed_key_results()
        | compare.changed_check_ins()
        | compare.changed_status_updates()
        | compare.remeasured
    )
    graph = engine.graph
    again = [
        graph.key_results[pk]
        for pk in sorted(changed)
        if pk in graph.key_results and graph.key_result_live(pk)
    ]
    for rule, among in per_key_result.items():
        was = carried.rule_risks.get(rule)
        if rule in engine.rule_risks or was is None:
            continue
        kept = [risk for risk in was if risk.node[1] not in changed]
        risks = sorted([*kept, *among(engine, again)], key=lambda risk: risk.node[1])
        engine.rule_risks[rule] = risks
        if placed and rule in carried.rule_goals:
            goals_of = {
                id(risk): goals for risk, goals in zip(was, carried.rule_goals[rule], strict=True)
            }
            above = engine.reach.goals_above
            engine.rule_goals[rule] = [
                goals_of.get(id(risk)) or frozenset().union(*(above(k) for k in risk.nodes))
                for risk in risks
            ]


def _measures_taken_over(memos: dict[str, dict], engine: Rollups, compare: Comparison) -> set[int]:
    """Seed the measurements that stay right; measure the others again and answer the
    measured key results whose value moved (or was not known before)."""
    before = memos.get("key_result_measures", {})
    if compare.same(MEASURES):
        engine.seed("key_result_measures", before)
        return set()
    if compare.same(MEASURE_INPUTS) and compare.before.has(Section.KEY_RESULTS):
        engine.seed("key_result_measures", _without(before, compare.changed_key_results()))
        return set()
    if not engine.graph.has(Section.KEY_RESULTS) or not engine.graph.has(Section.GOALS):
        return set()
    if not all(engine.graph.has(section) for section in MEASURE_INPUTS):
        return set()
    moved = set()
    for pk, kr in engine.graph.key_results.items():
        if not kr.source.measured:
            continue
        now, was = engine.key_result_measurement(pk), before.get(pk)
        if was is None or now is None or was.value != now.value:
            moved.add(pk)
    return moved


def _without(memo: dict, dropped: set[int]) -> dict:
    return {key: value for key, value in memo.items() if key not in dropped}
