"""The progress formulas and health thresholds on hand-built rows (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server.enums import CampaignStatus, GoalCategory, TaskStatus
from server.rollups.arithmetic import amount, apportioned, elapsed_fraction
from server.rollups.graph import OrgGraph
from server.rollups.progress import (
    GoalProgress,
    Health,
    campaign_progress,
    judge,
    key_result_progress,
)
from server.rollups.rows import CampaignRow, GoalRow, KeyResultRow, TaskRow
from server.rollups.sections import Section
from server.settings import Thresholds

DEFAULTS = Thresholds()
JAN_1, JAN_10 = date(2026, 1, 1), date(2026, 1, 10)


def goal(id, parent=None, weight="1", start=JAN_1, end=JAN_10, archived=False) -> GoalRow:
    return GoalRow(id, parent, 1, f"g{id}", GoalCategory.OTHER, start, end, D(weight), archived)


def kr(id, goal_id, start, target, current, weight="1", due=JAN_10) -> KeyResultRow:
    return KeyResultRow(id, goal_id, f"k{id}", D(start), D(target), D(current), due, D(weight))


def task(id, status=TaskStatus.TODO, hours=None) -> TaskRow:
    estimate = None if hours is None else D(hours)
    return TaskRow(id, f"t{id}", 1, None, None, None, status, None, None, estimate)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 12, 31), D(0)),  # before the first day
        (JAN_1, D("0.1")),  # the first day is under way
        (date(2026, 1, 5), D("0.5")),
        (JAN_10, D(1)),  # the last day
        (date(2026, 3, 1), D(1)),  # after the end
    ],
)
def test_expected_progress_is_the_elapsed_fraction_of_the_period(today, expected):
    assert elapsed_fraction(JAN_1, JAN_10, today) == expected


def test_a_period_ending_before_it_starts_lasts_one_day():
    assert elapsed_fraction(JAN_10, JAN_1, JAN_10) == 1


@pytest.mark.parametrize(
    ("progress", "health"),
    [
        ("0.40", Health.ON_TRACK),  # exactly 0.10 behind: still on track
        ("0.3999", Health.AT_RISK),
        ("0.25", Health.AT_RISK),  # exactly 0.25 behind: at risk, not off track
        ("0.2499", Health.OFF_TRACK),
        ("0.9", Health.ON_TRACK),  # ahead
    ],
)
def test_health_thresholds_on_the_gap_behind_expectation(progress, health):
    assert judge(D(progress), D("0.5"), DEFAULTS, measured=True, done=False) == health


def test_health_thresholds_come_from_settings():
    strict = Thresholds(health_at_risk_gap=D("0.01"), health_off_track_gap=D("0.05"))

    assert judge(D("0.48"), D("0.5"), strict, measured=True, done=False) == Health.AT_RISK
    assert judge(D("0.44"), D("0.5"), strict, measured=True, done=False) == Health.OFF_TRACK


def test_nothing_expected_and_nothing_done_is_not_started():
    assert judge(D(0), D(0), DEFAULTS, measured=True, done=False) == Health.NOT_STARTED
    assert judge(D("0.1"), D(0), DEFAULTS, measured=True, done=False) == Health.ON_TRACK


def test_key_result_formulas():
    today = date(2026, 1, 5)
    rising = key_result_progress(kr(1, 1, 10, 30, 15), JAN_1, today, DEFAULTS)
    falling = key_result_progress(kr(2, 1, "5", "3", "3.5"), JAN_1, today, DEFAULTS)
    flat = key_result_progress(kr(3, 1, 7, 7, 7), JAN_1, today, DEFAULTS)

    assert (rising.attainment, rising.progress, rising.health) == (
        D("0.25"),
        D("0.25"),
        Health.AT_RISK,
    )
    assert (falling.attainment, falling.health) == (D("0.75"), Health.ON_TRACK)
    assert (flat.attainment, flat.health) == (1, Health.DONE)


def test_a_key_result_period_starts_with_its_goal_and_ends_on_its_due_date():
    result = key_result_progress(kr(1, 1, 0, 1, 0, due=date(2026, 1, 20)), JAN_1, JAN_10, DEFAULTS)

    assert result.expected == D("0.5")


def graph_of(goals, key_results) -> OrgGraph:
    return OrgGraph({Section.GOALS: goals, Section.KEY_RESULTS: key_results})


def test_goal_weights_and_zero_weights():
    # given: KRs weighing 3 and 4 at 1 and 0, and one weighing 0
    graph = graph_of(
        [goal(1)], [kr(1, 1, 0, 1, 1, "3"), kr(2, 1, 0, 1, 0, "4"), kr(3, 1, 0, 1, 1, "0")]
    )

    # when
    result = GoalProgress(graph, date(2026, 1, 5), DEFAULTS).goal(1)

    # then: 3 / 7 - the "why 43%" the breakdown explains
    assert amount(result.progress) == D("0.4286")
    assert [c.counted for c in result.contributions] == [True, True, False]
    assert sum(c.contribution for c in result.contributions) == result.progress


def test_goal_whose_children_all_weigh_nothing_is_not_started():
    graph = graph_of([goal(1)], [kr(1, 1, 0, 1, 1, "0")])

    result = GoalProgress(graph, date(2026, 1, 5), DEFAULTS).goal(1)

    assert (result.measured, result.health) == (False, Health.NOT_STARTED)


def test_cyclic_goals_terminate():
    # given: corrupt data, 1 -> 2 -> 1
    graph = graph_of([goal(1, parent=2), goal(2, parent=1)], [kr(1, 2, 0, 1, 1)])

    # when
    result = GoalProgress(graph, date(2026, 1, 5), DEFAULTS).goal(1)

    # then: the loop is cut where it closes
    assert result.progress == 1


def test_archived_child_goals_are_left_out():
    graph = graph_of([goal(1), goal(2, parent=1, archived=True)], [kr(1, 2, 0, 1, 1)])

    result = GoalProgress(graph, date(2026, 1, 5), DEFAULTS).goal(1)

    assert result.health == Health.NOT_STARTED


def test_campaign_tasks_without_estimates_weigh_the_configured_hours():
    campaign = CampaignRow(1, "c", 1, "", JAN_1, JAN_10, CampaignStatus.ACTIVE, D(0), "USD")
    tasks = [task(1, TaskStatus.DONE), task(2, hours="2")]

    default = campaign_progress(campaign, tasks, date(2026, 1, 5), DEFAULTS)
    custom = campaign_progress(
        campaign, tasks, date(2026, 1, 5), Thresholds(unestimated_task_hours=D(8))
    )

    assert default.progress == D(4) / D(6)
    assert custom.progress == D("0.8")


@pytest.mark.parametrize(
    ("parts", "whole", "shown"),
    [
        (["0.33333", "0.33333", "0.33334"], "1.0000", ["0.3333", "0.3333", "0.3334"]),
        (["0.166666", "0.166666", "0.166666"], "0.5000", ["0.1667", "0.1667", "0.1666"]),
        (["0.12344", "0.00001"], "0.1234", ["0.1234", "0.0000"]),
        (["0.5", "0"], "0.5000", ["0.5000", "0.0000"]),
        ([], "0", []),
    ],
)
def test_apportioned_parts_add_up_to_the_whole(parts, whole, shown):
    result = apportioned([D(p) for p in parts], D(whole))

    assert result == [D(s) for s in shown]
    assert sum(result, D(0)) == D(whole)
