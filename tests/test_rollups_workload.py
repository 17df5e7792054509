"""Spreading task hours over weeks, and which goals a node serves (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server import models
from server.enums import GoalCategory, TaskStatus
from server.rollups.graph import OrgGraph
from server.rollups.reach import Reach
from server.rollups.rows import AlignmentRow, GoalRow, KeyResultRow, MilestoneRow, TaskRow
from server.rollups.sections import Section
from server.rollups.workload import hours_in_week, weeks_between, workload
from server.settings import Thresholds

MON, NEXT_MON = date(2026, 1, 12), date(2026, 1, 19)


def task(id=1, start=None, due=None, hours="10", status=TaskStatus.TODO, **keys) -> TaskRow:
    estimate = None if hours is None else D(hours)
    return TaskRow(
        id,
        f"t{id}",
        keys.get("campaign"),
        keys.get("key_result"),
        None,
        None,
        status,
        start,
        due,
        estimate,
    )


@pytest.mark.parametrize(
    ("start", "due", "this_week", "next_week"),
    [
        (date(2026, 1, 12), date(2026, 1, 16), D(10), D(0)),  # Mon-Fri
        (date(2026, 1, 16), date(2026, 1, 19), D(5), D(5)),  # Fri..Mon: two weekdays
        (date(2026, 1, 17), date(2026, 1, 18), D(10), D(0)),  # a weekend: both days
        (None, date(2026, 1, 21), D(0), D(10)),  # only a due date: that day
        (date(2026, 1, 14), None, D(10), D(0)),  # only a start date: that day
        (date(2026, 1, 5), date(2026, 1, 23), D(10) / 3, D(10) / 3),  # three weeks
    ],
)
def test_hours_spread_over_the_weekdays_of_the_span(start, due, this_week, next_week):
    row = task(start=start, due=due)

    assert hours_in_week(row, MON, Thresholds()) == this_week
    assert hours_in_week(row, NEXT_MON, Thresholds()) == next_week


def test_closed_and_undated_tasks_book_nothing():
    thresholds = Thresholds()
    done = task(start=MON, due=MON, status=TaskStatus.DONE)

    assert hours_in_week(done, MON, thresholds) == 0
    assert hours_in_week(task(), MON, thresholds) == 0


def test_weeks_between_are_whole_weeks():
    assert weeks_between(date(2026, 1, 14), date(2026, 1, 26)) == [
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]


def test_workload_totals():
    tasks = [task(1, MON, MON, "3"), task(2, NEXT_MON, NEXT_MON, None)]

    load = workload(tasks, D(8), MON, NEXT_MON, Thresholds(unestimated_task_hours=D(2)))

    assert [(w.booked, w.overbooked) for w in load.weeks] == [(D(3), False), (D(2), False)]
    assert (load.capacity, load.booked) == (D(16), D(5))
    assert load.weeks[1].bookings[0].estimated is False


def goal(id, parent=None, archived=False) -> GoalRow:
    return GoalRow(id, parent, 1, "g", GoalCategory.OTHER, MON, NEXT_MON, D(1), archived=archived)


def test_a_node_serves_the_goals_above_it_while_they_are_live():
    # given: 1 <- 2 <- 3 (archived) <- 4; key results on 2 and 4; a campaign on both
    graph = OrgGraph(
        {
            Section.GOALS: [goal(1), goal(2, 1), goal(3, 2, archived=True), goal(4, 3)],
            Section.KEY_RESULTS: [
                KeyResultRow(10, 2, "k", D(0), D(1), D(0), MON, D(1)),
                KeyResultRow(11, 4, "k", D(0), D(1), D(0), MON, D(1)),
            ],
            Section.ALIGNMENTS: [AlignmentRow(20, 10, D("0.5")), AlignmentRow(20, 11, D("0.5"))],
            Section.TASKS: [task(30, campaign=20), task(31, key_result=11)],
            Section.MILESTONES: [MilestoneRow(40, "m", 1, "LAUNCH", MON, None, None, 10)],
        }
    )
    reach = Reach(graph)

    # then: the archived goal still holds what is under it, but is not under its parent
    assert reach.goals_above((models.KeyResult, 10)) == {1, 2}
    assert reach.goals_above((models.KeyResult, 11)) == {3, 4}
    assert reach.goals_above((models.Campaign, 20)) == {1, 2, 3, 4}
    assert reach.goals_above((models.Task, 30)) == {1, 2, 3, 4}
    assert reach.goals_above((models.Task, 31)) == {3, 4}
    assert reach.goals_above((models.Milestone, 40)) == {1, 2}
    assert reach.goals_above((models.Goal, 3)) == {3}
    assert reach.goals_above((models.User, 1)) == frozenset()
