"""Money formulas on hand-built rows (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server.enums import CampaignStatus, Channel, ResultMetric
from server.rollups.money import Bag, Figures, burn_factor, campaign_money
from server.rollups.rows import CampaignRow, ResultRow, SpendRow

JAN_1, JAN_10 = date(2026, 1, 1), date(2026, 1, 10)


def test_a_bag_never_adds_two_currencies():
    total = Bag.of("USD", D("1.10")) + Bag.of("EUR", D(2)) + Bag.of("USD", D("0.90"))

    assert total.currencies == ("EUR", "USD")
    assert (total.get("USD"), total.get("EUR"), total.get("GBP")) == (D(2), D(2), D(0))


def test_shares_are_exact():
    third = Bag.of("USD", D("100.00")).scaled(D("0.3333"))

    assert third.get("USD") == D("33.330000")


@pytest.mark.parametrize(
    ("today", "factor"),
    [
        (date(2025, 12, 20), D(1)),  # not started: nothing to extrapolate
        (JAN_1, D(10)),  # one day of ten over
        (date(2026, 1, 4), D("2.5")),
        (JAN_10, D(1)),  # the last day: spend to date is the projection
        (date(2026, 2, 1), D(1)),
    ],
)
def test_burn_factor(today, factor):
    assert burn_factor(JAN_1, JAN_10, today) == factor


def test_figures_derive_roi_and_cost_per_lead():
    figures = Figures(
        Bag.of("USD", D(100)),
        Bag.of("USD", D(40)),
        Bag.of("USD", D(80)),
        {(ResultMetric.LEADS, None): D(8), (ResultMetric.REVENUE, "USD"): D(100)},
    )

    assert figures.currency == "USD"
    assert figures.roi("USD") == D("1.5")
    assert figures.cost_per_lead() == D(5)


def test_no_cost_per_lead_across_currencies():
    figures = Figures(
        None, Bag.of("USD", D(40)) + Bag.of("EUR", D(1)), results={(ResultMetric.LEADS, None): D(8)}
    )

    assert (figures.currency, figures.cost_per_lead()) == (None, None)


def test_campaign_money_channels_include_quiet_declared_channels():
    campaign = CampaignRow(1, "c", 1, "", JAN_1, JAN_10, CampaignStatus.ACTIVE, D(10), "EUR")
    spend = [SpendRow(1, JAN_1, Channel.PR, D(3), "EUR")]
    results = [ResultRow(1, JAN_1, None, ResultMetric.CLICKS, D("2.5"))]

    money = campaign_money(campaign, [Channel.EMAIL], spend, results, JAN_10)

    assert list(money.channels) == [Channel.EMAIL, Channel.PR, None]
    assert money.channels[Channel.EMAIL].spend == Bag.of("EUR", D(0))
    assert money.total.spend == Bag.of("EUR", D(3))
    assert money.total.results == {(ResultMetric.CLICKS, None): D("2.5")}


def test_campaign_money_for_a_period_counts_entries_from_its_start():
    campaign = CampaignRow(1, "c", 1, "", JAN_1, JAN_10, CampaignStatus.ACTIVE, D(10), "USD")
    spend = [SpendRow(1, JAN_1, None, D(3), "USD"), SpendRow(1, JAN_10, None, D(4), "USD")]

    money = campaign_money(campaign, [], spend, [], JAN_10, since=date(2026, 1, 2))

    assert money.total.spend == Bag.of("USD", D(4))
