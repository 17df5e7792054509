"""The overview after sign-in (#/home): the top-level objectives by health, the five most
severe risks as sentences, this week's milestones and clashes, and the changes since the
last visit; at desktop (1440x900) and phone (390x844) sizes, light and dark."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import screenshot, sign_in, sync_api
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

ROOT_GOALS = "{ goals(filter: {rootsOnly: true}, first: 100) { nodes { id title health } } }"
TOP_RISKS = """
{ risks(first: 5) { totalCount nodes { severity node { id } } } }
"""
WEEK = """
query($from: Date!, $to: Date!) { calendar(from: $from, to: $to, timeZone: "UTC") {
  conflictGroups { rule count } } }
"""
TEAMS = "{ teams(first: 1) { nodes { id } } }"
MILESTONE_CREATE = """
mutation($input: MilestoneCreateInput!) { milestoneCreate(input: $input) {
  milestone { id version title } userErrors { field message } } }
"""
MILESTONE_ARCHIVE = """
mutation($input: MilestoneArchiveInput!) { milestoneArchive(input: $input) {
  userErrors { field message } } }
"""


def this_week() -> tuple[str, str]:
    """Monday and Sunday of the pinned day's week (the pages run in UTC)."""
    today = pinned_now().date()
    monday = today - timedelta(days=today.weekday())
    return monday.isoformat(), (monday + timedelta(days=6)).isoformat()


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def open_home(page) -> None:
    page.goto("/#/home")
    expect(page.locator(".home-health-counts li").first).to_be_visible()
    expect(page.locator(".home-risks li").first).to_be_visible()
    expect(page.locator(".home-clashes")).to_be_visible()
    expect(page.locator(".home-card-changes .home-body p")).to_be_visible()


def test_signing_in_lands_on_the_overview_and_the_tree_is_one_link_away(page):
    # when
    sign_in(page, where="/")

    # then
    expect(page).to_have_url(re.compile(r"#/home$"))
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.locator('nav a[data-view="home"]')).to_have_attribute("aria-current", "page")
    expect(page.locator(".home-health-counts li").first).to_be_visible()

    # when
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Goals").click()

    # then
    expect(page).to_have_url(re.compile(r"#/goals$"))
    expect(page.get_by_role("tree").get_by_role("treeitem").first).to_be_visible()


def test_a_deep_link_to_the_overview_survives_sign_in(page):
    # when
    sign_in(page, where="/#/home")

    # then
    expect(page).to_have_url(re.compile(r"#/home$"))
    expect(page.locator(".home-health-counts li").first).to_be_visible()


def test_the_overview_shows_the_apis_counts(page, api, size):
    # given
    goals = api(ROOT_GOALS)["goals"]["nodes"]
    by_health = Counter(goal["health"] for goal in goals)
    risks = api(TOP_RISKS)["risks"]
    monday, sunday = this_week()
    groups = api(WEEK, **{"from": monday, "to": sunday})["calendar"]["conflictGroups"]
    sign_in(page)

    # when
    open_home(page)

    # then: every health counted as the API does, each goal listed with its link
    counts = page.locator(".home-health-counts li")
    for health in ("OFF_TRACK", "AT_RISK", "ON_TRACK", "NOT_STARTED", "DONE"):
        expect(counts.and_(page.locator(f'[data-health="{health}"]'))).to_have_attribute(
            "data-count", str(by_health.get(health, 0))
        )
    listed = page.locator(".home-goals li a")
    expect(listed).to_have_count(len(goals))
    assert {a.get_attribute("href") for a in listed.all()} == {
        f"#/goals/{goal['id']}" for goal in goals
    }
    # the five most severe risks, in the API's order, each a sentence with a link
    items = page.locator(".home-risks li")
    expect(items).to_have_count(min(5, risks["totalCount"]))
    assert [item.get_attribute("data-severity") for item in items.all()] == [
        risk["severity"] for risk in risks["nodes"]
    ]
    for item in items.all():
        sentence = item.locator(".risk-sentence").inner_text()
        assert sentence.endswith(".") and "undefined" not in sentence
    # the week's clashes: their sum and each rule's count
    clashes = page.locator(".home-clashes")
    expect(clashes).to_have_attribute("data-count", str(sum(g["count"] for g in groups)))
    for group in groups:
        expect(clashes.locator(f'[data-rule="{group["rule"]}"]')).to_have_attribute(
            "data-count", str(group["count"])
        )
    # nothing wider than the screen, no serious accessibility problem, light and dark
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert_no_serious_violations(page)
    screenshot(page, f"home-{size}")
    page.emulate_media(color_scheme="dark")
    assert_no_serious_violations(page)
    screenshot(page, f"home-{size}-dark")


def test_a_risk_opens_its_node(page, api):
    # given
    first = api(TOP_RISKS)["risks"]["nodes"][0]["node"]["id"]
    sign_in(page)
    open_home(page)

    # when
    page.locator(".home-risks li").first.locator("a.node-link").click()

    # then
    expect(page).to_have_url(re.compile(f"#/goals/{re.escape(first)}"))
    expect(page.locator(".detail")).to_be_visible()


def test_a_change_made_after_a_visit_shows_on_the_next_one(page, api):
    # given: a first visit, which has nothing to compare with
    page.set_viewport_size(SIZES["desktop"])
    sign_in(page)
    open_home(page)
    expect(page.locator(".home-card-changes")).to_contain_text("first visit")
    team = api(TEAMS)["teams"]["nodes"][0]["id"]
    monday, _ = this_week()
    title = "Overview check: partner briefing"
    created = api(
        MILESTONE_CREATE,
        input={"title": title, "teamId": team, "startDate": monday, "kind": "OTHER"},
    )["milestoneCreate"]
    assert created["userErrors"] == []
    milestone = created["milestone"]
    try:
        # when: the next visit
        page.reload()
        open_home(page)

        # then: the change since the first visit, and the milestone in this week
        summary = page.locator(".home-changes-summary")
        expect(summary).to_have_attribute("data-count", "1")
        expect(summary).to_have_text(re.compile(r"^1 change since your last visit, \S"))
        change = page.locator(".home-changes li")
        expect(change).to_have_count(1)
        expect(change).to_contain_text(title)
        expect(change).to_contain_text("created")
        expect(change.locator("a")).to_have_attribute("href", f"#/goals/{milestone['id']}")
        expect(page.locator(".home-week li", has_text=title)).to_be_visible()
        assert_no_serious_violations(page)
        screenshot(page, "home-changes-desktop")
    finally:
        archived = api(
            MILESTONE_ARCHIVE, input={"id": milestone["id"], "version": milestone["version"]}
        )
        assert archived["milestoneArchive"]["userErrors"] == []


def test_a_viewer_sees_the_overview_and_the_second_visit_compares(page):
    # given: a first visit as a viewer
    sign_in(page, "VIEWER")
    open_home(page)
    expect(page.locator(".home-card-changes")).to_contain_text("first visit")

    # when: the next visit, nothing changed in between
    page.reload()
    open_home(page)

    # then: the organisation-wide changes are read with a viewer's rights, and none is new
    expect(page.locator(".home-changes-summary")).to_have_attribute("data-count", "0")
    expect(page.locator(".home-card .error")).to_have_count(0)
