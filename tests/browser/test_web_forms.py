"""Creating and editing where the work is seen, archive with Undo, the History tab,
My feeds and the imported-calendars screen, each at desktop (1440x900) and phone
(390x844) size, on a server of this module's own (its writes leave the demo data the
other browser tests read alone). Every change is checked through the API; any console
error fails the test; screenshots of every view at both sizes go to
test-output/screenshots/forms-*.png."""

from __future__ import annotations

from decimal import Decimal

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
from tests.feed_server import serving

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

KEY_RESULTS = """{ keyResults(first: 100, orderBy: {field: TITLE}) { nodes { id title
  goal { id title ownerTeam { name } } } } }"""
GOALS = "{ goals(first: 100) { nodes { id title version ownerTeam { name } } } }"
CAMPAIGNS = """{ campaigns(first: 100) { nodes { id name version ownerTeam { name }
  money { spendToDate { amount } leads } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Versioned { version archivedAt }
  ... on Campaign { name alignments { share keyResult { id } } money { spendToDate { amount }
    leads } }
  ... on KeyResult { title startValue targetValue tasks(first: 50) { nodes { id title } }
    milestones(first: 50) { nodes { id title } } } } }"""
FEED_CREATE = """mutation($i: CalendarFeedCreateInput!) { calendarFeedCreate(input: $i) {
  calendarFeed { id } userErrors { message } } }"""
FEEDS = "{ calendarFeeds(first: 100, includeRevoked: true) { nodes { id revoked } } }"
CALENDARS = "{ externalCalendars(first: 50) { nodes { id name eventCount } } }"

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Throughline tests//EN\r
BEGIN:VEVENT\r
UID:holiday-1@throughline.test\r
DTSTART;VALUE=DATE:20260501\r
SUMMARY:Labour Day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:holiday-2@throughline.test\r
DTSTART;VALUE=DATE:20261225\r
SUMMARY:Christmas Day\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this module alone, on a fresh copy of the demo organisation."""
    data = tmp_path_factory.mktemp("forms-server")
    # Imported calendars may be fetched from the test's own feed server on 127.0.0.1.
    with running_server(data, THROUGHLINE_IMPORT_ALLOW_NETWORKS="127.0.0.1/32") as base:
        yield base


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server, USERS["ADMIN"])


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def page(browser, server, allowed_console, size):
    with watched_page(browser, server, allowed_console) as page:
        page.set_viewport_size(SIZES[size])
        yield page


def shot(page, size: str, name: str, focus=None) -> None:
    """A full-page screenshot, with `focus` (a form, say) scrolled into view first."""
    if focus is not None:
        focus.scroll_into_view_if_needed()
    # A full-page shot resizes the page for a moment; a box still focused then swallows
    # the next click on a phone-sized page. People do not take screenshots mid-form.
    page.evaluate("document.activeElement?.blur()")
    screenshot(page, f"forms-{name}-{size}")


def assert_fits(page, size: str) -> None:
    """Nothing wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


def key_results(api: Api) -> list[dict]:
    return api(KEY_RESULTS)["keyResults"]["nodes"]


def two_key_results_of_different_goals(api: Api) -> tuple[dict, dict]:
    nodes = key_results(api)
    first = nodes[0]
    second = next(kr for kr in nodes if kr["goal"]["id"] != first["goal"]["id"])
    return first, second


def pick_key_result(editor, index: int, kr: dict) -> None:
    """Type the key result's title into row `index`'s picker and pick it from the list."""
    picker = editor.locator(f"[name='alignments.{index}.keyResultId']")
    picker.fill(kr["title"])
    editor.locator(f"[role=option][data-id='{kr['id']}']").click()
    expect(picker).to_have_value(f"{kr['title']} ({kr['goal']['title']})")


def actions(page):
    return page.get_by_test_id("node-actions")


