"""The web client's shell: formatting in one locale, the tree's columns, readable risks,
links that land where they point (also across sign-in), search by team, the phone
layout, dark mode and the skip link; at desktop (1440x900) and phone (390x844) sizes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import PASSWORD, USERS, screenshot, sign_in, sync_api

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

CAMPAIGNS = """
{ campaigns(first: 100) { nodes { id name money { currency leads roi spendToDate { amount }
  revenue { amount } } } } }
"""
GOALS = """
{ goals(first: 100) { nodes { id title money { currency
  byCurrency { currency budget spendToDate } } } } }
"""
TASKS = """
query($search: String) { tasks(first: 50, filter: {search: $search}) { nodes { id title
  campaign { id name keyResults(first: 1) { nodes { id goal { id } } } } } } }
"""
TRACE = "query($id: ID!) { trace(id: $id) { paths { nodes { __typename id } } } }"
RISKS = """
{ risks(first: 100) { totalCount nodes { severity message } } }
"""
TEAM_TASKS = """
query($teams: [ID!], $search: String!) {
  tasks(first: 100, filter: {teams: $teams, search: $search}) { totalCount nodes { id title } }
  goals(first: 100, filter: {teams: $teams, search: $search}) { totalCount nodes { id } }
  keyResults(first: 100, filter: {teams: $teams, search: $search}) { totalCount nodes { id } }
  campaigns(first: 100, filter: {teams: $teams, search: $search}) { totalCount nodes { id } } }
"""
TEAMS = "{ teams(first: 100) { nodes { id name } } }"


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def plain(text: str) -> str:
    """Intl puts no-break spaces (U+00A0, U+202F) where a reader sees a space."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def formatted(page, expression: str, locale: str | None = None) -> str:
    """Evaluate `expression` over the client's format module (`f`) and colour module (`c`)."""
    # The expression is part of the evaluated source: the page's policy forbids eval.
    return page.evaluate(
        f"""async (locale) => {{
            const f = await import("/format.js");
            const c = await import("/colour.js");
            if (locale !== null) f.setLocale(locale);
            return String({expression});
        }}""",
        locale,
    )


# ---------------------------------------------------------------------------------------
# Formatting in one place


@pytest.mark.parametrize(
    ("locale", "expression", "expected"),
    [
        ("en-GB", 'f.money({amount: "181500.00", currency: "USD"})', "US$181,500"),
        ("en-US", 'f.money({amount: "181500.00", currency: "USD"})', "$181,500"),
        ("en-GB", 'f.money({amount: "29700.00", currency: "EUR"})', "€29,700"),
        ("de-DE", 'f.money({amount: "29700.00", currency: "EUR"})', "29.700 €"),
        ("en-GB", 'f.money({amount: "12.5", currency: "XYZ"})', "XYZ 12.50"),
        ("en-GB", 'f.measure("8730000.0000", {currency: "USD"})', "US$8,730,000"),
        ("en-GB", 'f.measure("42.5000", {unit: "%"})', "42.5%"),
        ("en-GB", 'f.count("1161.8")', "1,162"),
        ("de-DE", 'f.number("1234.5")', "1.234,5"),
        ("en-US", "f.compact(8730000)", "8.7M"),
        ("en-US", 'f.compactMoney({amount: "181500", currency: "USD"})', "$181.5K"),
        ("en-GB", 'f.percent("0.2834")', "28.3%"),
        ("en-GB", 'f.percent("1.0000")', "100%"),
        ("en-GB", 'f.date("2026-11-12")', "12 Nov 2026"),
        ("en-US", 'f.date("2026-11-12")', "Nov 12, 2026"),
        ("en-GB", 'f.shortDate("2026-11-12")', "12 Nov"),
        ("en-GB", 'f.datesInText("late since 2026-11-12.")', "late since 12 Nov 2026."),
        ("en-GB", 'f.relativeTime("2026-11-15", new Date("2026-11-12T00:00:00"))', "in 3 days"),
        ("en-GB", 'f.relativeTime("2026-10-29", new Date("2026-11-12T00:00:00"))', "2 weeks ago"),
        (
            "en-GB",
            'f.roiText({roi: "-1.0000", revenue: {amount: "0.00", currency: "USD"}})',
            "no revenue recorded",
        ),
        ("en-GB", 'f.roiText({roi: "0.5000", revenue: {amount: "300", currency: "USD"}})', "50%"),
        ("en-GB", "f.roiText({roi: null})", "—"),
        ("en-GB", 'c.textOn("#ffd400")', "#000"),
        ("en-GB", 'c.textOn("#17213a")', "#fff"),
        ("en-GB", "c.contrast([0, 0, 0], [255, 255, 255])", "21"),
    ],
)
def test_format_module_in_a_locale(page, locale, expression, expected):
    # given
    page.goto("/")

    # when
    text = formatted(page, expression, locale)

    # then
    assert plain(text) == expected


