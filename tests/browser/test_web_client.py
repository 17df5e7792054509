"""The web client end to end: sign-in, goal tree, details, trace, edits, calendar, risks."""

from __future__ import annotations

import re
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal

import pytest

from server.enums import Channel
from tests.browser.conftest import USERS, screenshot, sign_in, sync_api
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

TWO_OBJECTIVE_CAMPAIGNS = """
{ campaigns(first: 100) { nodes { id name } } }
"""
TRACE = "query($id: ID!) { trace(id: $id) { paths { objective { id title } } } }"
KEY_RESULT = """
query($id: ID!) { node(id: $id) { ... on KeyResult { title currentValue progress attainment
  startValue targetValue goal { title } } } }
"""
FIRST_KEY_RESULT = """
{ keyResults(first: 1, orderBy: {field: TITLE}) { nodes { id title currentValue progress
  startValue targetValue } } }
"""
CONFLICTS = """
query($from: Date!, $to: Date!) { calendar(from: $from, to: $to, timeZone: "UTC") {
  conflicts { message entries { id title } } } }
"""


def month_range(today: date) -> tuple[str, str]:
    start = today.replace(day=1)
    next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start.isoformat(), (next_month - timedelta(days=1)).isoformat()


def percent(value: str) -> str:
    text = f"{float(value) * 100:.1f}".removesuffix(".0")
    return f"{text}%"


@pytest.mark.parametrize("role", ["ADMIN", "EDITOR", "VIEWER"])
def test_sign_in_with_each_role_and_sign_out(page, role):
    # when
    sign_in(page, role)

    # then
    expect(page.get_by_role("tree").get_by_role("treeitem").first).to_be_visible()
    expect(page.get_by_text("company objectives")).to_be_visible()
    screenshot(page, f"goals-{role.lower()}")

    # when
    page.get_by_test_id("sign-out").click()

    # then
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("localStorage.getItem('throughline.session')") is None


def test_wrong_password_is_refused_plainly(page):
    # when
    page.goto("/")
    page.get_by_label("Email").fill(USERS["ADMIN"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    # then
    expect(page.get_by_role("alert").filter(has_text="Incorrect email or password")).to_be_visible()


def test_expand_three_levels_with_the_keyboard_and_reload_keeps_the_place(page):
    # given
    sign_in(page)
    tree = page.get_by_role("tree")
    first = tree.get_by_role("treeitem").first

    # when: focus the first objective, open it, go in, open, go in, open
    first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        expect(
            page.locator("li[role=treeitem][aria-expanded=true]")
            .last.locator("li[role=treeitem]")
            .first
        ).to_be_visible()
        page.keyboard.press("ArrowRight")

    # then: an item three levels down has the focus; Enter selects it
    focused = page.locator("li[role=treeitem]:focus")
    expect(focused).to_have_attribute("aria-level", "4")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("detail-title")).to_be_visible()
    screenshot(page, "tree-three-levels")
    url = page.url

    # when
    page.reload()

    # then
    assert page.url == url
    expect(page.get_by_test_id("detail-title")).to_be_visible()


def test_search_lists_matching_nodes_of_every_kind(page, api):
    # given
    title = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]["title"]
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len)
    sign_in(page)

    # when
    page.get_by_role("searchbox", name="Search").fill(word)

    # then
    expect(page.get_by_text(re.compile(rf"match(es)? for .{word}."))).to_be_visible()
    expect(page.get_by_role("treeitem").filter(has_text=title).first).to_be_visible()
    assert f"q={word}" in page.url
    screenshot(page, "search")


def test_detail_figures_match_the_api(page, api):
    # given
    kr = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]
    sign_in(page)

    # when
    page.goto(f"/#/goals/{kr['id']}")

    # then
    expect(page.get_by_test_id("detail-title")).to_have_text(kr["title"])
    expect(page.locator("[data-figure=progress]")).to_have_text(percent(kr["progress"]))
    expect(page.locator("[data-figure=current]")).to_contain_text(
        f"{float(kr['currentValue']):,.4f}".rstrip("0").rstrip(".")
    )
    expect(page.locator("figure.chart canvas, figure.chart .empty").first).to_be_visible()
    screenshot(page, "key-result-detail")


