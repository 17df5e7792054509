"""The Workload view: teams (expandable to people) week by week against capacity, the
figures equal to the API's for the same range, over-booked weeks marked with a word and an
icon, the tasks behind a week one click away, a range chooser, and a phone layout whose
grid scrolls inside its own box; at desktop (1440x900) and phone (390x844) sizes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import screenshot, sign_in, sync_api
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

WEEKS = "weeks { weekStart capacityHours bookedHours overbooked }"
GRID = f"""
query($from: Date!, $to: Date!) {{
  teams(first: 50) {{ nodes {{ id name workload(from: $from, to: $to) {{ {WEEKS} }} }} }}
  users(first: 50) {{ nodes {{ id name teams {{ id }}
    workload(from: $from, to: $to) {{ {WEEKS} }} }} }}
}}
"""
TASKS = """
query($id: ID!, $from: Date!, $to: Date!) { node(id: $id) {
  ... on Team { workload(from: $from, to: $to) { weeks { tasks { ...Booked } } } }
  ... on User { workload(from: $from, to: $to) { weeks { tasks { ...Booked } } } }
} }
fragment Booked on BookedTask { hours estimated task { id title } }
"""

# Every cell as the page shows it: subject, week, the data it carries and its text.
CELLS = """() => [...document.querySelectorAll(".wl-grid tbody tr")].flatMap((row) =>
  [...row.querySelectorAll("button.wl-cell")].map((cell) => ({
    subject: row.dataset.subject, kind: row.dataset.kind, week: cell.dataset.week,
    booked: cell.dataset.booked, capacity: cell.dataset.capacity,
    overbooked: cell.dataset.overbooked === "true",
    hours: cell.querySelector(".wl-hours").textContent,
    over: cell.querySelector(".wl-over")?.textContent ?? null })))"""


def this_monday() -> date:
    today = pinned_now().date()  # the page's clock and zone (UTC) agree with the suite's
    return today - timedelta(days=today.weekday())


def hours(value: str) -> str:
    """How en-GB writes hours with at most one decimal: 33.52 -> "33.5", 52.00 -> "52"."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def grid_from_api(api, start: date, weeks: int) -> dict:
    end = start + timedelta(days=7 * weeks - 1)
    return api(GRID, **{"from": start.isoformat(), "to": end.isoformat()})


def open_workload(page, hash_: str = "#/workload") -> None:
    sign_in(page, where=f"/{hash_}")
    expect(page.locator(".wl-grid")).to_be_visible()


def expand_all(page) -> None:
    for toggle in page.locator("button.wl-toggle:not([disabled])").all():
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def test_the_grid_shows_the_apis_hours_for_the_same_range(page, api):
    # given: the default range is this week and the seven after it
    page.set_viewport_size(SIZES["desktop"])
    start = this_monday()
    expected = grid_from_api(api, start, 8)

    # when
    open_workload(page)
    expand_all(page)
    cells = page.evaluate(CELLS)

    # then: one team row per team, its people under it, every week as the API counts it
    weeks = [(start + timedelta(days=7 * i)).isoformat() for i in range(8)]
    headers = page.locator(".wl-grid thead th[data-week]")
    assert [h.get_attribute("data-week") for h in headers.all()] == weeks
    shown = {(c["kind"], c["subject"], c["week"]): c for c in cells}
    rows = [("team", t) for t in expected["teams"]["nodes"]]
    rows += [("person", u) for u in expected["users"]["nodes"]]
    compared = 0
    for kind, subject in rows:
        for week in subject["workload"]["weeks"]:
            cell = shown[(kind, subject["id"], week["weekStart"])]
            assert cell["booked"] == week["bookedHours"]
            assert cell["capacity"] == week["capacityHours"]
            assert cell["overbooked"] is week["overbooked"]
            assert cell["hours"] == (
                f"{hours(week['bookedHours'])} / {hours(week['capacityHours'])} h"
            )
            compared += 1
    # a person in two teams is shown under each of them, one in none under "In no team"
    memberships = sum(len(u["teams"]) or 1 for u in expected["users"]["nodes"])
    assert len(cells) == (len(expected["teams"]["nodes"]) + memberships) * 8
    assert compared >= 8 * len(expected["teams"]["nodes"])
    screenshot(page, "workload-desktop")