def test_the_chosen_locale_is_kept_and_used_everywhere(page):
    # given: the browser's locale is British English (conftest)
    sign_in(page)
    budget = page.locator(".tree-box .cell-budget .budget").first
    expect(budget).to_contain_text("US$")

    # when
    page.get_by_label("Formats").select_option("en-US")

    # then: the tree is drawn again in the chosen locale, and a reload keeps it
    expect(page.locator(".tree-box .cell-budget .budget").first).not_to_contain_text("US$")
    page.reload()
    expect(page.get_by_label("Formats")).to_have_value("en-US")
    assert formatted(page, 'f.date("2026-11-12")') == "Nov 12, 2026"


# ---------------------------------------------------------------------------------------
# Money in the tree and the details


def test_a_goal_in_two_currencies_shows_each_in_the_tree_and_the_detail(page, api, size):
    # given: the demo's goal with EUR and USD campaigns under it
    goals = api(GOALS)["goals"]["nodes"]
    goal = next(g for g in goals if len(g["money"]["byCurrency"]) > 1)
    sign_in(page)

    # when
    page.goto(f"/#/goals/{goal['id']}")

    # then: the detail writes every currency as money, never a raw decimal
    detail = page.locator("aside.detail")
    expect(page.get_by_test_id("detail-title")).to_have_text(goal["title"])
    for row in goal["money"]["byCurrency"]:
        symbol = {"USD": "US$", "EUR": "€"}[row["currency"]]
        spent = f"{symbol}{Decimal(row['spendToDate']):,.0f}"
        budget = f"{symbol}{Decimal(row['budget']):,.0f}"
        expect(detail).to_contain_text(f"{spent} of {budget}")
    expect(detail).not_to_contain_text(re.compile(r"\d+\.\d\d /"))

    # then: the tree row shows spend of budget in the reporting currency, each currency's own
    # figures in its title, not "no budget"
    screenshot(page, f"shell-two-currencies-detail-{size}")
    if size == "phone":
        page.get_by_role("button", name="Back to the tree").click()
    item = page.locator(f"li[role=treeitem][data-id='{goal['id']}']").first
    expect(item).to_be_visible()
    budget = item.locator(":scope > .item .budget")
    # named "Spent" where the pane is too narrow for the column's heading
    assert re.fullmatch(
        r"(Spent )?US\$[\d.,]+[kM]? of US\$[\d.,]+[kM]?", budget.inner_text().strip()
    )
    # each currency's own figures stay one hover away
    assert "€" in budget.get_attribute("title") and "US$" in budget.get_attribute("title")
    screenshot(page, f"shell-two-currencies-{size}")


def test_roi_without_revenue_says_so_and_leads_are_whole(page, api, size):
    # given: a campaign with spend and leads but no revenue: the API's ROI is -1
    campaigns = api(CAMPAIGNS)["campaigns"]["nodes"]
    campaign = next(
        c
        for c in campaigns
        if c["money"]["roi"] is not None
        and Decimal(c["money"]["roi"]) == -1
        and Decimal(c["money"]["leads"]) > 0
        and Decimal(c["money"]["revenue"]["amount"]) == 0
    )
    sign_in(page)

    # when
    page.goto(f"/#/goals/{campaign['id']}")

    # then
    expect(page.get_by_test_id("detail-title")).to_have_text(campaign["name"])
    expect(page.locator("[data-figure=roi]")).to_have_text("no revenue recorded")
    leads = Decimal(campaign["money"]["leads"]).quantize(Decimal(1))
    expect(page.locator("[data-figure=leads]")).to_have_text(f"{leads:,}")


# ---------------------------------------------------------------------------------------
# Risks


