"""Editing in the web client: a save that meets someone else's change, moving a campaign
by dragging it in the calendar, the task form by team, and the access token renewed
before it expires. Every change is checked through the API and undone afterwards, so the
demo data the other browser tests read stays as it was."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from datetime import date, datetime, timedelta

import jwt
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

# The demo's campaigns these tests change (looked up by name, dates read from the API).
SHORT_CAMPAIGN = "Data Council sponsorship"  # four days, Marketing
CONFLICT_CAMPAIGN = "Northwind 5 launch"  # Marketing
EDITOR_TEAMS = {"Marketing", "Demand Generation"}  # Sofia Alvarez, the demo's editor

CONFLICT_NOTICE = (
    "Someone else changed this while you were editing. It has been reloaded with their "
    "changes: check the values and apply yours again."
)
FORBIDDEN_MESSAGE = "You are not allowed to make this change."

CAMPAIGNS = """
{ campaigns(first: 100) { nodes { id name startDate endDate version ownerTeam { id name } } } }
"""
CAMPAIGN = """
query($id: ID!) { node(id: $id) { ... on Campaign { version startDate endDate
  ownerTeam { id name } } } }
"""
CAMPAIGN_UPDATE = """
mutation($i: CampaignUpdateInput!) { campaignUpdate(input: $i) {
  campaign { version startDate endDate } userErrors { field code message } } }
"""
TEAMS = "{ teams(first: 20) { nodes { id name } } }"
USERS_QUERY = "{ users(first: 100) { nodes { id name email } } }"
TASKS = """
{ tasks(first: 100) { nodes { id title status version team { name } assignee { id name }
  campaign { ownerTeam { name } } keyResult { goal { ownerTeam { name } } } } } }
"""
TASK = """
query($id: ID!) { node(id: $id) { ... on Task { version status assignee { id name } } } }
"""
TASK_UPDATE = """
mutation($i: TaskUpdateInput!) { taskUpdate(input: $i) {
  task { version status assignee { id } } userErrors { field code message } } }
