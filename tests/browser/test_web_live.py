"""Live updates in the web client: with two pages open on the goal tree, a change made
through the API shows in the tree and the detail panel of both without a reload."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api, watched_page

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

ROOT_GOAL = "{ goals(filter: {rootsOnly: true}, first: 1) { nodes { id title version } } }"
GOAL_UPDATE = """
mutation($i: GoalUpdateInput!) { goalUpdate(input: $i) {
  goal { id title version } userErrors { field code message } } }
"""


def rename(api, goal: dict, title: str) -> dict:
    answer = api(GOAL_UPDATE, i={"id": goal["id"], "version": goal["version"], "title": title})
    assert answer["goalUpdate"]["userErrors"] == []
    return answer["goalUpdate"]["goal"]


def test_two_pages_see_a_change_made_through_the_api(browser, server, api, allowed_console):
    # given: two people with the same objective open, each listening live
    goal = api(ROOT_GOAL)["goals"]["nodes"][0]
    renamed = f"{goal['title']} (renamed live)"
    with (
        watched_page(browser, server, allowed_console) as first,
        watched_page(browser, server, allowed_console) as second,
    ):
        for page in (first, second):
            sign_in(page, "ADMIN")
            page.evaluate("(id) => { location.hash = `#/goals/${id}`; }", goal["id"])
            expect(page.get_by_test_id("detail-title")).to_contain_text(goal["title"])
            expect(page.locator("html")).to_have_attribute("data-live", "on")
            page.evaluate("window.notReloaded = true")
        try:
            # when: someone else renames it through the API
            goal = rename(api, goal, renamed)
            # then: both trees and detail panels show the new title, without a reload
            for page in (first, second):
                expect(page.get_by_test_id("detail-title")).to_contain_text(renamed)
                expect(page.locator(f'li[data-id="{goal["id"]}"] .row').first).to_contain_text(
                    renamed
                )
                assert page.evaluate("window.notReloaded") is True
            screenshot(first, "live-rename")
        finally:
            rename(api, goal, goal["title"].removesuffix(" (renamed live)"))