def open_node(page, node_id: str) -> None:
    page.goto(f"/#/goals/{node_id}")
    expect(page.get_by_test_id("detail-title")).to_be_visible()


# ---------------------------------------------------------------------------------------
# A campaign aligned 60/40 to two key results, seen under both in the tree


def test_create_a_campaign_aligned_60_40_and_see_it_under_both(page, api, size):
    # given
    first, second = two_key_results_of_different_goals(api)
    name = f"Spring webinar series ({size})"
    sign_in(page)
    open_node(page, first["id"])
    shot(page, size, "key-result-actions")

    # when: a new campaign from the first key result, 0.6 there and 0.4 on the second
    actions(page).get_by_role("button", name="New campaign").click()
    form = page.get_by_test_id("create-Campaign")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Budget", exact=True).fill("12000")
    editor = form.get_by_test_id("alignments")
    editor.locator("[name='alignments.0.share']").fill("0.6")
    expect(form.get_by_test_id("share-sum")).to_have_text(
        "The shares add up to 0.6; they must add up to 1."
    )
    editor.get_by_role("button", name="Add a key result").click()
    pick_key_result(editor, 1, second)
    editor.locator("[name='alignments.1.share']").fill("0.4")
    expect(form.get_by_test_id("share-sum")).to_have_text("The shares add up to 1.")
    shot(page, size, "create-campaign", form)
    form.get_by_role("button", name="Create campaign").click()

    # then: the campaign opens with its trace, and the tree shows it under both
    expect(page.get_by_test_id("detail-title")).to_have_text(name)
    campaign_id = page.evaluate("decodeURIComponent(location.hash.split('/')[2].split('?')[0])")
    rows = page.locator(f"li[role=treeitem][data-id='{campaign_id}']")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="60% share")).to_have_count(1)
    expect(rows.filter(has_text="40% share")).to_have_count(1)
    parents = rows.evaluate_all(
        "items => items.map(li => li.parentElement.closest('li[role=treeitem]').dataset.id)"
    )
    assert sorted(parents) == sorted([first["id"], second["id"]])
    saved = api(NODE, id=campaign_id)["node"]
    assert saved["name"] == name
    assert sorted((a["keyResult"]["id"], Decimal(a["share"])) for a in saved["alignments"]) == (
        sorted([(first["id"], Decimal("0.6")), (second["id"], Decimal("0.4"))])
    )
    shot(page, size, "campaign-in-tree")
    assert_fits(page, size)


def test_alignment_errors_show_by_their_row_in_plain_words(page, api, size):
    # given: a campaign of the demo opened in its alignment editor
    campaign = api(CAMPAIGNS)["campaigns"]["nodes"][0]
    first, second = two_key_results_of_different_goals(api)
    sign_in(page)
    open_node(page, campaign["id"])
    actions(page).get_by_role("button", name="Alignments").click()
    form = page.get_by_test_id("edit-alignments")
    editor = form.get_by_test_id("alignments")
    for _ in editor.get_by_role("button", name="Remove").all():
        editor.get_by_role("button", name="Remove").first.click()
    editor.get_by_role("button", name="Add a key result").click()
    editor.get_by_role("button", name="Add a key result").click()
    pick_key_result(editor, 0, first)
    pick_key_result(editor, 1, second)

    # when: shares that add up to 1 but that the server refuses (above 1, below 0)
    editor.locator("[name='alignments.0.share']").fill("1.5")
    editor.locator("[name='alignments.1.share']").fill("-0.5")
    form.get_by_role("button", name="Save alignments").click()

    # then: each message beside its own row, in words, and nothing saved
    first_error = editor.locator("[data-error-for='alignments.0']")
    expect(first_error).to_have_text(
        "The share of alignment 1 must be above 0 and at most 1, not 1.5."
    )
    expect(editor.locator("[data-error-for='alignments.1']")).to_contain_text(
        "The share of alignment 2"
    )
    expect(editor.locator("[name='alignments.0.share']")).to_have_attribute("aria-invalid", "true")
    assert "`" not in first_error.inner_text()
    assert api(NODE, id=campaign["id"])["node"]["version"] == campaign["version"]
    shot(page, size, "alignment-errors", form)
    assert_fits(page, size)