"""


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def shown(value: date) -> str:
    """A date as the client shows it (en-GB, short month; Chromium may write "Sept")."""
    month = "Sept?" if value.month == 9 else value.strftime("%b")
    return rf"{value.day} {month} {value.year}"


def campaign_named(api: Api, name: str) -> dict:
    return next(c for c in api(CAMPAIGNS)["campaigns"]["nodes"] if c["name"] == name)


def post(base: str, token: str, query: str, **variables) -> dict:
    """The whole response, errors included (`Api` refuses answers with errors)."""
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.fixture
def restore_campaigns(api):
    """Put back the dates and owning team of every campaign a test names."""
    saved: dict[str, dict] = {}

    def remember(campaign_id: str) -> dict:
        saved[campaign_id] = api(CAMPAIGN, id=campaign_id)["node"]
        return saved[campaign_id]

    yield remember
    for campaign_id, before in saved.items():
        now = api(CAMPAIGN, id=campaign_id)["node"]
        payload = api(
            CAMPAIGN_UPDATE,
            i={
                "id": campaign_id,
                "version": now["version"],
                "startDate": before["startDate"],
                "endDate": before["endDate"],
                "ownerTeamId": before["ownerTeam"]["id"],
            },
        )["campaignUpdate"]
        assert not payload["userErrors"], payload["userErrors"]


# ---------------------------------------------------------------------------------------
# A save that meets someone else's change


def test_save_after_someone_else_changed_the_campaign_reloads_it_and_says_so(
    page, api, restore_campaigns
):
    # given: the page shows the campaign at its version
    campaign = campaign_named(api, CONFLICT_CAMPAIGN)
    before = restore_campaigns(campaign["id"])
    start, end = day(before["startDate"]), day(before["endDate"])
    sign_in(page)
    page.goto(f"/#/goals/{campaign['id']}")
    form = page.get_by_test_id("campaign-form")
    expect(form.get_by_label("Start")).to_have_value(start.isoformat())

    # when: this user types new dates, someone else moves it three days later (the page
    # hears of it and leaves what was typed alone), then this user saves ten days later
    theirs = (start + timedelta(days=3), end + timedelta(days=3))
    ours = (start + timedelta(days=10), end + timedelta(days=10))
    form.get_by_label("Start").fill(ours[0].isoformat())
    form.get_by_label("End").fill(ours[1].isoformat())
    changed = api(
        CAMPAIGN_UPDATE,
        i={
            "id": campaign["id"],
            "version": before["version"],
            "startDate": theirs[0].isoformat(),
            "endDate": theirs[1].isoformat(),
        },
    )["campaignUpdate"]
    assert not changed["userErrors"]
    expect(page.locator(".detail .live-notice")).to_contain_text("changed elsewhere")
    expect(form.get_by_label("Start")).to_have_value(ours[0].isoformat())
    form.get_by_role("button", name="Move campaign").click()

    # then: reloaded with their dates, said so; the server kept theirs
    expect(page.locator(".detail p.notice")).to_have_text(CONFLICT_NOTICE)
    form = page.get_by_test_id("campaign-form")
    expect(form.get_by_label("Start")).to_have_value(theirs[0].isoformat())
    expect(form.get_by_label("End")).to_have_value(theirs[1].isoformat())
    expect(page.locator("dl.figures")).to_contain_text(
        re.compile(f"{shown(theirs[0])} – {shown(theirs[1])}")
    )
    node = api(CAMPAIGN, id=campaign["id"])["node"]
    assert (node["startDate"], node["endDate"]) == (theirs[0].isoformat(), theirs[1].isoformat())
    assert node["version"] == before["version"] + 1
    screenshot(page, "edit-conflict-reloaded")

    # when: the user applies theirs again on the reloaded version
    form.get_by_label("Start").fill(ours[0].isoformat())
    form.get_by_label("End").fill(ours[1].isoformat())
    form.get_by_role("button", name="Move campaign").click()

    # then
    expect(page.locator(".detail p.notice")).to_have_text("Campaign dates saved.")
    node = api(CAMPAIGN, id=campaign["id"])["node"]
    assert (node["startDate"], node["endDate"]) == (ours[0].isoformat(), ours[1].isoformat())
    assert node["version"] == before["version"] + 2


# ---------------------------------------------------------------------------------------
# Moving a campaign by dragging it in the timeline


def open_timeline_at(page, first: date):
    page.goto(f"/#/calendar?view=timeline&date={first.isoformat()}")
    expect(page.get_by_role("status").filter(has_text="entries from")).to_be_visible()


def column_centre(page, value: date) -> float:
    box = page.locator(f".ec-col-head:has(time[datetime='{value.isoformat()}'])").bounding_box()
    return box["x"] + box["width"] / 2


def show_days(page, start: date, days: int) -> None:
    """Scroll the timeline (it shows about two weeks of the month at a time) so that the
    columns of `start` and of `days` later are both on screen."""
    middle = start + timedelta(days=days // 2)
    page.locator(f".ec-col-head:has(time[datetime='{middle.isoformat()}'])").evaluate(
        "head => head.scrollIntoView({block: 'nearest', inline: 'center'})"
    )


def assert_settles_at(page, bar, x: float, within: float) -> None:
    """The bar ends up `within` pixels of `x`: the calendar draws its entries again after
    a move is saved or refused, so the bar may be away or detached for a moment."""
    box = None
    for _ in range(50):
        box = bar.bounding_box()
        if box is not None and abs(box["x"] - x) < within:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the bar stays at {box} instead of x={x:.0f} ± {within}")


def drag_by_days(page, event, start: date, days: int) -> None:
    """Drag the bar sideways from its first day's column to the column `days` later."""
    show_days(page, start, days)
    box = event.bounding_box()
    x, y = box["x"] + 8, box["y"] + box["height"] / 2
    shift = column_centre(page, start + timedelta(days=days)) - column_centre(page, start)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + shift * step / 10, y)
        page.wait_for_timeout(20)
    page.mouse.up()