def test_an_overbooked_week_is_marked_by_word_and_icon(page, api):
    # given: a week the API calls over-booked (a person booked past capacity in the demo)
    page.set_viewport_size(SIZES["desktop"])
    start = this_monday()
    expected = grid_from_api(api, start, 8)
    subjects = expected["teams"]["nodes"] + expected["users"]["nodes"]
    over = [(s, w) for s in subjects for w in s["workload"]["weeks"] if w["overbooked"]]
    assert over, "the demo books someone past capacity in the coming weeks"
    subject, week = over[0]

    # when
    open_workload(page)
    expand_all(page)

    # then: the cell says so in text and with an icon, not by colour alone
    cell = page.locator(
        f"tr[data-subject='{subject['id']}'] button.wl-cell[data-week='{week['weekStart']}']"
    ).first
    expect(cell).to_have_attribute("data-overbooked", "true")
    expect(cell.locator(".wl-over")).to_have_text("⚠ Over")
    assert Decimal(week["bookedHours"]) > Decimal(week["capacityHours"])
    # and a week within capacity carries no mark
    calm = page.locator("button.wl-cell[data-overbooked='false']").first
    expect(calm.locator(".wl-over")).to_have_count(0)
    teams = sum(w["overbooked"] for t in expected["teams"]["nodes"] for w in t["workload"]["weeks"])
    people = sum(
        w["overbooked"] for u in expected["users"]["nodes"] for w in u["workload"]["weeks"]
    )
    expect(page.locator(".workload-view .summary")).to_contain_text(
        f"{teams} over-booked team week{'' if teams == 1 else 's'}, "
        f"{people} over-booked person week{'' if people == 1 else 's'}."
    )
    # and exactly the over-booked weeks are marked
    marked = {(c["subject"], c["week"]) for c in page.evaluate(CELLS) if c["over"]}
    assert marked == {(s["id"], w["weekStart"]) for s, w in over}


def test_clicking_a_week_lists_its_tasks_that_open_their_nodes(page, api):
    # given: the over-booked person's week, and its tasks as the API lists them
    page.set_viewport_size(SIZES["desktop"])
    start = this_monday()
    expected = grid_from_api(api, start, 8)
    subject, week = next(
        (s, w)
        for s in expected["users"]["nodes"]
        for w in s["workload"]["weeks"]
        if w["overbooked"]
    )
    end = date.fromisoformat(week["weekStart"]) + timedelta(days=6)
    booked = api(TASKS, id=subject["id"], **{"from": week["weekStart"], "to": end.isoformat()})
    tasks = booked["node"]["workload"]["weeks"][0]["tasks"]
    assert tasks

    # when
    open_workload(page)
    expand_all(page)
    page.locator(
        f"tr[data-subject='{subject['id']}'] button.wl-cell[data-week='{week['weekStart']}']"
    ).first.click()

    # then: the same tasks, in the same order, each linking to its node with its hours
    panel = page.get_by_test_id("workload-tasks")
    expect(panel.get_by_role("heading", level=2)).to_contain_text(subject["name"])
    expect(panel.get_by_role("heading", level=2)).to_be_focused()
    expect(panel.locator(".wl-figures")).to_contain_text("Over")
    links = panel.locator(".wl-task-list a")
    expect(links).to_have_count(len(tasks))
    assert [a.get_attribute("href") for a in links.all()] == [
        f"#/goals/{t['task']['id']}" for t in tasks
    ]
    assert [a.text_content() for a in links.all()] == [t["task"]["title"] for t in tasks]
    for line, booked_task in zip(panel.locator(".wl-task-hours").all(), tasks, strict=True):
        text = line.text_content()
        assert text.startswith(f" {hours(booked_task['hours'])} h")
        assert ("no estimate" in text) is (not booked_task["estimated"])
    assert_no_serious_violations(page)

    # when: a task is opened
    links.first.click()

    # then: the goal tree shows it
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/goals/{tasks[0]['task']['id']}")
    expect(page.locator("nav a[data-view=goals]")).to_have_attribute("aria-current", "page")


def test_the_range_chooser_sets_the_weeks_shown(page, api):
    # given
    page.set_viewport_size(SIZES["desktop"])
    open_workload(page)

    # when: four weeks from a Wednesday three weeks on
    page.get_by_label("Weeks").select_option("4")
    expect(page.locator(".wl-grid thead th[data-week]")).to_have_count(4)
    wednesday = this_monday() + timedelta(days=23)
    page.get_by_label("Week of").fill(wednesday.isoformat())

    # then: the range starts on that week's Monday and lives in the hash
    monday = wednesday - timedelta(days=2)
    expect(page.locator(".wl-grid thead th[data-week]").first).to_have_attribute(
        "data-week", monday.isoformat()
    )
    assert f"from={monday.isoformat()}" in page.url and "weeks=4" in page.url
    expected = grid_from_api(api, monday, 4)
    team = expected["teams"]["nodes"][0]
    row = page.locator(f"tr.wl-team[data-subject='{team['id']}'] button.wl-cell")
    assert [c.get_attribute("data-booked") for c in row.all()] == [
        w["bookedHours"] for w in team["workload"]["weeks"]
    ]

    # when: back to this week
    page.get_by_role("button", name="This week").click()
    expect(page.locator(".wl-grid thead th[data-week]").first).to_have_attribute(
        "data-week", this_monday().isoformat()
    )