# ---------------------------------------------------------------------------------------
# Goals, key results, tasks and milestones: created and edited from the panel


def test_create_a_key_result_then_a_task_and_a_milestone_on_it(page, api, size):
    # given
    goal = api(GOALS)["goals"]["nodes"][0]
    title = f"Trial conversions ({size})"
    sign_in(page)
    open_node(page, goal["id"])

    # when: a target equal to the start, which the server refuses
    actions(page).get_by_role("button", name="New key result").click()
    form = page.get_by_test_id("create-KeyResult")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Start value", exact=True).fill("10")
    form.get_by_label("Target value", exact=True).fill("10")
    form.get_by_role("button", name="Create key result").click()

    # then: the message next to the target, in words
    error = form.locator("[data-error-for=targetValue]")
    expect(error).to_have_text("The target value must differ from the start value (both are 10).")
    shot(page, size, "create-key-result-error", form)
    assert_fits(page, size)

    # when: fixed
    form.get_by_label("Target value", exact=True).fill("40")
    form.get_by_role("button", name="Create key result").click()

    # then
    expect(page.get_by_test_id("detail-title")).to_have_text(title)
    kr_id = page.evaluate("decodeURIComponent(location.hash.split('/')[2].split('?')[0])")
    created = api(NODE, id=kr_id)["node"]
    assert (created["title"], Decimal(created["targetValue"])) == (title, Decimal(40))

    # when: a task and a milestone on it
    actions(page).get_by_role("button", name="New task").click()
    task_form = page.get_by_test_id("create-Task")
    task_form.get_by_label("Title", exact=True).fill(f"Draft the trial email ({size})")
    task_form.get_by_role("button", name="Create task").click()
    expect(page.get_by_test_id("detail-title")).to_have_text(f"Draft the trial email ({size})")
    open_node(page, kr_id)
    actions(page).get_by_role("button", name="New milestone").click()
    milestone_form = page.get_by_test_id("create-Milestone")
    milestone_form.get_by_label("Title", exact=True).fill(f"Trial launch ({size})")
    milestone_form.get_by_role("button", name="Create milestone").click()
    expect(page.get_by_test_id("detail-title")).to_have_text(f"Trial launch ({size})")

    # then
    node = api(NODE, id=kr_id)["node"]
    assert [t["title"] for t in node["tasks"]["nodes"]] == [f"Draft the trial email ({size})"]
    assert [m["title"] for m in node["milestones"]["nodes"]] == [f"Trial launch ({size})"]


def test_edit_a_key_result_and_read_its_history(page, api, size):
    # given
    kr = key_results(api)[-1]
    renamed = f"{kr['title']} ({size} edit)"
    sign_in(page)
    open_node(page, kr["id"])

    # when
    actions(page).get_by_role("button", name="Edit key result").click()
    form = page.get_by_test_id("edit-KeyResult")
    form.get_by_label("Title", exact=True).fill(renamed)
    shot(page, size, "edit-key-result", form)
    form.get_by_role("button", name="Save changes").click()

    # then: saved, and the History tab shows the change with its before and after
    expect(page.get_by_test_id("detail-title")).to_have_text(renamed)
    assert api(NODE, id=kr["id"])["node"]["title"] == renamed
    page.get_by_role("tab", name="History").click()
    history = page.get_by_test_id("history")
    latest = history.get_by_test_id("history-entry").first
    expect(latest).to_contain_text("Changed")
    expect(latest).to_contain_text(f"Title: {kr['title']} → {renamed}")
    expect(latest).to_contain_text("Olivia Bennett")
    shot(page, size, "history")
    assert_fits(page, size)


