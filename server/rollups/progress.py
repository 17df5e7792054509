"""Progress, attainment, expected progress and health of key results, goals and campaigns.

- Key result: attainment = (current - start) / (target - start), unclamped, so it works
  for decreasing targets too; progress is attainment clamped to [0, 1].
- Goal: the weighted mean over its live key results and live child goals that measure
  something; a goal with nothing (weighted) under it is NOT_STARTED.
- Campaign: the share of its estimated hours that belong to done tasks.
- Expected progress: the elapsed fraction of the period; health compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from server import models
from server.enums import CampaignStatus, TaskStatus
from server.rollups import rows as r
from server.rollups.arithmetic import (
    ONE,
    ZERO,
    apportioned,
    clamp,
    elapsed_fraction,
    fraction,
)
from server.rollups.graph import OrgGraph
from server.settings import Thresholds

CLOSED_CAMPAIGN = (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED)


class Health(StrEnum):
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"
    NOT_STARTED = "NOT_STARTED"
    DONE = "DONE"


NodeKey = tuple[type[models.Model], int]


@dataclass(frozen=True)
class Contribution:
    """One child's part in a parent's progress: `share` is its weight over the total
    weight of what counts, `contribution` = share x progress; they add up to the
    parent's progress. Children that measure nothing are listed but not counted."""

    node: NodeKey
    weight: Decimal
    progress: Decimal
    share: Decimal
    contribution: Decimal
    counted: bool


@dataclass(frozen=True)
class Progress:
    progress: Decimal
    attainment: Decimal
    expected: Decimal
    health: Health
    measured: bool
    total_weight: Decimal = ZERO
    contributions: tuple[Contribution, ...] = ()


def shown_contributions(result: Progress) -> tuple[Contribution, ...]:
    """The breakdown as shown: shares and contributions rounded to 4 places by largest
    remainder, so the shown contributions add up to the shown progress and the shown
    shares to 1 (rounding each on its own could miss both by a few ten-thousandths)."""
    counted = [c for c in result.contributions if c.counted]
    if not counted:
        return result.contributions
    shares = apportioned([c.share for c in counted], ONE)
    parts = apportioned([c.contribution for c in counted], fraction(result.progress))
    rounded = {
        id(c): replace(c, share=share, contribution=part)
        for c, share, part in zip(counted, shares, parts, strict=True)
    }
    return tuple(rounded.get(id(c), c) for c in result.contributions)


def judge(
    progress: Decimal, expected: Decimal, thresholds: Thresholds, *, measured: bool, done: bool
) -> Health:
    """Health from how far progress lags behind expectation (the gap, in fractions)."""
    if not measured:
        return Health.NOT_STARTED
    if done:
        return Health.DONE
    if expected == 0 and progress == 0:
        return Health.NOT_STARTED
    gap = expected - progress
    if gap > thresholds.health_off_track_gap:
        return Health.OFF_TRACK
    if gap > thresholds.health_at_risk_gap:
        return Health.AT_RISK
    return Health.ON_TRACK


def attainment_of(kr: r.KeyResultRow) -> Decimal:
    span = kr.target_value - kr.start_value
    if span == 0:
        return ONE if kr.current_value == kr.target_value else ZERO
    return (kr.current_value - kr.start_value) / span


def key_result_progress(
    kr: r.KeyResultRow, period_start: date, today: date, thresholds: Thresholds
) -> Progress:
    """A key result's period runs from its goal's start to its own due date."""
    attainment = attainment_of(kr)
    progress = clamp(attainment)
    expected = elapsed_fraction(period_start, kr.due_date, today)
    health = judge(progress, expected, thresholds, measured=True, done=attainment >= ONE)
    return Progress(progress, attainment, expected, health, measured=True, total_weight=ONE)


def _weighted(items: Sequence[tuple[NodeKey, Decimal, Progress]]) -> tuple[Decimal, ...]:
    counted = [(weight, p) for _, weight, p in items if p.measured and weight > 0]
    total = sum((weight for weight, _ in counted), ZERO)
    if total == 0:
        return ZERO, ZERO, ZERO
    progress = sum((w * p.progress for w, p in counted), ZERO) / total
    attainment = sum((w * p.attainment for w, p in counted), ZERO) / total
    return total, progress, attainment


def _contributions(items: Sequence[tuple[NodeKey, Decimal, Progress]], total: Decimal):
    out = []
    for node, weight, p in items:
        counted = p.measured and weight > 0 and total > 0
        share = weight / total if counted else ZERO
        out.append(Contribution(node, weight, p.progress, share, share * p.progress, counted))
    return tuple(out)


