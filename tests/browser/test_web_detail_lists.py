"""The detail panel's lists, the History tab and the key-result picker never cut off rows
silently: a goal with 60 child goals shows "50 of 60" and all 60 after "Show more", a
campaign with 120 tasks likewise, the History tab pages back past its latest 50 changes,
and a campaign aligns to a key result far past the first 100 by typing its title. A server
of its own, so the extra rows reach no other test."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.axe import assert_no_serious_violations
from tests.browser.conftest import (
    USERS,
    Api,
    create_many,
    running_server,
    screenshot,
    sign_in,
    sync_api,
    watched_page,
)
from tests.pinned_time import pinned_now

expect = sync_api.expect

CHILD_GOALS = 60
CAMPAIGN_TASKS = 120
KEY_RESULTS = 120
TASK_UPDATES = 55
CHECK_INS = 105

SETUP = """{ teams(first: 1) { nodes { id } }
  campaigns(first: 100) { nodes { id name tasks(first: 1) { totalCount } } }
  keyResults(first: 1, orderBy: {field: TITLE}) { nodes { id title goal { title } } } }"""
GOAL_CREATE = """mutation($i: GoalCreateInput!) { goalCreate(input: $i) {
  goal { id } userErrors { message } } }"""
TASK_CREATE = """mutation($i: TaskCreateInput!) { taskCreate(input: $i) {
  task { id version } userErrors { message } } }"""
FIRST_100_TITLES = "{ keyResults(first: 100, orderBy: {field: TITLE}) { nodes { title } } }"
HISTORY_COUNT = "query($id: ID!) { node(id: $id) { id history(first: 0) { totalCount } } }"
MEASURED = """{ keyResults(filter: {search: "Zz reach 000"}, first: 1) { nodes { id version } } }"""
BREAKDOWN = """query($id: ID!) { node(id: $id) { ... on Campaign {
  progressBreakdown { items { weight } } } } }"""
ALIGNMENTS = """query($id: ID!) { node(id: $id) { ... on Campaign { name
  alignments { share keyResult { id } } } } }"""



@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A server with a goal of 60 child goals and 120 key results, a campaign of 120
    tasks, and a task changed 55 times."""
    with running_server(tmp_path_factory.mktemp("detail-lists")) as base:
        api = Api(base, USERS["ADMIN"])
        setup = api(SETUP)
        team = setup["teams"]["nodes"][0]["id"]
        period = 'periodStart: "2026-01-01", periodEnd: "2026-12-31"'
        goal = api(
            GOAL_CREATE,
            i={
                "title": "Crowded objective",
                "ownerTeamId": team,
                "periodStart": "2026-01-01",
                "periodEnd": "2026-12-31",
            },
        )["goalCreate"]["goal"]
        create_many(
            api,
            "goalCreate",
            [
                f'{{title: "Sub-goal {n:02}", ownerTeamId: "{team}", {period}, '
                f'parentId: "{goal["id"]}"}}'
                for n in range(CHILD_GOALS)
            ],
        )
        # Titles that sort after every demo key result: none is among the first 100.
        create_many(
            api,
            "keyResultCreate",
            [
                f'{{goalId: "{goal["id"]}", title: "Zz reach {n:03}", startValue: "0", '
                f'targetValue: "100", dueDate: "2026-12-31"}}'
                for n in range(KEY_RESULTS)
            ],
        )
        campaign = setup["campaigns"]["nodes"][0]
        have = campaign["tasks"]["totalCount"]
        create_many(
            api,
            "taskCreate",
            [
                f'{{title: "Step {n:03}", campaignId: "{campaign["id"]}"}}'
                for n in range(CAMPAIGN_TASKS - have)
            ],
        )
        task = api(TASK_CREATE, i={"title": "Much revised brief"})["taskCreate"]["task"]
        updates = [
            f'{{id: "{task["id"]}", version: {task["version"] + n}, estimateHours: "{n + 1}"}}'
            for n in range(TASK_UPDATES)
        ]
        create_many(api, "taskUpdate", updates)
        measured = api(MEASURED)["keyResults"]["nodes"][0]
        start = pinned_now() - timedelta(days=CHECK_INS + 30)
        create_many(
            api,
            "keyResultCheckIn",
            [
                f'{{id: "{measured["id"]}", version: {measured["version"] + n}, value: "{n}", '
                f'checkedInAt: "{(start + timedelta(days=n)).isoformat()}"}}'
                for n in range(CHECK_INS)
            ],
        )
        yield {
            "base": base,
            "api": api,
            "goal": goal["id"],
            "campaign": campaign["id"],
            "task": task["id"],
            "measured": measured["id"],
            "first_key_result": setup["keyResults"]["nodes"][0],
        }


@pytest.fixture
def crowded_page(browser, crowded, allowed_console):
    with watched_page(browser, crowded["base"], allowed_console) as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        yield page


def open_node(page, node_id: str, title: str | None = None) -> None:
    page.goto(f"/#/goals/{node_id}")
    if title:
        expect(page.get_by_test_id("detail-title")).to_have_text(title)