def back_to_tree(page, size: str) -> None:
    """On a phone the detail is a full-screen sheet over the tree: close it."""
    if size == "phone":
        page.get_by_role("button", name="Back to the tree").click()


def test_new_top_level_goal(page, api, size):
    # given
    title = f"Enter the Nordics ({size})"
    sign_in(page)
    page.goto("/#/goals")

    # when
    page.get_by_test_id("new-goal").get_by_role("button", name="New goal").click()
    form = page.get_by_test_id("create-Goal")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Category", exact=True).select_option("MARKET_SHARE")
    form.get_by_role("button", name="Create goal").click()

    # then
    expect(page.get_by_test_id("detail-title")).to_have_text(title)
    assert title in [g["title"] for g in api(GOALS)["goals"]["nodes"]]
    back_to_tree(page, size)
    expect(page.get_by_role("treeitem").filter(has_text=title)).to_have_count(1)


# ---------------------------------------------------------------------------------------
# Spend and results on a campaign


def test_add_spend_and_a_result_to_a_campaign(page, api, size):
    # given
    campaign = api(CAMPAIGNS)["campaigns"]["nodes"][1]
    spent = Decimal(campaign["money"]["spendToDate"]["amount"])
    leads = campaign["money"]["leads"]
    sign_in(page)
    open_node(page, campaign["id"])

    # when
    actions(page).get_by_role("button", name="Add spend").click()
    form = page.get_by_test_id("create-SpendEntry")
    form.get_by_label("Amount", exact=True).fill("-5")
    form.get_by_role("button", name="Add spend").click()
    expect(form.locator("[data-error-for=amount]")).to_have_text(
        "The amount must be at least 0, got -5."
    )
    form.get_by_label("Amount", exact=True).fill("1234.50")
    shot(page, size, "add-spend", form)
    form.get_by_role("button", name="Add spend").click()
    # the panel reloads with the new figures and says so
    expect(page.locator(".detail .notice")).to_have_text("Spend recorded.")
    actions(page).get_by_role("button", name="Add result").click()
    result = page.get_by_test_id("create-ResultEntry")
    result.get_by_label("Value", exact=True).fill("17")
    result.get_by_role("button", name="Add result").click()
    expect(page.locator(".detail .notice")).to_have_text("Result recorded.")

    # then
    money = api(NODE, id=campaign["id"])["node"]["money"]
    assert Decimal(money["spendToDate"]["amount"]) == spent + Decimal("1234.50")
    assert Decimal(money["leads"]) == Decimal(leads) + 17


# ---------------------------------------------------------------------------------------
# Archive with Undo


def test_archive_a_campaign_and_undo(page, api, size):
    # given
    campaign = api(CAMPAIGNS)["campaigns"]["nodes"][2]
    sign_in(page)
    open_node(page, campaign["id"])

    # when
    actions(page).get_by_role("button", name="Archive").click()

    # then: archived, the toast offers Undo, the panel left it
    toast = page.get_by_test_id("toast")
    expect(toast).to_contain_text(f"Campaign “{campaign['name']}” archived.")
    assert api(NODE, id=campaign["id"])["node"]["archivedAt"] is not None
    expect(page.get_by_test_id("detail-title")).to_have_count(0)
    shot(page, size, "archived-toast")
    assert_fits(page, size)

    # when
    toast.get_by_role("button", name="Undo").click()

    # then: live again, and shown
    expect(page.get_by_test_id("detail-title")).to_have_text(campaign["name"])
    assert api(NODE, id=campaign["id"])["node"]["archivedAt"] is None
    expect(toast).to_contain_text("restored")
    page.get_by_role("tab", name="History").click()
    entries = page.get_by_test_id("history").get_by_test_id("history-entry")
    expect(entries.nth(0)).to_contain_text("Restored")
    expect(entries.nth(1)).to_contain_text("Archived")