def test_a_bad_range_in_the_link_falls_back_to_this_week(page):
    # given / when
    page.set_viewport_size(SIZES["desktop"])
    open_workload(page, "#/workload?from=2027-02-30&weeks=999")

    # then: eight weeks from this Monday, no error
    expect(page.locator(".wl-grid thead th[data-week]")).to_have_count(8)
    expect(page.locator(".wl-grid thead th[data-week]").first).to_have_attribute(
        "data-week", this_monday().isoformat()
    )
    expect(page.get_by_label("Weeks")).to_have_value("8")


def test_layout_scrolls_inside_its_box_and_is_accessible(page, size):
    # given
    open_workload(page, "#/workload?weeks=12")
    expand_all(page)

    # then: nothing wider than the screen; the grid scrolls in its own box
    width = SIZES[size]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.get_by_test_id("workload-grid")
    if size == "phone":
        assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")
        assert box.evaluate("(el) => getComputedStyle(el).overflowX") == "auto"
    assert_no_serious_violations(page)
    screenshot(page, f"workload-{size}")

    # when: dark mode
    page.emulate_media(color_scheme="dark")

    # then
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 21, 31)"
    assert_no_serious_violations(page)
    screenshot(page, f"workload-dark-{size}")


TASK = "query($id: ID!) { node(id: $id) { ... on Task { id version estimateHours } } }"
TASK_UPDATE = """
mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) {
  task { id version estimateHours } userErrors { field code message } } }
"""


def set_estimate(api, task: dict, estimate: str | None) -> dict:
    answer = api(
        TASK_UPDATE, i={"id": task["id"], "version": task["version"], "estimateHours": estimate}
    )
    assert answer["taskUpdate"]["userErrors"] == []
    return answer["taskUpdate"]["task"]


def test_a_change_through_the_api_is_counted_again_live(page, api):
    # given: the over-booked person's week open, with the task panel showing
    page.set_viewport_size(SIZES["desktop"])
    start = this_monday()
    expected = grid_from_api(api, start, 8)
    subject, week = next(
        (s, w)
        for s in expected["users"]["nodes"]
        for w in s["workload"]["weeks"]
        if w["overbooked"]
    )
    end = (date.fromisoformat(week["weekStart"]) + timedelta(days=6)).isoformat()
    booked = api(TASKS, id=subject["id"], **{"from": week["weekStart"], "to": end})
    # an estimated task, so that its estimate can be put back as it was
    chosen = next(t for t in booked["node"]["workload"]["weeks"][0]["tasks"] if t["estimated"])
    task = api(TASK, id=chosen["task"]["id"])["node"]
    open_workload(page)
    expect(page.locator("html")).to_have_attribute("data-live", "on")
    expand_all(page)
    cell = page.locator(
        f"tr[data-subject='{subject['id']}'] button.wl-cell[data-week='{week['weekStart']}']"
    ).first
    cell.click()
    expect(page.get_by_test_id("workload-tasks").locator(".wl-task-list a").first).to_be_visible()
    page.evaluate("window.notReloaded = true")
    estimate = task["estimateHours"]

    try:
        # when: someone triples the task's estimate through the API
        bigger = Decimal(task["estimateHours"]) * 3
        task = set_estimate(api, task, str(bigger))
        after = grid_from_api(api, start, 8)
        person = next(u for u in after["users"]["nodes"] if u["id"] == subject["id"])
        now = next(w for w in person["workload"]["weeks"] if w["weekStart"] == week["weekStart"])
        assert Decimal(now["bookedHours"]) > Decimal(week["bookedHours"])

        # then: the cell shows the new hours without a reload, and the panel stays open
        expect(cell).to_have_attribute("data-booked", now["bookedHours"])
        expect(cell.locator(".wl-hours")).to_have_text(
            f"{hours(now['bookedHours'])} / {hours(now['capacityHours'])} h"
        )
        expect(page.get_by_test_id("workload-tasks").locator(".wl-figures")).to_contain_text(
            f"{hours(now['bookedHours'])} h booked"
        )
        assert page.evaluate("window.notReloaded") is True
    finally:
        set_estimate(api, api(TASK, id=task["id"])["node"], estimate)


def test_a_viewer_reads_the_same_grid(page, api):
    # given: someone who may only read
    page.set_viewport_size(SIZES["desktop"])
    expected = grid_from_api(api, this_monday(), 8)

    # when
    sign_in(page, "VIEWER", where="/#/workload")

    # then: every team and person, without an error
    expect(page.locator(".wl-grid")).to_be_visible()
    expect(page.locator("tr.wl-team")).to_have_count(len(expected["teams"]["nodes"]))
    expect(page.locator(".workload-view .error")).to_have_count(0)
