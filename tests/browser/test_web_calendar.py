"""The shared calendar in Chromium at desktop (1440x900) and phone (390x844) sizes: a busy
month shows every dated event, long campaigns sit in their band, clashes are on the grid
and counted by rule and severity, the list has one row per entry, the timeline's
markers and titles stay readable, nothing is wider than the screen, a drag can be
undone, and the grid is a few key presses away.

The module runs its own server (the demo organisation, plus 400 milestones in one month
five months ahead, created through the API) so that the busy month does not crowd the
other browser tests' calendar.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import (
    USERS,
    Api,
    running_server,
    screenshot,
    sign_in,
    sync_api,
    watched_page,
)
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
VIEWS = ["month", "week", "list", "timeline"]
BUSY_ENTRIES = 400
KINDS = ["WEBINAR", "DEADLINE", "LAUNCH", "SALES_KICKOFF", "OTHER"]
SHORT_CAMPAIGN = "Data Council sponsorship"  # four days, Marketing
RUNNING_DAYS = 7  # campaigns longer than this go to the band

ENTRIES = """
query($from: Date!, $to: Date!, $after: String) {
  calendar(from: $from, to: $to, timeZone: "UTC") {
    entries(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      nodes { id kind title startDate endDate } }
    conflictGroups { rule severity count }
    conflicts { startDate }
  } }