def short_campaign(api: Api) -> tuple[dict, date, date, int]:
    """The four-day campaign, its dates, and a one-week shift that stays in its month."""
    campaign = campaign_named(api, SHORT_CAMPAIGN)
    start, end = day(campaign["startDate"]), day(campaign["endDate"])
    assert start.month == end.month, "the short campaign fits in one month"
    later = end + timedelta(days=7)
    return campaign, start, end, 7 if later.month == end.month else -7


def test_dragging_a_campaign_in_the_timeline_moves_its_dates(page, api, restore_campaigns):
    # given
    campaign, start, end, shift = short_campaign(api)
    before = restore_campaigns(campaign["id"])
    sign_in(page)
    open_timeline_at(page, start.replace(day=1))
    event = page.locator(".ec-event.kind-campaign.ec-draggable").filter(has_text=SHORT_CAMPAIGN)
    expect(event).to_have_count(1)

    # when
    drag_by_days(page, event, start, shift)

    # then: the same four days, one week away, in the calendar and on the server
    new_start, new_end = start + timedelta(days=shift), end + timedelta(days=shift)
    expect(page.get_by_role("status").filter(has_text="Moved")).to_have_text(
        re.compile(rf"Moved {SHORT_CAMPAIGN} to {shown(new_start)} – {shown(new_end)}\.")
    )
    moved = page.locator(".ec-event.kind-campaign").filter(has_text=SHORT_CAMPAIGN)
    expect(moved).to_have_attribute("title", re.compile(f"{shown(new_start)} – {shown(new_end)}"))
    assert_settles_at(page, moved, column_centre(page, new_start) - 8, within=40)
    node = api(CAMPAIGN, id=campaign["id"])["node"]
    assert (node["startDate"], node["endDate"]) == (new_start.isoformat(), new_end.isoformat())
    assert node["version"] == before["version"] + 1
    screenshot(page, "calendar-dragged")


def test_a_refused_move_puts_the_campaign_back_and_says_why(page, api, restore_campaigns):
    # given: the editor sees a campaign of their team...
    campaign, start, end, shift = short_campaign(api)
    before = restore_campaigns(campaign["id"])
    assert before["ownerTeam"]["name"] in EDITOR_TEAMS
    sign_in(page, "EDITOR")
    open_timeline_at(page, start.replace(day=1))
    event = page.locator(".ec-event.kind-campaign.ec-draggable").filter(has_text=SHORT_CAMPAIGN)
    expect(event).to_have_count(1)
    show_days(page, start, shift)
    x_before = event.bounding_box()["x"]
    # ...which an admin hands to another team meanwhile
    sales = next(t for t in api(TEAMS)["teams"]["nodes"] if t["name"] == "Sales")
    handed = api(
        CAMPAIGN_UPDATE,
        i={"id": campaign["id"], "version": before["version"], "ownerTeamId": sales["id"]},
    )["campaignUpdate"]
    assert not handed["userErrors"]

    # when
    drag_by_days(page, event, start, shift)

    # then: refused, said, and back on its own days
    expect(page.get_by_role("status").filter(has_text="Not moved")).to_contain_text(
        f"Not moved: {FORBIDDEN_MESSAGE}"
    )
    back = page.locator(".ec-event.kind-campaign").filter(has_text=SHORT_CAMPAIGN)
    expect(back).to_have_attribute("title", re.compile(f"{shown(start)} – {shown(end)}"))
    assert_settles_at(page, back, x_before, within=2)
    node = api(CAMPAIGN, id=campaign["id"])["node"]
    assert (node["startDate"], node["endDate"]) == (start.isoformat(), end.isoformat())
    assert node["version"] == before["version"] + 1  # the hand-over only
    screenshot(page, "calendar-move-refused")