def test_trace_of_a_campaign_serving_two_objectives_shows_both_paths(page, api):
    # given: a demo campaign whose paths reach two different objectives
    campaigns = api(TWO_OBJECTIVE_CAMPAIGNS)["campaigns"]["nodes"]
    chosen = None
    for campaign in campaigns:
        paths = api(TRACE, id=campaign["id"])["trace"]["paths"]
        objectives = {path["objective"]["title"] for path in paths}
        if len(objectives) >= 2:
            chosen = (campaign, paths, objectives)
            break
    assert chosen, "the demo has a campaign serving two objectives"
    campaign, paths, objectives = chosen
    sign_in(page)

    # when
    page.goto(f"/#/goals/{campaign['id']}")
    page.get_by_role("button", name="Trace to objectives").click()

    # then
    expect(page.get_by_test_id("trace-path")).to_have_count(len(paths))
    for title in objectives:
        expect(page.get_by_test_id("trace").get_by_text(title, exact=True).first).to_be_visible()
    expect(page.locator("li.traced[data-kind=Campaign]")).to_have_count(len(paths))
    assert "trace=1" in page.url
    screenshot(page, "trace")


def test_check_in_changes_the_progress_and_a_user_error_shows_by_its_field(page, api):
    # given
    kr = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]
    midway = (Decimal(kr["startValue"]) + Decimal(kr["targetValue"])) / 2
    sign_in(page)
    page.goto(f"/#/goals/{kr['id']}")
    form = page.get_by_test_id("checkin-form")

    # when: a value the client cannot send
    form.get_by_label("New value").fill("lots")
    form.get_by_role("button", name="Check in").click()

    # then
    expect(form.locator("[data-error-for=value]")).to_contain_text("Enter a number")

    # when
    form.get_by_label("New value").fill(f"{midway:f}")
    form.get_by_role("button", name="Check in").click()

    # then: half-way from start to target is 50% progress, in the panel and in the API
    expect(page.locator("[data-figure=progress]")).to_have_text("50%")
    expect(page.get_by_role("status").filter(has_text="progress now 50%")).to_be_visible()
    assert Decimal(api(KEY_RESULT, id=kr["id"])["node"]["progress"]) == Decimal("0.5")


def test_server_user_error_is_shown_next_to_the_field(page, api):
    # given
    campaign = api(TWO_OBJECTIVE_CAMPAIGNS)["campaigns"]["nodes"][0]
    sign_in(page)
    page.goto(f"/#/goals/{campaign['id']}")
    form = page.get_by_test_id("campaign-form")

    # when: an end before the start
    form.get_by_label("Start").fill("2030-06-10")
    form.get_by_label("End").fill("2030-06-01")
    form.get_by_role("button", name="Move campaign").click()

    # then
    error = form.locator("[data-error-for=endDate]")
    expect(error).not_to_be_empty()
    expect(form.get_by_label("End")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "user-error")


def test_viewer_gets_no_edit_form(page, api):
    # given
    kr = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]
    sign_in(page, "VIEWER")

    # when
    page.goto(f"/#/goals/{kr['id']}")

    # then
    expect(page.get_by_text("Viewers can read everything but change nothing.")).to_be_visible()
    expect(page.get_by_test_id("checkin-form")).to_have_count(0)


@pytest.mark.parametrize("view", ["month", "week", "list", "timeline"])
def test_every_calendar_view(page, view):
    # given
    sign_in(page)

    # when
    page.goto(f"/#/calendar?view={view}")

    # then
    expect(page.get_by_role("button", name=view.capitalize(), exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".ec")).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text=re.compile("entries from|Nothing planned"))
    ).to_be_visible()
    screenshot(page, f"calendar-{view}")


def brand_titles(entries) -> bool:
    """Every entry shown is Brand & Content's, has no team or is imported (the list is
    refetched after the filter changes, so the first answer may still be the old one)."""
    titles = entries.evaluate_all("els => els.map(e => e.title)")
    return bool(titles) and all(
        title.split("\n")[1] in {"Brand & Content", "None"} or "Imported" in title
        for title in titles
    )


