"""The Money view on the demo: its totals, team, channel and category rows are the API's
`portfolio` for the chosen fiscal period, converted into the reporting currency and
formatted by the client's format module; each currency's own amounts sit under them; the
period chooser lists `fiscalPeriods`; goals and campaigns show budget against spend in
their detail. At desktop (1440x900) and phone (390x844), light and dark."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in, sync_api
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

PERIODS = "{ fiscalPeriods { name kind start end } }"
REPORTED = """reporting { currency budget { amount currency } spendToDate { amount currency }
  projectedSpend { amount currency } revenue { amount currency }
  costPerLead { amount currency } roi complete gaps { message } }"""
PORTFOLIO = f"""
query($name: String!) {{ portfolio(period: {{name: $name}}) {{ campaigns
  total {{ leads byCurrency {{ currency budget spendToDate }} {REPORTED} }}
  byTeam {{ team {{ name }} money {{ leads {REPORTED} }} }}
  byChannel {{ channel leads {REPORTED} }}
  byCategory {{ category money {{ leads {REPORTED} }} }} }} }}
"""
GOALS = """
{ goals(first: 100) { nodes { id money { currency byCurrency { currency }
  reporting { currency complete budget { amount currency } spendToDate { amount currency } } } } } }
"""
CAMPAIGNS = """
{ campaigns(first: 100) { nodes { id name money { currency budget { amount currency }
  spendToDate { amount currency } projectedSpend { amount currency } } } } }
"""


def plain(text: str) -> str:
    """Intl puts no-break spaces (U+00A0, U+202F) where a reader sees a space."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def client_format(page, function: str, value) -> str:
    """`value` formatted by the client's own format module (web/format.js)."""
    return plain(
        page.evaluate(
            "async ([name, value]) => (await import('/format.js'))[name](value)",
            [function, value],
        )
    )


def expected_totals(page, reported: dict, leads: str) -> dict[str, str]:
    """What each total tile must read, from the API's converted figures."""
    revenue = reported["revenue"]
    if reported["roi"] is None:
        roi = "—"
    elif revenue is None or float(revenue["amount"]) == 0:
        roi = "no revenue recorded"
    else:
        roi = client_format(page, "percent", reported["roi"])
    return {
        "budget": client_format(page, "money", reported["budget"]),
        "spend": client_format(page, "money", reported["spendToDate"]),
        "projected": client_format(page, "money", reported["projectedSpend"]),
        "revenue": client_format(page, "money", reported["revenue"]),
        "leads": client_format(page, "count", leads),
        "cost-per-lead": client_format(page, "money", reported["costPerLead"]),
        "roi": roi,
    }


def shown_totals(page) -> dict[str, str]:
    tiles = page.get_by_test_id("money-totals").locator("dd")
    return {tile.get_attribute("data-figure"): plain(tile.inner_text()) for tile in tiles.all()}


def default_year(periods: list[dict]) -> str:
    today = pinned_now().date().isoformat()
    return next(
        p["name"] for p in periods if p["kind"] == "YEAR" and p["start"] <= today <= p["end"]
    )


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def test_the_totals_equal_the_portfolio_of_the_chosen_period(page, api):
    # given: the fiscal year of today (the default) and the busiest quarter
    periods = api(PERIODS)["fiscalPeriods"]
    year = default_year(periods)
    quarters = [p["name"] for p in periods if p["kind"] == "QUARTER"]
    by_quarter = {name: api(PORTFOLIO, name=name)["portfolio"] for name in quarters}
    converted = [q for q in quarters if by_quarter[q]["total"]["reporting"]["budget"]]
    quarter = max(converted, key=lambda name: by_quarter[name]["campaigns"])
    in_year = api(PORTFOLIO, name=year)["portfolio"]
    assert by_quarter[quarter]["campaigns"] > 0
    sign_in(page)

    # when
    page.get_by_role("link", name="Money").click()

    # then: the chooser offers every fiscal period, on the year holding today
    chooser = page.get_by_role("combobox", name="Period")
    expect(chooser).to_have_value(year)
    values = chooser.locator("option").evaluate_all("(options) => options.map((o) => o.value)")
    assert values == [p["name"] for p in periods]
    expect(page.get_by_test_id("money-period")).to_contain_text(f"{in_year['campaigns']} campaign")
    assert shown_totals(page) == expected_totals(
        page, in_year["total"]["reporting"], in_year["total"]["leads"]
    )

    # when
    chooser.select_option(quarter)

    # then: the quarter's figures, and the period in the address
    chosen = by_quarter[quarter]
    expect(page.get_by_test_id("money-period")).to_contain_text(f"{chosen['campaigns']} campaign")
    assert f"period={quarter}" in page.url
    expected = expected_totals(page, chosen["total"]["reporting"], chosen["total"]["leads"])
    assert expected["budget"] != "—"
    assert shown_totals(page) == expected
    currencies = [row["currency"] for row in chosen["total"]["byCurrency"]]
    expect(page.get_by_test_id("money-by-currency").locator("tbody tr")).to_have_count(
        len(currencies)
    )