# ---------------------------------------------------------------------------------------
# What each role is offered comes from the server


def test_a_viewer_is_offered_nothing(page, api, size):
    # given
    goal = api(GOALS)["goals"]["nodes"][0]

    # when / then: the viewer sees no actions, no New goal and no admin link
    sign_in(page, "VIEWER")
    open_node(page, goal["id"])
    expect(page.get_by_text("Viewers can read everything but change nothing.")).to_be_visible()
    expect(actions(page)).to_have_count(0)
    expect(page.get_by_role("button", name="New goal")).to_have_count(0)
    expect(page.get_by_role("link", name="Imported calendars")).to_be_hidden()
    shot(page, size, "viewer")


def test_an_editor_is_offered_only_their_teams_work(page, api, size):
    # given: a goal of the demo editor's team and one of another team
    goals = api(GOALS)["goals"]["nodes"]
    editor_teams = {"Marketing", "Demand Generation"}
    theirs = next(g for g in goals if g["ownerTeam"]["name"] not in editor_teams)
    mine = next(g for g in goals if g["ownerTeam"]["name"] == "Marketing")

    # when / then: the editor may change their team's goal, not another team's
    sign_in(page, "EDITOR")
    open_node(page, mine["id"])
    expect(actions(page).get_by_role("button", name="Edit goal")).to_be_visible()
    back_to_tree(page, size)
    expect(page.get_by_role("button", name="New goal")).to_be_visible()
    open_node(page, theirs["id"])
    expect(page.get_by_test_id("detail-title")).to_have_text(theirs["title"])
    expect(actions(page)).to_have_count(0)
    expect(page.get_by_role("link", name="Imported calendars")).to_be_hidden()


# ---------------------------------------------------------------------------------------
# My feeds


def test_my_feeds_lists_and_revokes(page, api, size):
    # given: a feed of the administrator's
    name = f"Launch days ({size})"
    made = api(FEED_CREATE, i={"name": name, "filter": {"kinds": ["LAUNCH"]}})
    feed_id = made["calendarFeedCreate"]["calendarFeed"]["id"]
    sign_in(page)

    # when
    page.get_by_role("link", name="My feeds").click()
    row = page.get_by_test_id("feed-row").filter(has_text=name)
    expect(row).to_contain_text("Active")
    shot(page, size, "feeds")
    assert_fits(page, size)
    row.get_by_role("button", name=f"Revoke {name}").click()

    # then
    expect(row).to_contain_text("Revoked")
    feeds = api(FEEDS)["calendarFeeds"]["nodes"]
    assert {"id": feed_id, "revoked": True} in feeds


# ---------------------------------------------------------------------------------------
# Imported calendars (administrators)


def test_admin_imports_a_calendar_file_and_removes_it(page, api, size, tmp_path):
    # given
    name = f"Public holidays ({size})"
    ics = tmp_path / "holidays.ics"
    ics.write_text(ICS)
    bad = tmp_path / "not-a-calendar.ics"
    bad.write_text("hello")
    sign_in(page)

    # when: the screen from the navigation, a file that is no calendar first
    page.get_by_role("link", name="Imported calendars").click()
    page.get_by_test_id("add-calendar").click()
    form = page.get_by_test_id("add-calendar-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Or an .ics file (optional)", exact=True).set_input_files(str(bad))
    form.get_by_role("button", name="Import").click()

    # then: refused beside the file
    expect(form.locator("[data-error-for=file]")).not_to_be_empty()
    assert "`" not in form.locator("[data-error-for=file]").inner_text()

    # when: the right file
    form.get_by_label("Or an .ics file (optional)", exact=True).set_input_files(str(ics))
    shot(page, size, "add-calendar")
    form.get_by_role("button", name="Import").click()

    # then: listed with its two events
    row = page.get_by_test_id("calendar-row").filter(has_text=name)
    expect(row).to_contain_text("2")
    expect(row).to_contain_text("Uploaded file")
    assert {"name": name, "eventCount": 2} in [
        {"name": c["name"], "eventCount": c["eventCount"]}
        for c in api(CALENDARS)["externalCalendars"]["nodes"]
    ]
    shot(page, size, "imported-calendars")
    assert_fits(page, size)

    # when
    row.get_by_role("button", name=f"Remove {name}").click()

    # then
    expect(page.get_by_test_id("calendar-row").filter(has_text=name)).to_have_count(0)
    assert name not in [c["name"] for c in api(CALENDARS)["externalCalendars"]["nodes"]]