def test_a_goal_with_60_children_shows_50_of_60_then_all(crowded_page, crowded):
    # given
    page = crowded_page
    sign_in(page)

    # when
    open_node(page, crowded["goal"], "Crowded objective")

    # then: 50 child goals, said to be 50 of 60; the key results likewise 50 of 120
    children = page.locator(".detail .paged-list[data-list='child goals']")
    links = children.locator("ul.links > li a.node-link")
    expect(links).to_have_count(50)
    expect(children.get_by_test_id("list-count")).to_have_text("Showing 50 of 60 child goals")
    key_results = page.locator(".detail .paged-list[data-list='key results']")
    expect(key_results.get_by_test_id("list-count")).to_have_text("Showing 50 of 120 key results")

    assert_no_serious_violations(page, include=".detail")

    # when: "Show more" from the keyboard
    button = children.get_by_role("button", name="Show more child goals")
    button.focus()
    page.keyboard.press("Enter")

    # then: all 60, the 51st has the focus, nothing more to show
    expect(links).to_have_count(CHILD_GOALS)
    expect(links.nth(50)).to_be_focused()
    expect(links.nth(59)).to_have_text("Goal Sub-goal 59")
    expect(children.get_by_test_id("list-count")).to_be_hidden()
    expect(button).to_be_hidden()
    screenshot(page, "detail-lists-goal-children")


def test_a_campaign_with_120_tasks_shows_100_of_120_then_all(crowded_page, crowded):
    # given
    page = crowded_page
    sign_in(page)
    open_node(page, crowded["campaign"])

    # then
    tasks = page.locator(".detail .paged-list[data-list='tasks']")
    links = tasks.locator("ul.links > li a.node-link")
    expect(links).to_have_count(100)
    expect(tasks.get_by_test_id("list-count")).to_have_text("Showing 100 of 120 tasks")

    # when
    tasks.get_by_role("button", name="Show more tasks").click()

    # then: every task once
    expect(links).to_have_count(CAMPAIGN_TASKS)
    assert len(set(links.evaluate_all("a => a.map(l => l.getAttribute('href'))"))) == 120
    expect(tasks.get_by_role("button", name="Show more tasks")).to_be_hidden()

    # given: the progress bars of its tasks, a dozen at first
    items = crowded["api"](BREAKDOWN, id=crowded["campaign"])["node"]["progressBreakdown"]
    total = len(items["items"])
    assert total > 12
    bars = page.locator(".detail .paged-list[data-list='task progress'] .bars > li")
    expect(bars).to_have_count(12)
    expect(page.locator(".detail .paged-list[data-list='task progress']")).to_contain_text(
        f"Showing 12 of {total} tasks"
    )

    # when
    page.get_by_role("button", name=f"Show all {total} tasks").click()

    # then
    expect(bars).to_have_count(total)
    expect(bars.nth(12)).to_be_focused()


def test_a_key_result_charts_every_check_in_and_lists_them_in_pages(crowded_page, crowded):
    # given: a key result with 105 check-ins, more than one page of 100
    page = crowded_page
    sign_in(page)

    # when
    open_node(page, crowded["measured"], "Zz reach 000")

    # then: the chart draws all 105, the latest value 104
    caption = page.locator(".detail figure.chart figcaption")
    expect(caption).to_contain_text(f"{CHECK_INS} check-ins; latest 104 on ")

    # when: the list of check-ins opened, then its older page
    page.get_by_text(f"All check-ins ({CHECK_INS})").click()
    listed = page.locator(".detail ul.checkins > li")
    expect(listed).to_have_count(100)
    box = page.locator(".detail .paged-list[data-list='check-ins']")
    expect(box.get_by_test_id("list-count")).to_have_text("Showing 100 of 105 check-ins")
    box.get_by_role("button", name="Show older check-ins").click()

    # then: newest first down to the first check-in, 0
    expect(listed).to_have_count(CHECK_INS)
    expect(listed.first).to_contain_text("104 ·")
    expect(listed.last).to_contain_text("0 ·")
    expect(listed.nth(100)).to_be_focused()


def test_the_history_tab_pages_back_past_the_latest_50(crowded_page, crowded):
    # given: a task created and changed 55 times
    page = crowded_page
    api = crowded["api"]
    total = api(HISTORY_COUNT, id=crowded["task"])["node"]["history"]["totalCount"]
    assert total == TASK_UPDATES + 1
    sign_in(page)
    open_node(page, crowded["task"], "Much revised brief")

    # when
    page.get_by_role("tab", name="History").click()

    # then: the latest 50, newest first
    history = page.get_by_test_id("history")
    entries = history.get_by_test_id("history-entry")
    expect(entries).to_have_count(50)
    expect(history.locator(".summary")).to_have_text(
        f"{total} recorded changes, the latest 50 shown"
    )
    expect(entries.first).to_contain_text("Estimate hours: 54 → 55")

    # when
    history.get_by_role("button", name="Show older changes").click()

    # then: all of them, the creation last, and the focus on the first older one
    expect(entries).to_have_count(total)
    expect(entries.last).to_contain_text("Created")
    expect(entries.nth(50)).to_be_focused()
    expect(history.locator(".summary")).to_have_text(f"{total} recorded changes")
    expect(history.get_by_role("button", name="Show older changes")).to_be_hidden()


