"""Status updates in the web client: the latest update beside the computed health, both
shown and the difference called out when they disagree, its Markdown rendered with
nothing but the safe subset, and the form that posts one."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

FIRST_KEY_RESULT = """
{ keyResults(first: 1, orderBy: {field: TITLE}) { nodes { id health } } }
"""
LATEST = """
query($id: ID!) { node(id: $id) { ... on KeyResult { healthDisagrees
  latestStatusUpdate { health body } } } }
"""
LABELS = {"ON_TRACK": "On track", "AT_RISK": "At risk", "OFF_TRACK": "Off track"}


def test_posting_an_update_that_disagrees_shows_both_healths(page, api):
    # given: a key result, and a health other than the one computed for it
    kr = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]
    reported = "AT_RISK" if kr["health"] != "AT_RISK" else "ON_TRACK"
    sign_in(page)
    page.goto(f"/#/goals/{kr['id']}")
    latest = page.get_by_test_id("status-latest")
    expect(latest).to_contain_text("No status update yet.")

    # when
    page.get_by_label("Health", exact=True).select_option(reported)
    page.get_by_label("Update", exact=True).fill(
        "**Shipped** the pilot <script>window.hacked = 1</script>\n\n"
        "- see [notes](https://example.com/notes)\n- [bad](javascript:alert(1))"
    )
    page.get_by_role("button", name="Post update").click()

    # then: both healths, the disagreement, and the Markdown's safe subset only
    expect(page.get_by_test_id("status-disagrees")).to_be_visible()
    expect(latest.locator(".status-body strong")).to_have_text("Shipped")
    expect(latest.locator(".status-body li")).to_have_count(2)
    expect(latest.locator(".status-body a")).to_have_attribute("href", "https://example.com/notes")
    expect(latest.locator(".status-body a")).to_have_count(1)
    expect(latest.locator("script")).to_have_count(0)
    expect(latest).to_contain_text("<script>window.hacked = 1</script>")
    expect(latest).to_contain_text(LABELS[reported])
    assert page.evaluate("window.hacked") is None
    node = api(LATEST, id=kr["id"])["node"]
    assert node["healthDisagrees"] is True
    assert node["latestStatusUpdate"]["health"] == reported
    screenshot(page, "status-update")


def test_a_viewer_reads_updates_but_gets_no_form(page, api):
    # given
    kr = api(FIRST_KEY_RESULT)["keyResults"]["nodes"][0]
    sign_in(page, "VIEWER")

    # when
    page.goto(f"/#/goals/{kr['id']}")

    # then
    expect(page.get_by_test_id("status-latest")).to_be_visible()
    expect(page.get_by_role("button", name="Post update")).to_have_count(0)