def test_risks_read_as_sentences_with_counts_by_severity(page, api, size):
    # given
    risks = api(RISKS)["risks"]
    expected = dict.fromkeys(("CRITICAL", "HIGH", "MEDIUM", "LOW"), 0)
    for risk in risks["nodes"]:
        expected[risk["severity"]] += 1
    sign_in(page)

    # when
    page.goto("/#/risks")

    # then: the counts at the top are the API's, severity by severity
    for severity, count in expected.items():
        expect(page.locator(f".risk-counts li[data-severity={severity}]")).to_have_attribute(
            "data-count", str(count)
        )
    rows = page.locator(".risk-table tbody tr")
    expect(rows).to_have_count(risks["totalCount"])

    # then: no raw API text: figure names, enum codes or ISO dates
    text = page.locator(".risk-table tbody").inner_text()
    assert "expectedProgress" not in text
    assert "OFF_TRACK" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert not re.search(r"\d\.\d{4}", text)
    sentences = " ".join(page.locator(".risk-table td.risk-sentence").all_inner_texts())
    assert not re.search(r"\b[A-Z]{2,}_[A-Z_]+\b", sentences)
    assert page_width(page) <= SIZES[size]["width"]
    screenshot(page, f"shell-risks-{size}")


# ---------------------------------------------------------------------------------------
# Links, sign-in, search


def test_a_deep_link_opened_while_signed_out_is_kept_across_sign_in(page, api, size):
    # given
    task = api(TASKS, search=None)["tasks"]["nodes"][0]

    # when: signed out, the link to a task; then sign in
    page.goto(f"/#/goals/{task['id']}")
    page.get_by_label("Email").fill(USERS["VIEWER"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # then: the task, not #/goals
    expect(page.get_by_test_id("detail-title")).to_have_text(task["title"])
    assert task["id"] in page.url


def test_arriving_from_a_link_opens_the_tree_down_to_the_node(page, api, size):
    # given: a task three levels below its objective
    task = next(t for t in api(TASKS, search=None)["tasks"]["nodes"] if t["campaign"] is not None)
    path = api(TRACE, id=task["id"])["trace"]["paths"][0]["nodes"]
    sign_in(page)

    # when
    page.goto(f"/#/goals/{task['id']}")

    # then: every node of the path is open, and the task's item is selected
    item = page.locator(f"li[role=treeitem][data-id='{task['id']}']").first
    expect(item).to_have_attribute("aria-selected", "true")
    if size == "phone":
        page.get_by_role("button", name="Back to the tree").click()
    expect(item).to_be_visible()
    for node in path[1:]:
        expect(
            page.locator(f"li[role=treeitem][data-id='{node['id']}'][aria-expanded=true]").first
        ).to_be_visible()
    screenshot(page, f"shell-revealed-{size}")


def test_search_honours_the_team_filter_and_shows_the_parent_path(page, api, size):
    # given: a word found in the work of several teams
    teams = api(TEAMS)["teams"]["nodes"]
    team = next(t for t in teams if t["name"] == "Marketing")
    word = "webinar"
    everyone = api(TEAM_TASKS, teams=None, search=word)
    theirs = api(TEAM_TASKS, teams=[team["id"]], search=word)
    total = sum(len(everyone[k]["nodes"]) for k in everyone)
    expected = sum(len(theirs[k]["nodes"]) for k in theirs)
    assert 0 < expected < total, "the demo has webinars of Marketing and of other teams"
    sign_in(page)

    # when
    page.goto(f"/#/goals?q={word}&team={team['id']}")

    # then
    expect(page.locator(".summary")).to_contain_text(f"{expected} match")
    expect(page.locator(".summary")).to_contain_text("in Marketing")
    expect(page.locator(".tree > li[role=treeitem]")).to_have_count(expected)
    expect(page.locator(".tree > li[role=treeitem] .path-text").first).to_contain_text("in ")
    screenshot(page, f"shell-search-team-{size}")


# ---------------------------------------------------------------------------------------
# Phone


def test_phone_details_open_as_a_sheet_with_back(page):
    # given
    page.set_viewport_size(SIZES["phone"])
    sign_in(page)
    first = page.get_by_role("treeitem").first

    # when
    first.click()

    # then: the details cover the screen, from its top, Back focused
    sheet = page.locator(".detail-sheet")
    expect(page.get_by_test_id("detail-title")).to_be_visible()
    box = sheet.bounding_box()
    assert box["y"] == 0 and box["x"] == 0
    assert box["width"] == 390 and box["height"] == 844
    back = page.get_by_role("button", name="Back to the tree")
    expect(back).to_be_focused()
    assert page_width(page) <= 390
    assert_no_serious_violations(page)
    screenshot(page, "shell-sheet-phone")

    # when
    back.click()

    # then: the tree again, the item focused
    expect(sheet).to_be_hidden()
    expect(page.locator("li[role=treeitem]:focus")).to_have_count(1)


def test_phone_filters_fold_behind_a_button(page):
    # given
    page.set_viewport_size(SIZES["phone"])
    sign_in(page)
    team = page.get_by_label("Team")

    # then: only the search and the button on the first screen
    expect(team).to_be_hidden()
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # when
    toggle.click()

    # then
    expect(team).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize("view", ["goals", "risks", "calendar", "calendar?view=timeline"])
def test_nothing_is_wider_than_a_phone(page, view):
    # given
    page.set_viewport_size(SIZES["phone"])
    sign_in(page)

    # when
    page.goto(f"/#/{view}")
    expect(
        page.locator("main .ec-body, main [role=tree] li, main .risk-table").first
    ).to_be_visible()
    if "timeline" in view:
        expect(page.locator(".ec-timeline, .ec-resource").first).to_be_attached()

    # then
    assert page_width(page) <= 390
    screenshot(page, f"shell-{view.replace('?view=', '-')}-phone")


def test_desktop_filters_show_without_a_button(page):
    # given
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)

    # then
    expect(page.get_by_label("Team")).to_be_visible()
    expect(page.get_by_role("button", name="Filters")).to_be_hidden()
    expect(page.get_by_role("button", name="Back to the tree")).to_be_hidden()


# ---------------------------------------------------------------------------------------
# Tree columns and colours


def test_tree_columns_line_up_across_levels(page):
    # given
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)
    first = page.get_by_role("treeitem").first

    # when: one level opened
    first.locator(".toggle").click()
    child = first.locator(":scope > ul > li[role=treeitem]").first
    expect(child).to_be_visible()

    # then: the progress column starts at the same x on both levels
    top = first.locator(":scope > .item .cell-progress").bounding_box()
    below = child.locator(":scope > .item .cell-progress").bounding_box()
    assert abs(top["x"] - below["x"]) < 1
    # and the bar is filled in its health's colour
    fill = first.locator(":scope > .item .progress-fill")
    expect(fill).to_have_class(re.compile(r"fill-(on-track|at-risk|off-track|not-started|done)"))