def wait_until(condition, timeout_seconds: float) -> bool:
    """Poll `condition` until it holds or the time is up; its last answer."""
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_calendar_filters_by_team_and_opens_an_entry(page, api):
    # given
    teams = api("{ teams(first: 20) { nodes { id name } } }")["teams"]["nodes"]
    brand = next(team for team in teams if team["name"] == "Brand & Content")
    sign_in(page)
    page.goto("/#/calendar?view=list")
    expect(page.locator(".ec-event").first).to_be_visible()

    # when
    page.get_by_role("checkbox", name="Brand & Content").check()

    # then
    expect(page).to_have_url(re.compile(f"teams={brand['id']}"))
    entries = page.locator("[data-entry]")
    only_brand = wait_until(lambda: brand_titles(entries), timeout_seconds=10)
    assert only_brand, entries.evaluate_all("els => els.map(e => e.title)")

    # when
    entries.first.click()

    # then
    expect(page.get_by_test_id("entry-title")).to_be_visible()
    expect(page.get_by_text(re.compile("Open this .* in the goal tree"))).to_be_visible()
    screenshot(page, "calendar-filtered")


def test_calendar_marks_and_explains_a_known_conflict(page, api):
    # given: the demo has clashes in the current month
    start, end = month_range(pinned_now().date())
    conflicts = api(CONFLICTS, **{"from": start, "to": end})["calendar"]["conflicts"]
    assert conflicts, "the demo has a conflict this month"
    sign_in(page)

    # when
    page.goto("/#/calendar?view=list")

    # then
    # the server's words as the rest of the page reads: dates in the locale, channels as words
    readable = re.sub(
        r"\d{4}-\d{2}-\d{2}",
        lambda m: date.fromisoformat(m.group()).strftime("%-d %b %Y"),
        conflicts[0]["message"],
    )
    channels = "|".join(channel.value for channel in Channel if channel.value not in ("SEO", "PR"))
    readable = re.sub(
        rf"\b({channels})\b", lambda m: m.group().lower().replace("_", " "), readable
    )
    expect(page.get_by_test_id("conflict").filter(has_text=readable)).to_be_visible()
    iso_dates = page.get_by_test_id("conflict").filter(has_text=re.compile(r"\d{4}-\d{2}-\d{2}"))
    expect(iso_dates).to_have_count(0)
    clashing = conflicts[0]["entries"][0]["id"]
    expect(page.locator(f".ec-event.conflict[data-entry='{clashing}']").first).to_contain_text("⚠")
    screenshot(page, "calendar-conflict")


def test_subscribe_creates_a_feed_whose_url_serves_icalendar(page):
    # given
    sign_in(page)
    page.goto("/#/calendar?view=month")
    expect(page.locator(".ec")).to_be_visible()

    # when
    page.get_by_role("button", name="Subscribe…").click()

    # then
    url = page.get_by_test_id("feed-url").input_value()
    assert "/calendar/" in url and url.endswith(".ics")
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read().decode()
    assert body.startswith("BEGIN:VCALENDAR")
    screenshot(page, "calendar-subscribe")


def test_risks_by_severity_link_to_their_nodes(page, api):
    # given
    sign_in(page)

    # when
    page.goto("/#/risks?severity=HIGH")

    # then
    rows = page.locator(".risk-table tbody tr")
    expect(rows.first).to_be_visible()
    severities = page.locator(".risk-table tbody .severity").all_inner_texts()
    assert all(re.search("High|Critical", text) for text in severities)
    screenshot(page, "risks")

    # when
    rows.first.locator("td").nth(3).get_by_role("link").click()

    # then
    expect(page).to_have_url(re.compile("#/goals/"))
    expect(page.get_by_test_id("detail-title")).to_be_visible()


def test_unreachable_server_is_said_plainly(page, allowed_console):
    # given: the browser reports the refused requests themselves
    allowed_console.append("Failed to load resource: net::ERR_FAILED")
    sign_in(page)
    page.route("**/graphql", lambda route: route.abort())

    # when
    page.goto("/#/risks")

    # then
    expect(page.get_by_test_id("banner")).to_contain_text("cannot be reached")


def test_phone_width_is_readable(page):
    # given
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)

    # then: nothing wider than the screen
    expect(page.get_by_role("treeitem").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "goals-phone")
