"""Long lists are never cut off silently: 54 top-level goals and a campaign with 57 tasks
page in the tree with "Show more", the team filters list all 106 teams, and 50+ risks
page with "Show more risks". A server of its own, so the extra rows reach no other test."""

from __future__ import annotations

import pytest

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

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
EXTRA_TEAMS = 100
CAMPAIGN_TASKS = 57
UNALIGNED_TASKS = 20
EXTRA_GOALS = 50

CAMPAIGN = """
{ campaigns(first: 100) { nodes { id name tasks(first: 1) { totalCount }
  keyResults(first: 1) { nodes { id goal { id } } } } } }
"""
TRACE = "query($id: ID!) { trace(id: $id) { paths { nodes { id } } } }"
COUNTS = "{ teams(first: 0) { totalCount } risks(first: 0) { totalCount } }"
ROOTS = "{ goals(filter: {rootsOnly: true}, first: 0) { totalCount } }"
TEAM = "{ teams(first: 1) { nodes { id } } }"



@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A server whose demo organisation has many more teams, tasks and risks."""
    with running_server(tmp_path_factory.mktemp("crowded")) as base:
        api = Api(base, USERS["ADMIN"])
        campaigns = api(CAMPAIGN)["campaigns"]["nodes"]
        campaign = next(c for c in campaigns if c["keyResults"]["nodes"])
        create_many(
            api, "teamCreate", [f'{{name: "Extra team {n:03}"}}' for n in range(EXTRA_TEAMS)]
        )
        have = campaign["tasks"]["totalCount"]
        create_many(
            api,
            "taskCreate",
            [
                f'{{title: "Extra step {n:02}", campaignId: "{campaign["id"]}"}}'
                for n in range(CAMPAIGN_TASKS - have)
            ],
        )
        team = api(TEAM)["teams"]["nodes"][0]["id"]
        create_many(
            api,
            "goalCreate",
            [
                f'{{title: "Zz objective {n:02}", ownerTeamId: "{team}", '
                'periodStart: "2027-01-01", periodEnd: "2027-12-31"}'
                for n in range(EXTRA_GOALS)
            ],
        )
        # Tasks on no campaign and no key result: one LOW risk each (unaligned work).
        create_many(
            api, "taskCreate", [f'{{title: "Loose end {n:02}"}}' for n in range(UNALIGNED_TASKS)]
        )
        yield base, api, campaign


@pytest.fixture(params=sorted(SIZES))
def crowded_page(request, browser, crowded, allowed_console):
    base, _, _ = crowded
    with watched_page(browser, base, allowed_console) as page:
        page.set_viewport_size(SIZES[request.param])
        page.size = request.param
        yield page


def test_tree_children_page_past_fifty_with_show_more(crowded_page, crowded):
    # given: the campaign's key result's goal path, opened by arriving at the campaign
    page = crowded_page
    _, api, campaign = crowded
    sign_in(page)
    page.goto(f"/#/goals/{campaign['id']}")
    item = page.locator(f"li[role=treeitem][data-id='{campaign['id']}']").first
    expect(item).to_have_attribute("aria-selected", "true")
    if page.size == "phone":
        page.get_by_role("button", name="Back to the tree").click()

    # when: the campaign opened
    item.locator(":scope > .item .toggle").click()

    # then: the first 50 tasks and a "Show more" item
    tasks = item.locator(":scope > ul > li[role=treeitem][data-kind=Task]")
    expect(tasks).to_have_count(50)
    more = item.locator(":scope > ul > li.more")
    expect(more).to_have_text("+Show more")

    # when
    more.click()

    # then: all 57, and nothing more to show
    expect(tasks).to_have_count(CAMPAIGN_TASKS)
    expect(more).to_have_count(0)
    screenshot(page, f"lists-tree-more-{page.size}")


def test_top_level_goals_page_past_fifty_with_show_more(crowded_page, crowded):
    # given: 4 objectives of the demo and 50 more, titled to sort last
    page = crowded_page
    _, api, _ = crowded
    total = api(ROOTS)["goals"]["totalCount"]
    assert total == 4 + EXTRA_GOALS

    # when
    sign_in(page)

    # then: the first 50 by title, the count of all, and "Show more" after them
    roots = page.get_by_role("tree").locator(":scope > li[role=treeitem][data-kind=Goal]")
    expect(roots).to_have_count(50)
    expect(page.get_by_text(f"{total} company objectives (50 shown")).to_be_visible()
    more = page.get_by_role("tree").locator(":scope > li.more")
    expect(more).to_have_text("+Show more")

    # when
    more.click()

    # then: every objective, the last one by title at the end, and nothing more to show
    expect(roots).to_have_count(total)
    expect(roots.last).to_contain_text(f"Zz objective {EXTRA_GOALS - 1:02}")
    expect(more).to_have_count(0)
    expect(page.get_by_text(f"{total} company objectives", exact=True)).to_be_visible()


def test_a_link_to_an_objective_past_the_first_fifty_opens_it(crowded_page, crowded):
    # given: the last objective by title, on the second page of the top level
    page = crowded_page
    _, api, _ = crowded
    last = api(
        '{ goals(filter: {search: "Zz objective 49"}, first: 1) { nodes { id } } }'
    )["goals"]["nodes"][0]

    # when
    sign_in(page, where=f"/#/goals/{last['id']}")

    # then: the tree loaded the page holding it and selected it
    item = page.locator(f"li[role=treeitem][data-id='{last['id']}']").first
    expect(item).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("detail-title")).to_have_text("Zz objective 49")


def test_show_more_works_from_the_keyboard(crowded_page, crowded):
    # given
    page = crowded_page
    _, _, campaign = crowded
    sign_in(page)
    page.goto(f"/#/goals/{campaign['id']}")
    item = page.locator(f"li[role=treeitem][data-id='{campaign['id']}']").first
    expect(item).to_have_attribute("aria-selected", "true")
    if page.size == "phone":
        page.get_by_role("button", name="Back to the tree").click()
    item.focus()
    page.keyboard.press("ArrowRight")
    tasks = item.locator(":scope > ul > li[role=treeitem][data-kind=Task]")
    expect(tasks).to_have_count(50)

    # when: into the first task, down past the 50th to "Show more", Enter loads the rest
    page.keyboard.press("ArrowRight")
    for _ in range(50):
        page.keyboard.press("ArrowDown")
    expect(item.locator(":scope > ul > li.more")).to_be_focused()
    page.keyboard.press("Enter")

    # then: the 51st task has the focus
    expect(tasks).to_have_count(CAMPAIGN_TASKS)
    expect(tasks.nth(50)).to_be_focused()


def test_team_filters_list_every_team(crowded_page, crowded):
    # given
    page = crowded_page
    _, api, _ = crowded
    total = api(COUNTS)["teams"]["totalCount"]
    assert total == 6 + EXTRA_TEAMS
    sign_in(page)

    # then: the goal tree's and the risks' team filters have every team, and "All"
    expect(page.locator("select[name=team] option")).to_have_count(total + 1)
    page.goto("/#/risks")
    expect(page.locator("select[name=team] option")).to_have_count(total + 1)


def test_risks_page_past_fifty(crowded_page, crowded):
    # given
    page = crowded_page
    _, api, _ = crowded
    total = api(COUNTS)["risks"]["totalCount"]
    assert total > 50
    sign_in(page)

    # when
    page.goto("/#/risks")

    # then
    rows = page.locator(".risk-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator(".risk-list .summary")).to_have_text(
        f"Showing the 50 most severe of {total} risks."
    )

    # when
    page.get_by_role("button", name="Show more risks").click()

    # then
    expect(rows).to_have_count(total)
    expect(page.locator(".risk-list .summary")).to_have_text(f"{total} risks.")
    expect(page.get_by_role("button", name="Show more risks")).to_be_hidden()
    expect(page.locator(".risk-counts li[data-severity=LOW]")).to_have_attribute(
        "data-count", str(int(page.locator(".risk-table tbody tr[data-severity=LOW]").count()))
    )
    screenshot(page, f"lists-risks-more-{page.size}")
