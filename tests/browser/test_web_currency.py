"""The web client with fiscal periods and the reporting currency, on the demo: the period
filter offers the periods that hold work, and a goal with USD and EUR work shows its
budget and spend in USD instead of "no budget"."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

PERIODS = "{ fiscalPeriods { name kind } }"
GOALS = """
{ goals(first: 100) { nodes { id title money { currency byCurrency { currency }
  reporting { budget { amount } spendToDate { amount } complete } } } } }
"""
IN_PERIOD = """
query($name: String!) { goals(filter: {periodOverlaps: {name: $name}}, first: 100) {
  totalCount } }
"""


def test_the_period_filter_offers_the_fiscal_periods_holding_work(page, api):
    # given
    periods = api(PERIODS)["fiscalPeriods"]
    counts = {
        p["name"]: api(IN_PERIOD, name=p["name"])["goals"]["totalCount"]
        for p in periods
        if p["kind"] == "QUARTER"
    }
    quarter = next(name for name, count in counts.items() if count > 0)
    sign_in(page)
    period = page.get_by_role("combobox", name="Period")

    # then: "All", then every period the API lists, in its order
    expect(period.locator("option")).to_have_count(len(periods) + 1)
    values = period.locator("option").evaluate_all("(options) => options.map((o) => o.value)")
    assert values == ["", *(p["name"] for p in periods)]

    # when
    period.select_option(quarter)

    # then: the goals overlapping that quarter, by its name
    expect(page.get_by_text(f"{counts[quarter]} goals match the filters")).to_be_visible()
    expect(page.get_by_role("treeitem")).to_have_count(counts[quarter])
    assert f"period={quarter}" in page.url
    screenshot(page, "period-filter")


def test_a_goal_in_two_currencies_shows_its_budget_in_the_reporting_currency(page, api):
    # given
    goal = next(
        g
        for g in api(GOALS)["goals"]["nodes"]
        if g["money"]["currency"] is None
        and len(g["money"]["byCurrency"]) > 1
        and g["money"]["reporting"]["complete"]
    )
    budget = float(goal["money"]["reporting"]["budget"]["amount"])
    sign_in(page)

    # when
    page.goto(f"/#/goals/{goal['id']}")

    # then
    expect(page.get_by_test_id("detail-title")).to_have_text(goal["title"])
    expect(page.locator("[data-figure=reporting-budget]")).to_have_text(f"US${budget:,.0f}")
    screenshot(page, "reporting-currency")
