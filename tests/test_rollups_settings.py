"""Rollup thresholds are settings: documented defaults, environment, one-line refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.settings import SettingsError, Thresholds, load_settings


def test_threshold_defaults():
    assert load_settings(env={}).thresholds == Thresholds(
        health_at_risk_gap=Decimal("0.10"),
        health_off_track_gap=Decimal("0.25"),
        stale_check_in_days=14,
        budget_critical_overrun=Decimal("0.10"),
        overdue_tasks_high=3,
        unestimated_task_hours=Decimal(4),
        capacity_weeks=4,
        capacity_high_overload=Decimal("0.25"),
        launches_per_day=1,
    )


def test_thresholds_from_the_environment():
    env = {
        "THROUGHLINE_HEALTH_AT_RISK_GAP": "0.05",
        "THROUGHLINE_HEALTH_OFF_TRACK_GAP": "0.2",
        "THROUGHLINE_STALE_CHECK_IN_DAYS": "7",
        "THROUGHLINE_BUDGET_CRITICAL_OVERRUN": "0.5",
        "THROUGHLINE_OVERDUE_TASKS_HIGH": "5",
        "THROUGHLINE_UNESTIMATED_TASK_HOURS": "2.5",
        "THROUGHLINE_CAPACITY_WEEKS": "8",
        "THROUGHLINE_CAPACITY_HIGH_OVERLOAD": "0.5",
        "THROUGHLINE_LAUNCHES_PER_DAY": "2",
    }

    thresholds = load_settings(env=env).thresholds

    assert thresholds == Thresholds(
        health_at_risk_gap=Decimal("0.05"),
        health_off_track_gap=Decimal("0.2"),
        stale_check_in_days=7,
        budget_critical_overrun=Decimal("0.5"),
        overdue_tasks_high=5,
        unestimated_task_hours=Decimal("2.5"),
        capacity_weeks=8,
        capacity_high_overload=Decimal("0.5"),
        launches_per_day=2,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THROUGHLINE_HEALTH_AT_RISK_GAP", "lots", "must be a decimal number"),
        ("THROUGHLINE_HEALTH_AT_RISK_GAP", "1.5", "must be between 0 and 1"),
        ("THROUGHLINE_HEALTH_OFF_TRACK_GAP", "0.05", "must not be below"),
        ("THROUGHLINE_STALE_CHECK_IN_DAYS", "0", "between 1 and 3650"),
        ("THROUGHLINE_UNESTIMATED_TASK_HOURS", "-1", "between 0 and 1000"),
        ("THROUGHLINE_BUDGET_CRITICAL_OVERRUN", "NaN", "between 0 and 10"),
    ],
)
def test_bad_thresholds_are_refused_in_one_line(name, value, message):
    with pytest.raises(SettingsError, match=message) as refused:
        load_settings(env={name: value})

    assert name in str(refused.value)
    assert "\n" not in str(refused.value)