def test_team_channel_and_category_rows_equal_the_portfolio(page, api):
    # given
    periods = api(PERIODS)["fiscalPeriods"]
    year = default_year(periods)
    portfolio = api(PORTFOLIO, name=year)["portfolio"]
    sign_in(page)

    # when
    page.goto(f"/#/money?period={year}")

    # then: one row per team, its budget, spend and projected spend as text
    teams = page.get_by_test_id("money-by-team-table").locator("tbody tr")
    expect(teams).to_have_count(len(portfolio["byTeam"]))
    for index, row in enumerate(portfolio["byTeam"]):
        shown = teams.nth(index)
        expect(shown.locator("th")).to_have_text(row["team"]["name"])
        reported = row["money"]["reporting"]
        for figure, key in [
            ("budget", "budget"),
            ("spend", "spendToDate"),
            ("projected", "projectedSpend"),
        ]:
            assert plain(shown.locator(f"[data-figure={figure}]").inner_text()) == (
                client_format(page, "money", reported[key])
            )

    # then: each channel's spend, leads, cost per lead and ROI
    channels = page.get_by_test_id("money-by-channel-table").locator("tbody tr")
    expect(channels).to_have_count(len(portfolio["byChannel"]))
    for index, row in enumerate(portfolio["byChannel"]):
        shown = channels.nth(index)
        expected = expected_totals(page, row["reporting"], row["leads"])
        for figure in ["spend", "revenue", "leads", "cost-per-lead", "roi"]:
            assert (
                plain(shown.locator(f"[data-figure={figure}]").inner_text()) == (expected[figure])
            ), (row["channel"], figure)

    # then: each goal category's budget
    categories = page.get_by_test_id("money-by-category-table").locator("tbody tr")
    expect(categories).to_have_count(len(portfolio["byCategory"]))
    for index, row in enumerate(portfolio["byCategory"]):
        assert plain(categories.nth(index).locator("[data-figure=budget]").inner_text()) == (
            client_format(page, "money", row["money"]["reporting"]["budget"])
        )


def test_a_missing_rate_blanks_the_converted_total_and_opens_each_currency(page, api):
    # given: a period the API cannot convert completely
    periods = api(PERIODS)["fiscalPeriods"]
    name, total = next(
        (p["name"], total)
        for p in periods
        if not (total := api(PORTFOLIO, name=p["name"])["portfolio"]["total"])["reporting"][
            "complete"
        ]
    )
    sign_in(page)

    # when
    page.goto(f"/#/money?period={name}")

    # then: the missing rates said, and every currency's own amounts in view
    expect(page.get_by_test_id("money-gap")).to_have_text(
        [gap["message"] for gap in total["reporting"]["gaps"]]
    )
    details = page.get_by_test_id("money-by-currency")
    expect(details).to_have_attribute("open", "")
    rows = details.locator("tbody tr")
    expect(rows).to_have_count(len(total["byCurrency"]))
    for index, row in enumerate(total["byCurrency"]):
        cells = rows.nth(index).locator("td")
        expected = page.evaluate(
            "async ([amount, code]) => (await import('/format.js')).currencyAmount(amount, code)",
            [row["budget"], row["currency"]],
        )
        expect(cells.first).to_have_text(expected)


def test_an_unknown_period_in_the_address_shows_the_current_year_to_a_viewer(page, api):
    # given
    year = default_year(api(PERIODS)["fiscalPeriods"])
    sign_in(page, "VIEWER")

    # when
    page.goto("/#/money?period=FY1900")

    # then
    expect(page.get_by_role("combobox", name="Period")).to_have_value(year)
    expect(page.get_by_test_id("money-totals")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_view_fits_the_screen_and_reads_well(page, size, scheme):
    # given
    page.emulate_media(color_scheme=scheme)
    sign_in(page)

    # when
    page.goto("/#/money")
    expect(page.get_by_test_id("money-totals")).to_be_visible()
    page.get_by_test_id("money-by-currency").evaluate("(details) => { details.open = true; }")

    # then: nothing wider than the screen, and nothing serious for axe
    width = SIZES[size]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious_violations(page)
    screenshot(page, f"money-{size}-{scheme}")


def test_a_campaign_shows_its_budget_against_its_spend(page, api):
    # given: a campaign in one currency that has a budget and has spent
    campaign = next(
        c
        for c in api(CAMPAIGNS)["campaigns"]["nodes"]
        if c["money"]["currency"]
        and c["money"]["budget"]
        and float(c["money"]["spendToDate"]["amount"]) > 0
    )
    money = campaign["money"]
    used = float(money["spendToDate"]["amount"]) / float(money["budget"]["amount"])
    sign_in(page)

    # when
    page.goto(f"/#/goals/{campaign['id']}")

    # then
    chart = page.get_by_test_id("budget-chart")
    expect(chart.locator("[data-figure=chart-budget]")).to_have_text(
        client_format(page, "money", money["budget"])
    )
    assert plain(chart.locator("[data-figure=chart-spend]").inner_text()) == client_format(
        page, "money", money["spendToDate"]
    )
    assert plain(chart.locator("[data-figure=budget-used]").inner_text()).startswith(
        f"{client_format(page, 'percent', used)} of the budget spent"
    )
    assert_no_serious_violations(page, include=".budget-chart")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SCREENSHOTS / "money-budget-chart.png"))


def test_a_goal_in_two_currencies_shows_budget_against_spend_converted(page, api):
    # given
    goal = next(
        g
        for g in api(GOALS)["goals"]["nodes"]
        if g["money"]["currency"] is None
        and len(g["money"]["byCurrency"]) > 1
        and g["money"]["reporting"]["complete"]
    )
    reported = goal["money"]["reporting"]
    sign_in(page)

    # when
    page.goto(f"/#/goals/{goal['id']}")

    # then: the converted figures, said to be converted
    chart = page.get_by_test_id("budget-chart")
    expect(chart).to_contain_text(f"Converted into {reported['currency']}.")
    expect(chart.locator("[data-figure=chart-budget]")).to_have_text(
        client_format(page, "money", reported["budget"])
    )
    expect(chart.locator("[data-figure=chart-spend]")).to_have_text(
        client_format(page, "money", reported["spendToDate"])
    )