def test_a_viewer_cannot_drag_a_campaign(page, api):
    # given
    campaign, start, end, shift = short_campaign(api)
    sign_in(page, "VIEWER")
    open_timeline_at(page, start.replace(day=1))
    event = page.locator(".ec-event.kind-campaign").filter(has_text=SHORT_CAMPAIGN)
    expect(event).to_have_count(1)
    writes: list[str] = []
    page.on(
        "request",
        lambda r: writes.append(r.post_data or "") if "mutation" in (r.post_data or "") else None,
    )

    # when
    expect(event).not_to_have_class(re.compile("ec-draggable"))
    drag_by_days(page, event, start, shift)

    # then: nothing sent, nothing changed
    expect(event).to_have_attribute("title", re.compile(f"{shown(start)} – {shown(end)}"))
    assert writes == []
    node = api(CAMPAIGN, id=campaign["id"])["node"]
    assert (node["startDate"], node["endDate"]) == (start.isoformat(), end.isoformat())


# ---------------------------------------------------------------------------------------
# The task form: the editor's own team, and another team's task


def owning_teams(task: dict) -> set[str]:
    """The teams whose editors may change a task (as server/permissions.py decides)."""
    teams = {task["team"]["name"]} if task["team"] else set()
    if task["campaign"]:
        teams.add(task["campaign"]["ownerTeam"]["name"])
    if task["keyResult"]:
        teams.add(task["keyResult"]["goal"]["ownerTeam"]["name"])
    return teams


@pytest.fixture
def restore_task(api):
    saved: dict[str, dict] = {}

    def remember(task_id: str) -> dict:
        saved[task_id] = api(TASK, id=task_id)["node"]
        return saved[task_id]

    yield remember
    for task_id, before in saved.items():
        now = api(TASK, id=task_id)["node"]
        payload = api(
            TASK_UPDATE,
            i={
                "id": task_id,
                "version": now["version"],
                "status": before["status"],
                "assigneeId": (before["assignee"] or {}).get("id"),
            },
        )["taskUpdate"]
        assert not payload["userErrors"], payload["userErrors"]


def test_an_editor_changes_status_and_assignee_of_a_task_of_their_team(page, api, restore_task):
    # given: a Demand Generation task; a status and an assignee it does not have
    sofia = next(u for u in api(USERS_QUERY)["users"]["nodes"] if u["email"] == USERS["EDITOR"])
    olivia = next(u for u in api(USERS_QUERY)["users"]["nodes"] if u["email"] == USERS["ADMIN"])
    task = next(
        t
        for t in api(TASKS)["tasks"]["nodes"]
        if t["team"] and t["team"]["name"] == "Demand Generation" and t["status"] != "BLOCKED"
    )
    before = restore_task(task["id"])
    assignee = olivia if (task["assignee"] or {}).get("id") == sofia["id"] else sofia
    sign_in(page, "EDITOR")
    page.goto(f"/#/goals/{task['id']}")
    form = page.get_by_test_id("task-form")

    # when
    form.get_by_label("Status").select_option("BLOCKED")
    form.get_by_label("Assignee").select_option(label=assignee["name"])
    form.get_by_role("button", name="Save task").click()

    # then
    expect(page.locator(".detail p.notice")).to_have_text("Task saved.")
    expect(page.locator("[data-figure=status]")).to_have_text("Blocked")
    expect(page.locator("[data-figure=assignee]")).to_have_text(assignee["name"])
    node = api(TASK, id=task["id"])["node"]
    assert node["status"] == "BLOCKED"
    assert node["assignee"]["id"] == assignee["id"]
    assert node["version"] == before["version"] + 1

    # when
    page.reload()

    # then
    expect(page.locator("[data-figure=status]")).to_have_text("Blocked")
    expect(page.locator("[data-figure=assignee]")).to_have_text(assignee["name"])
    expect(page.get_by_test_id("task-form").get_by_label("Status")).to_have_value("BLOCKED")
    screenshot(page, "task-saved")