def unmeasured_key_result(
    kr: r.KeyResultRow, period_start: date, today: date, thresholds: Thresholds
) -> Progress:
    """A measured key result whose formula has no value yet (a ratio over nothing): it
    measures nothing, like an empty goal, so its goal's mean leaves it out."""
    expected = elapsed_fraction(period_start, kr.due_date, today)
    return Progress(ZERO, ZERO, expected, Health.NOT_STARTED, measured=False, total_weight=ONE)


MeasuredValue = Callable[[int], "Decimal | None"]
"""A measured key result's computed value by ID (None: no value)."""


class GoalProgress:
    """Goal progress for any goal of a graph, each subtree computed once. A measured key
    result's progress reads its computed value (`measured`) where a typed one reads its
    current value."""

    def __init__(
        self,
        graph: OrgGraph,
        today: date,
        thresholds: Thresholds,
        measured: MeasuredValue | None = None,
    ) -> None:
        self.graph, self.today, self.thresholds = graph, today, thresholds
        self.measured = measured
        self.goals: dict[int, Progress] = {}
        self.key_results: dict[int, Progress] = {}
        """Memos by ID, which a later engine may take over (`server.rollups.carry`)."""
        self._visiting: set[int] = set()

    def key_result(self, key_result_id: int) -> Progress:
        if key_result_id not in self.key_results:
            kr = self.graph.key_results[key_result_id]
            goal = self.graph.goals.get(kr.goal_id)
            start = goal.period_start if goal else kr.due_date
            if kr.source.measured and self.measured is not None:
                value = self.measured(key_result_id)
                if value is None:
                    self.key_results[key_result_id] = unmeasured_key_result(
                        kr, start, self.today, self.thresholds
                    )
                    return self.key_results[key_result_id]
                kr = replace(kr, current_value=value)
            self.key_results[key_result_id] = key_result_progress(
                kr, start, self.today, self.thresholds
            )
        return self.key_results[key_result_id]

    def goal(self, goal_id: int) -> Progress:
        if goal_id not in self.goals:
            if goal_id in self._visiting:  # corrupt, cyclic data: the loop measures nothing
                return Progress(ZERO, ZERO, ZERO, Health.NOT_STARTED, measured=False)
            self._visiting.add(goal_id)
            try:
                self.goals[goal_id] = self._compute(self.graph.goals[goal_id])
            finally:
                self._visiting.discard(goal_id)
        return self.goals[goal_id]

    def _compute(self, goal: r.GoalRow) -> Progress:
        items: list[tuple[NodeKey, Decimal, Progress]] = [
            ((models.KeyResult, kr.id), kr.weight, self.key_result(kr.id))
            for kr in self.graph.live_key_results_of.get(goal.id, [])
        ]
        items += [
            ((models.Goal, child.id), child.weight, self.goal(child.id))
            for child in self.graph.live_children.get(goal.id, [])
        ]
        total, progress, attainment = _weighted(items)
        expected = elapsed_fraction(goal.period_start, goal.period_end, self.today)
        measured = total > 0
        health = judge(progress, expected, self.thresholds, measured=measured, done=progress >= 1)
        return Progress(
            progress, attainment, expected, health, measured, total, _contributions(items, total)
        )


def task_weight(task: r.TaskRow, thresholds: Thresholds) -> Decimal:
    """Estimated hours; a task without an estimate weighs the configured default."""
    if task.estimate_hours is None:
        return thresholds.unestimated_task_hours
    return task.estimate_hours


def campaign_progress(
    campaign: r.CampaignRow, tasks: list[r.TaskRow], today: date, thresholds: Thresholds
) -> Progress:
    """Done hours over all hours of its live, not cancelled tasks; health against its dates
    (a completed or cancelled campaign is DONE whatever its tasks say)."""
    items = [
        (
            (models.Task, task.id),
            task_weight(task, thresholds),
            _task_progress(task),
        )
        for task in tasks
        if task.status != TaskStatus.CANCELLED
    ]
    total, progress, _ = _weighted(items)
    expected = elapsed_fraction(campaign.start_date, campaign.end_date, today)
    closed = campaign.status in CLOSED_CAMPAIGN
    measured = total > 0
    if closed:
        health = Health.DONE
    else:
        health = judge(progress, expected, thresholds, measured=measured, done=False)
    return Progress(
        progress, progress, expected, health, measured, total, _contributions(items, total)
    )


def _task_progress(task: r.TaskRow) -> Progress:
    done = ONE if task.status == TaskStatus.DONE else ZERO
    return Progress(done, done, ZERO, Health.DONE if done else Health.ON_TRACK, measured=True)
