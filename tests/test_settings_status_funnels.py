"""The settings of status updates and funnels: defaults, the environment, refusals."""

from __future__ import annotations

import pytest

from server.enums import ResultMetric
from server.settings import SettingsError, load_settings


def test_defaults():
    # when
    settings = load_settings(env={})

    # then
    assert settings.thresholds.stale_status_update_days == 30
    assert settings.funnel_stages == (
        ResultMetric.MQL,
        ResultMetric.SQL,
        ResultMetric.OPPORTUNITIES,
        ResultMetric.REVENUE,
    )


def test_from_the_environment():
    # when
    settings = load_settings(
        env={
            "THROUGHLINE_STALE_STATUS_UPDATE_DAYS": "7",
            "THROUGHLINE_FUNNEL_STAGES": " impressions, Clicks ,SIGNUPS",
        }
    )

    # then
    assert settings.thresholds.stale_status_update_days == 7
    assert settings.funnel_stages == (
        ResultMetric.IMPRESSIONS,
        ResultMetric.CLICKS,
        ResultMetric.SIGNUPS,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THROUGHLINE_STALE_STATUS_UPDATE_DAYS", "0", "between 1 and 3650"),
        ("THROUGHLINE_STALE_STATUS_UPDATE_DAYS", "soon", "whole number"),
        ("THROUGHLINE_FUNNEL_STAGES", "MQL", "at least two different metrics"),
        ("THROUGHLINE_FUNNEL_STAGES", "MQL,MQL", "at least two different metrics"),
        ("THROUGHLINE_FUNNEL_STAGES", "MQL,DEALS", "DEALS is not one of"),
    ],
)
def test_bad_values_are_refused_in_one_line(name, value, message):
    with pytest.raises(SettingsError) as raised:
        load_settings(env={name: value})

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