"""
CAMPAIGNS = "{ campaigns(first: 100) { nodes { id name version startDate endDate } } }"
CAMPAIGN = "query($id: ID!) { node(id: $id) { ... on Campaign { version startDate endDate } } }"


def month_of(today: date, ahead: int) -> date:
    index = today.year * 12 + today.month - 1 + ahead
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return month_of(first, 1) - timedelta(days=1)


def grid_range(first: date) -> tuple[date, date]:
    """The days a month grid shows: whole weeks from Monday."""
    start = first - timedelta(days=first.weekday())
    last = month_end(first)
    return start, last + timedelta(days=6 - last.weekday())


BUSY_MONTH = month_of(pinned_now().date(), 5)  # clear of the demo's short campaign


def create_milestones(api: Api, month: date, count: int) -> None:
    """`count` one-day milestones spread over the days of `month`."""
    teams = api("{ teams(first: 20) { nodes { id } } }")["teams"]["nodes"]
    days = month_end(month).day
    fields = []
    for n in range(count):
        day = month + timedelta(days=n % days)
        kind = KINDS[n // days % len(KINDS)]  # every day gets every kind
        team = teams[n % len(teams)]["id"]
        fields.append(
            f'm{n}: milestoneCreate(input: {{title: "Busy {kind.lower()} {n}", '
            f'teamId: "{team}", startDate: "{day.isoformat()}", kind: {kind}}}) '
            "{ userErrors { message } }"
        )
    for batch in range(0, count, 25):  # within the API's limit of aliases a request
        answer = api("mutation { " + " ".join(fields[batch : batch + 25]) + " }")
        assert not [a for a in answer.values() if a["userErrors"]]


@pytest.fixture(scope="module")
def calendar_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("calendar-server")) as base:
        create_milestones(Api(base, USERS["ADMIN"]), BUSY_MONTH, BUSY_ENTRIES)
        yield base


@pytest.fixture(scope="module")
def cal_api(calendar_server) -> Api:
    return Api(calendar_server, USERS["ADMIN"])


@pytest.fixture
def page(browser, calendar_server, allowed_console):
    with watched_page(browser, calendar_server, allowed_console) as page:
        page.set_viewport_size(dict(zip(("width", "height"), SIZES["desktop"], strict=True)))
        yield page


def at_size(page, size: str) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})


def every_entry(api: Api, start: date, end: date) -> dict:
    """Every entry of the range, page after page, with the clashes."""
    variables = {"from": start.isoformat(), "to": end.isoformat()}
    answer = api(ENTRIES, **variables)["calendar"]
    nodes = list(answer["entries"]["nodes"])
    page = answer["entries"]["pageInfo"]
    while page["hasNextPage"]:
        more = api(ENTRIES, after=page["endCursor"], **variables)["calendar"]["entries"]
        nodes += more["nodes"]
        page = more["pageInfo"]
    assert len(nodes) == answer["entries"]["totalCount"]
    return {**answer, "nodes": nodes}


def shown(value: date) -> str:
    """A date as the client shows it (en-GB, short month; Chromium may write "Sept")."""
    month = "Sept?" if value.month == 9 else value.strftime("%b")
    return rf"{value.day} {month} {value.year}"


def days_of(entry: dict) -> int:
    return (date.fromisoformat(entry["endDate"]) - date.fromisoformat(entry["startDate"])).days + 1


def running(entry: dict) -> bool:
    return entry["kind"] == "CAMPAIGN" and days_of(entry) > RUNNING_DAYS


def open_calendar(page, view: str, first: date | None = None) -> None:
    where = f"/#/calendar?view={view}" + (f"&date={first.isoformat()}" if first else "")
    page.goto(where)
    expect(status_of(page)).to_have_text(re.compile("entries from|Nothing planned"), timeout=15_000)


def status_of(page):
    return page.locator(".calendar-view p.summary[role=status]")


def shown_ids(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.dataset.entry)")


DAY_ORDER = """(day) => {
  const marker = document.querySelector(`[data-clash-day='${day}']`);
  const left = marker.getBoundingClientRect().left;
  return [...marker.parentElement.querySelectorAll(".ec-event")]
    .filter((e) => Math.abs(e.getBoundingClientRect().left - left) < 2)
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
    .map((e) => (e.dataset.clashDay ? "clashes" : e.className.match(/kind-(\\w+)/)[1]
      .toUpperCase()));
}"""
"""The kinds of the entries of `day` on the month grid, top to bottom."""


def no_wider_than_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"the page is {width} px wide on a {viewport} px screen"


# ---------------------------------------------------------------------------------------
# A busy month


def test_a_month_with_400_entries_shows_every_dated_event(page, cal_api):
    # given: the busy month holds the 400 milestones besides the demo's work
    start, end = grid_range(BUSY_MONTH)
    expected = every_entry(cal_api, start, end)
    assert expected["entries"]["totalCount"] >= BUSY_ENTRIES
    dated = sorted(e["id"] for e in expected["nodes"] if not running(e))
    long_running = sorted(e["id"] for e in expected["nodes"] if running(e))
    clash_days = sorted({max(c["startDate"], start.isoformat()) for c in expected["conflicts"]})
    sign_in(page)

    # when
    open_calendar(page, "month", BUSY_MONTH)

    # then: every dated event is on the grid once, nothing folded into "+n more", the
    # long campaigns in the band, a clash marker on each day a clash starts
    expect(status_of(page)).to_contain_text(f"{expected['entries']['totalCount']} entries from")
    assert sorted(set(shown_ids(page, ".ec [data-entry]"))) == dated
    assert sorted(shown_ids(page, ".running-band [data-entry]")) == long_running
    expect(page.locator(".ec-day-foot").filter(has_text="more")).to_have_count(0)
    expect(page.get_by_test_id("calendar-notice")).to_be_hidden()
    marked = page.locator("[data-clash-day]").evaluate_all(
        "els => els.map(e => e.dataset.clashDay)"
    )
    assert sorted(marked) == clash_days
    # in a day, its clashes come first, then launches, then webinars and the rest
    day = page.evaluate(DAY_ORDER, BUSY_MONTH.isoformat())
    assert day[0] == "clashes"
    assert day.index("LAUNCH") < day.index("WEBINAR") < day.index("OTHER"), day
    screenshot(page, "calendar-busy-month-desktop")


def test_the_list_has_one_row_per_entry_with_its_span(page, cal_api):
    # given
    expected = every_entry(cal_api, BUSY_MONTH, month_end(BUSY_MONTH))
    campaign = next(e for e in expected["nodes"] if running(e))
    sign_in(page)

    # when
    open_calendar(page, "list", BUSY_MONTH)

    # then: each entry once, a running campaign with its whole span in its row
    ids = shown_ids(page, ".ec-list [data-entry]")
    assert sorted(ids) == sorted(e["id"] for e in expected["nodes"])
    row = page.locator(f".ec-list [data-entry='{campaign['id']}']")
    expect(row.locator(".list-span")).to_have_text(
        re.compile(r"\d{1,2} \w{3,4} \d{4} – \d{1,2} \w{3,4} \d{4}")
    )


def test_clashes_are_grouped_and_counted_by_rule_and_severity(page, cal_api):
    # given: a crowded day each day of the busy month (one launch a day is allowed)
    start, end = grid_range(BUSY_MONTH)
    groups = every_entry(cal_api, start, end)["conflictGroups"]
    total = sum(g["count"] for g in groups)
    assert total > 20
    sign_in(page)

    # when
    open_calendar(page, "month", BUSY_MONTH)

    # then: one line per group with its count, the groups closed until opened
    panel = page.locator(".conflicts")
    expect(panel.get_by_role("heading")).to_have_text(f"Conflicts ({total})")
    shown = page.get_by_test_id("conflict-group")
    expect(shown).to_have_count(len(groups))
    for group, box in zip(groups, shown.all(), strict=True):
        assert box.get_attribute("data-rule") == group["rule"]
        assert box.get_attribute("data-severity") == group["severity"]
        noun = "clash" if group["count"] == 1 else "clashes"
        expect(box.locator(".group-count")).to_have_text(f"{group['count']} {noun}")
    expect(page.get_by_test_id("conflict")).to_have_count(0)
    biggest = max(range(len(groups)), key=lambda i: groups[i]["count"])
    shown.nth(biggest).locator("summary").click()
    expect(shown.nth(biggest).get_by_test_id("conflict")).to_have_count(
        min(20, groups[biggest]["count"])
    )
    panel_height = panel.bounding_box()["height"]
    assert panel_height < 1200, f"the conflicts take {panel_height} px"


# ---------------------------------------------------------------------------------------
# Every view at both sizes


@pytest.mark.parametrize("size", list(SIZES))
def test_every_view_fits_the_screen(page, size):
    # given
    at_size(page, size)
    sign_in(page)
    open_calendar(page, "month")

    for view in VIEWS:
        # when
        page.get_by_role("button", name=view.capitalize(), exact=True).click()

        # then
        expect(page).to_have_url(re.compile(f"view={view}"))
        expect(page.get_by_role("button", name=view.capitalize(), exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(page.locator(f".calendar-view[data-view={view}] .ec")).to_be_visible()
        expect(status_of(page)).to_contain_text("entries from")
        no_wider_than_screen(page)
        # headers in the client's day-month order, never US dates
        expect(page.locator(".ec-title")).not_to_have_text(re.compile(r"\d+/\d+"))
        screenshot(page, f"calendar-{view}-{size}")


def test_timeline_markers_are_readable_and_titles_stay_in_sight(page, cal_api):
    # given
    start, end = BUSY_MONTH, month_end(BUSY_MONTH)
    entries = every_entry(cal_api, start, end)["nodes"]
    one_day = next(e for e in entries if e["kind"] == "LAUNCH" and days_of(e) == 1)
    long_one = next(e for e in entries if running(e) and e["startDate"] < start.isoformat())
    sign_in(page)
    open_calendar(page, "timeline", BUSY_MONTH)

    # when: scrolled to the end of the month
    page.locator(".ec-main").evaluate("main => { main.scrollLeft = main.scrollWidth; }")

    # then: the one-day launch's title is on one line, whole
    label = page.locator(f"[data-entry='{one_day['id']}'] .event-label")
    box = label.bounding_box()
    assert box["height"] < 30, f"the title takes {box['height']} px: more than one line"
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    # the long campaign's title sticks beside the lane names rather than leaving the screen
    title = page.locator(f"[data-entry='{long_one['id']}'] .event-label")
    lanes = page.locator(".ec-body .ec-sidebar").bounding_box()
    title_box = title.bounding_box()
    assert lanes["x"] + lanes["width"] - 2 <= title_box["x"] <= lanes["x"] + lanes["width"] + 20


# ---------------------------------------------------------------------------------------
# Moving and undoing


def test_a_drag_in_the_month_can_be_undone(page, cal_api):
    # given: the four-day campaign, in its month
    campaign = next(
        c for c in cal_api(CAMPAIGNS)["campaigns"]["nodes"] if c["name"] == SHORT_CAMPAIGN
    )
    start, end = date.fromisoformat(campaign["startDate"]), date.fromisoformat(campaign["endDate"])
    sign_in(page)
    open_calendar(page, "month", start.replace(day=1))
    bar = page.locator(".ec-event.kind-campaign.ec-draggable").filter(has_text=SHORT_CAMPAIGN)
    expect(bar.first).to_be_visible()

    # when: dragged one week on, then undone
    drag_a_week_on(page, bar.first, start)

    # then: moved on the server, and the move can be taken back
    expect(status_of(page)).to_contain_text(f"Moved {SHORT_CAMPAIGN}")
    moved = cal_api(CAMPAIGN, id=campaign["id"])["node"]
    assert (moved["startDate"], moved["endDate"]) == (
        (start + timedelta(days=7)).isoformat(),
        (end + timedelta(days=7)).isoformat(),
    )
    assert moved["version"] == campaign["version"] + 1

    # when
    page.get_by_test_id("undo-move").click()

    # then
    expect(status_of(page)).to_contain_text(f"Move undone: {SHORT_CAMPAIGN}")
    back = cal_api(CAMPAIGN, id=campaign["id"])["node"]
    assert (back["startDate"], back["endDate"]) == (campaign["startDate"], campaign["endDate"])
    assert back["version"] == campaign["version"] + 2
    expect(page.get_by_test_id("undo-move")).to_have_count(0)
    expect(bar.first).to_have_attribute("title", re.compile(f"{shown(start)} – {shown(end)}"))
    screenshot(page, "calendar-move-undone-desktop")


def drag_a_week_on(page, bar, start: date) -> None:
    """Drag `bar` from the day cell of `start` to the cell a week later."""
    bar.scroll_into_view_if_needed()
    cell = page.locator(f".ec-day:has(time[datetime='{start.isoformat()}'])").bounding_box()
    later = page.locator(
        f".ec-day:has(time[datetime='{(start + timedelta(days=7)).isoformat()}'])"
    ).bounding_box()
    box = bar.bounding_box()
    x, y = box["x"] + 6, box["y"] + box["height"] / 2
    dx, dy = later["x"] - cell["x"], later["y"] - cell["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
        page.wait_for_timeout(20)
    page.mouse.up()


def test_ctrl_z_undoes_the_last_move(page, cal_api):
    # given: the four-day campaign dragged a week on
    campaign = next(
        c for c in cal_api(CAMPAIGNS)["campaigns"]["nodes"] if c["name"] == SHORT_CAMPAIGN
    )
    start = date.fromisoformat(campaign["startDate"])
    sign_in(page)
    open_calendar(page, "month", start.replace(day=1))
    bar = page.locator(".ec-event.kind-campaign.ec-draggable").filter(has_text=SHORT_CAMPAIGN)
    drag_a_week_on(page, bar.first, start)
    expect(status_of(page)).to_contain_text(f"Moved {SHORT_CAMPAIGN}")

    # when
    page.keyboard.press("Control+z")

    # then
    expect(status_of(page)).to_contain_text(f"Move undone: {SHORT_CAMPAIGN}")
    back = cal_api(CAMPAIGN, id=campaign["id"])["node"]
    assert (back["startDate"], back["endDate"]) == (campaign["startDate"], campaign["endDate"])
    assert back["version"] == campaign["version"] + 2


# ---------------------------------------------------------------------------------------
# Keyboard and accessibility


def test_on_a_phone_a_picked_entry_comes_into_sight(page):
    # given
    at_size(page, "phone")
    sign_in(page)
    open_calendar(page, "list")

    # when
    page.locator(".ec-list [data-entry]").first.click()

    # then: the entry's panel, below the list, is scrolled to
    expect(page.get_by_test_id("entry-title")).to_be_in_viewport()
    screenshot(page, "calendar-entry-phone")


def test_the_grid_is_a_few_key_presses_away(page):
    # given
    sign_in(page)
    open_calendar(page, "month")
    page.locator("main").focus()

    # when: the first Tab reaches "Skip to the calendar grid"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the calendar grid")
    page.keyboard.press("Enter")

    # then: an entry of the grid has the focus, and Enter opens it
    focused = page.locator(":focus")
    assert focused.evaluate("el => el.closest('.ec') !== null")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("entry-title")).to_be_visible()


@pytest.mark.parametrize("size", list(SIZES))
def test_no_serious_accessibility_finding(page, size):
    try:
        from tests.browser.axe import assert_no_serious_violations
    except ImportError:
        pytest.skip("the axe-core harness (tests/browser/axe.py) is not there")
    # given
    at_size(page, size)
    sign_in(page)
    open_calendar(page, "month")

    for view in VIEWS:
        # when
        page.get_by_role("button", name=view.capitalize(), exact=True).click()
        expect(page.locator(f".calendar-view[data-view={view}] .ec")).to_be_visible()
        expect(status_of(page)).to_contain_text("entries from")

        # then
        assert_no_serious_violations(page, include=".calendar-view")