def test_an_editor_of_another_team_gets_no_task_form(page, api, server):
    # given: a task no team of the editor owns, not assigned to them
    sofia = next(u for u in api(USERS_QUERY)["users"]["nodes"] if u["email"] == USERS["EDITOR"])
    task = next(
        t
        for t in api(TASKS)["tasks"]["nodes"]
        if owning_teams(t)
        and not owning_teams(t) & EDITOR_TEAMS
        and (t["assignee"] or {}).get("id") != sofia["id"]
    )
    sign_in(page, "EDITOR")

    # when
    page.goto(f"/#/goals/{task['id']}")

    # then: no form, and the server would refuse the change anyway
    expect(page.get_by_test_id("detail-title")).to_have_text(task["title"])
    expect(
        page.get_by_text("You can change only the work of your teams and tasks assigned to you.")
    ).to_be_visible()
    expect(page.get_by_test_id("task-form")).to_have_count(0)
    editor = Api(server, USERS["EDITOR"])
    answer = post(
        server,
        editor.token,
        TASK_UPDATE,
        i={"id": task["id"], "version": task["version"], "status": "DONE"},
    )
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api(TASK, id=task["id"])["node"]["status"] == task["status"]
    screenshot(page, "task-other-team")


# ---------------------------------------------------------------------------------------
# The access token renewed before it expires


@pytest.fixture(scope="module")
def short_token_server(tmp_path_factory):
    """A second server whose access tokens live one minute (the shortest allowed)."""
    with running_server(
        tmp_path_factory.mktemp("short-token"), THROUGHLINE_ACCESS_TOKEN_MINUTES="1"
    ) as base:
        yield base


def test_the_access_token_is_refreshed_before_it_expires(
    browser, short_token_server, allowed_console
):
    with watched_page(browser, short_token_server, allowed_console) as page:
        # given: signed in with a token that lives 60 s, the refresh token in a cookie
        with page.expect_response(lambda r: r.url.endswith("/auth/session")) as handed_over:
            sign_in(page)
        signed_in = time.monotonic()
        first = handed_over.value.json()
        expires = datetime.fromisoformat(first["accessTokenExpiresAt"])
        claims = jwt.decode(first["accessToken"], options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 60
        assert int(expires.timestamp()) == claims["exp"]
        (cookie,) = page.context.cookies()
        refreshes: list[str] = []
        page.on("request", lambda r: refreshes.append(r.url) if "/auth/refresh" in r.url else None)

        # when: half its life goes by
        refresh = page.wait_for_event(
            "request", predicate=lambda r: r.url.endswith("/auth/refresh"), timeout=45_000
        )
        fresh = refresh.response().json()
        renewed_at = pinned_now()

        # then: renewed once, half-way through (not at once, nor in a loop), still valid,
        # by the cookie
        assert 25 <= time.monotonic() - signed_in <= 40
        assert renewed_at < expires
        assert len(refreshes) == 1
        assert refresh.all_headers()["cookie"] == f"{cookie['name']}={cookie['value']}"
        assert fresh["accessToken"] != first["accessToken"]
        assert datetime.fromisoformat(fresh["accessTokenExpiresAt"]) > expires
        (rotated,) = page.context.cookies()
        assert rotated["value"] != cookie["value"]

        # when: a later request (sent by its hash, then with its text if the server has
        # not seen it yet)
        answers: list = []
        page.on(
            "response",
            lambda r: (
                answers.append(r)
                if r.url.endswith("/graphql") and "Risks" in (r.request.post_data or "")
                else None
            ),
        )
        page.goto("/#/risks")
        expect(page.locator(".risk-table tbody tr").first).to_be_visible()

        # then: it carries the new token and succeeds
        assert answers
        for answer in answers:
            assert answer.request.headers["authorization"] == f"Bearer {fresh['accessToken']}"
        assert "errors" not in answers[-1].json()
        assert len(refreshes) == 1
        screenshot(page, "token-refreshed")