def test_team_chips_text_has_at_least_aa_contrast(page):
    # given
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)
    expect(page.locator(".tree-box .team").first).to_be_visible()

    # when: the contrast of each chip's text on its team colour, measured in the page
    ratios = page.evaluate(
        """async () => {
            const c = await import("/colour.js");
            const rgb = (css) => css.match(/\\d+/g).slice(0, 3).map(Number);
            return [...document.querySelectorAll(".tree-box .team")].map((chip) => {
                const style = getComputedStyle(chip);
                return c.contrast(rgb(style.color), rgb(style.backgroundColor));
            });
        }"""
    )

    # then
    assert ratios and min(ratios) >= 4.5, ratios


# ---------------------------------------------------------------------------------------
# Dark mode, keyboard


def test_dark_mode_follows_the_system(page, size):
    # given
    page.emulate_media(color_scheme="dark")

    # when
    sign_in(page)
    expect(page.get_by_role("treeitem").first).to_be_visible()

    # then: a dark page, and still nothing serious for axe
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 21, 31)"
    assert_no_serious_violations(page)
    screenshot(page, f"shell-dark-{size}")


def test_skip_link_reaches_the_main_content_in_two_keys(page):
    # given
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)
    expect(page.get_by_role("treeitem").first).to_be_visible()
    page.reload()
    expect(page.get_by_role("treeitem").first).to_be_visible()
    hash_before = page.evaluate("location.hash")

    # when
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")

    # then: focus in <main>, the place unchanged; the next Tab is the search
    expect(page.locator("main#main")).to_be_focused()
    assert page.evaluate("location.hash") == hash_before
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search")).to_be_focused()


def test_a_search_with_more_matches_than_shown_says_so(page, api):
    # given: a word in more than 20 tasks
    word = "a"
    data = api(TEAM_TASKS.replace("first: 100", "first: 0"), teams=None, search=word)
    total = sum(data[k]["totalCount"] for k in data)
    shown = sum(min(data[k]["totalCount"], 20) for k in data)
    assert total > shown
    sign_in(page)

    # when
    page.goto(f"/#/goals?q={word}")

    # then
    expect(page.locator(".summary")).to_contain_text(f"{shown} of {total} matches for “a”")
    expect(page.locator(".tree > li[role=treeitem]")).to_have_count(shown)