def test_a_campaign_aligns_to_a_key_result_past_the_first_100_by_typing(crowded_page, crowded):
    # given: a key result that no list of the first 100 by title holds
    page = crowded_page
    api = crowded["api"]
    titles = [kr["title"] for kr in api(FIRST_100_TITLES)["keyResults"]["nodes"]]
    assert "Zz reach 117" not in titles
    first = crowded["first_key_result"]
    sign_in(page)
    open_node(page, first["id"], first["title"])
    page.get_by_test_id("node-actions").get_by_role("button", name="New campaign").click()
    form = page.get_by_test_id("create-Campaign")
    form.get_by_label("Name", exact=True).fill("Far-reaching campaign")
    form.get_by_label("Budget", exact=True).fill("5000")
    editor = form.get_by_test_id("alignments")
    expect(editor.get_by_role("combobox", name="Key result").first).to_have_value(
        f"{first['title']} ({first['goal']['title']})"
    )
    editor.locator("[name='alignments.0.share']").fill("0.5")

    # when: a second row, its title typed, the match picked from the keyboard
    editor.get_by_role("button", name="Add a key result").click()
    picker = editor.locator("[name='alignments.1.keyResultId']")
    expect(picker).to_be_focused()
    picker.press_sequentially("zz reach 117")
    options = editor.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Zz reach 117, goal: Crowded objective")
    expect(picker).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(picker).to_have_value("Zz reach 117 (Crowded objective)")
    expect(picker).to_have_attribute("aria-expanded", "false")
    # a click on the chosen one lists it again (its title searched, not the shown text)
    picker.click()
    expect(options).to_have_count(1)
    page.keyboard.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(picker).to_have_value("Zz reach 117 (Crowded objective)")
    editor.locator("[name='alignments.1.share']").fill("0.5")
    expect(form.get_by_test_id("share-sum")).to_have_text("The shares add up to 1.")
    screenshot(page, "detail-lists-picker")
    form.get_by_role("button", name="Create campaign").click()

    # then: saved with both alignments, half each
    expect(page.get_by_test_id("detail-title")).to_have_text("Far-reaching campaign")
    campaign_id = page.evaluate("decodeURIComponent(location.hash.split('/')[2].split('?')[0])")
    saved = api(ALIGNMENTS, id=campaign_id)["node"]
    target = api('{ keyResults(filter: {search: "Zz reach 117"}, first: 2) { nodes { id } } }')[
        "keyResults"
    ]["nodes"]
    assert len(target) == 1
    assert sorted((a["keyResult"]["id"], Decimal(a["share"])) for a in saved["alignments"]) == (
        sorted([(first["id"], Decimal("0.5")), (target[0]["id"], Decimal("0.5"))])
    )


def test_the_picker_says_how_many_match_and_asks_for_more_letters(crowded_page, crowded):
    # given
    page = crowded_page
    first = crowded["first_key_result"]
    sign_in(page)
    open_node(page, first["id"], first["title"])
    page.get_by_test_id("node-actions").get_by_role("button", name="New campaign").click()
    editor = page.get_by_test_id("create-Campaign").get_by_test_id("alignments")
    editor.get_by_role("button", name="Add a key result").click()
    picker = editor.locator("[name='alignments.1.keyResultId']")
    status = editor.locator(".alignment-row").nth(1).locator(".kr-status")

    # when: a word all 120 share
    picker.press_sequentially("zz reach")

    # then: the first 20 by title, and how many match in all
    expect(editor.get_by_role("option")).to_have_count(20)
    expect(status).to_have_text("20 of 120 matches shown; type more to narrow them.")
    page.keyboard.press("ArrowDown")
    assert_no_serious_violations(page, include="[data-testid=create-Campaign]")

    # when: nothing matches
    picker.fill("")
    picker.press_sequentially("no such key result")

    # then
    expect(editor.get_by_role("option")).to_have_count(0)
    expect(status).to_have_text("No key result matches “no such key result”.")

    # when: saved without picking
    editor.locator("[name='alignments.0.share']").fill("0.5")
    editor.locator("[name='alignments.1.share']").fill("0.5")
    page.get_by_test_id("create-Campaign").get_by_label("Name", exact=True).fill("Unpicked")
    page.get_by_test_id("create-Campaign").get_by_label("Budget", exact=True).fill("10")
    page.get_by_role("button", name="Create campaign").click()

    # then: refused beside the row, nothing created
    expect(editor.locator("[data-error-for='alignments.1']")).to_have_text(
        "Type part of a key result's title and pick it from the list."
    )
    expect(picker).to_have_attribute("aria-invalid", "true")