def test_admin_imports_a_calendar_address_and_sees_a_failed_refresh(page, api, size):
    # given: a feed server with a calendar document
    name = f"Industry events ({size})"
    with serving() as feed:
        sign_in(page)
        page.goto("/#/imported-calendars")
        page.get_by_test_id("add-calendar").click()
        form = page.get_by_test_id("add-calendar-form")
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Address (https://…) (optional)", exact=True).fill(
            feed.url("/holidays.ics")
        )

        # when
        form.get_by_role("button", name="Import").click()

        # then: listed with its address and the count the API gives
        row = page.get_by_test_id("calendar-row").filter(has_text=name)
        expect(row).to_contain_text(feed.url("/holidays.ics"))
        count = next(
            c["eventCount"]
            for c in api(CALENDARS)["externalCalendars"]["nodes"]
            if c["name"] == name
        )
        assert count > 0
        expect(row.locator("td[data-label=Events]")).to_have_text(str(count))
        expect(row.locator("td[data-label=Status]")).to_have_text("OK")

        # when: the address now answers with a page that is no calendar, and it is refreshed
        feed.documents["/holidays.ics"] = (200, "text/html", b"<!DOCTYPE html><p>Moved</p>")
        row.get_by_role("button", name=f"Refresh {name}").click()

        # then: the failure is shown, the events kept
        expect(row.locator("td[data-label=Status]")).to_contain_text("Last refresh failed")
        expect(row.locator("td[data-label=Events]")).to_have_text(str(count))
        shot(page, size, "imported-calendar-failed")
        assert_fits(page, size)


TASKS = """{ tasks(first: 100) { nodes { id title status version campaign { id } } } }"""
TASK = "query($id: ID!) { node(id: $id) { ... on Task { status archivedAt } } }"


def test_edit_a_task_then_archive_it_and_undo(page, api, size):
    # given: a task of a campaign, not done
    task = next(
        t
        for t in api(TASKS)["tasks"]["nodes"]
        if t["campaign"] and t["status"] in {"TODO", "IN_PROGRESS"}
    )
    sign_in(page)
    open_node(page, task["id"])

    # when
    actions(page).get_by_role("button", name="Edit task").click()
    form = page.get_by_test_id("edit-Task")
    form.get_by_label("Status", exact=True).select_option("BLOCKED")
    form.get_by_role("button", name="Save changes").click()

    # then
    expect(page.locator(".detail .notice")).to_have_text("Task saved.")
    assert api(TASK, id=task["id"])["node"]["status"] == "BLOCKED"

    # when: archived, the panel goes to its campaign; then undone
    actions(page).get_by_role("button", name="Archive").click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/goals/{task['campaign']['id']}")
    assert api(TASK, id=task["id"])["node"]["archivedAt"] is not None
    toast = page.get_by_test_id("toast")
    expect(toast).to_contain_text(f"Task “{task['title']}” archived.")
    toast.get_by_role("button", name="Undo").click()

    # then
    expect(toast).to_contain_text(f"Task “{task['title']}” restored.")
    expect(page.get_by_test_id("detail-title")).to_have_text(task["title"])
    assert api(TASK, id=task["id"])["node"] == {"status": "BLOCKED", "archivedAt": None}
