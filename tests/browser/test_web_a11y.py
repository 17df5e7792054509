"""Accessibility of every view at desktop and phone sizes, light and dark, by axe-core:
nothing of impact serious or critical. A screenshot of each view at each size is kept
under test-output/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_serious_violations, violations
from tests.browser.conftest import screenshot, sign_in, sync_api

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
FIRST_KEY_RESULT = "{ keyResults(first: 1, orderBy: {field: TITLE}) { nodes { id } } }"
FIRST_CAMPAIGN = "{ campaigns(first: 1) { nodes { id } } }"
FIRST_TASK = "{ tasks(first: 1) { nodes { id } } }"


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


@pytest.fixture(params=["light", "dark"])
def scheme(request, page):
    page.emulate_media(color_scheme=request.param)
    return request.param


def test_sign_in_page(page, size, scheme):
    # when
    page.goto("/")

    # then
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"view-signin-{size}-{scheme}")


def test_goal_tree(page, size, scheme):
    # given
    sign_in(page)
    first = page.get_by_role("treeitem").first

    # when: one level open
    first.locator(".toggle").click()
    expect(first.locator(":scope > ul > li[role=treeitem]").first).to_be_visible()

    # then
    assert_no_serious_violations(page)
    screenshot(page, f"view-goals-{size}-{scheme}")


@pytest.mark.parametrize("kind", ["key-result", "campaign", "task"])
def test_details(page, api, size, scheme, kind):
    # given
    query = {"key-result": FIRST_KEY_RESULT, "campaign": FIRST_CAMPAIGN, "task": FIRST_TASK}
    data = api(query[kind])
    node = next(iter(data.values()))["nodes"][0]
    sign_in(page)

    # when
    page.goto(f"/#/goals/{node['id']}")

    # then
    expect(page.get_by_test_id("detail-title")).to_be_visible()
    if kind == "key-result":
        expect(page.locator("figure.chart canvas, figure.chart .empty").first).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"view-{kind}-{size}-{scheme}")


def test_trace(page, api, size, scheme):
    # given
    campaign = api(FIRST_CAMPAIGN)["campaigns"]["nodes"][0]
    sign_in(page)

    # when
    page.goto(f"/#/goals/{campaign['id']}?trace=1")

    # then
    expect(page.get_by_test_id("trace-path").first).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"view-trace-{size}-{scheme}")


def test_search(page, size, scheme):
    # given
    sign_in(page)

    # when
    page.goto("/#/goals?q=webinar")

    # then
    expect(page.locator(".summary")).to_contain_text("match")
    assert_no_serious_violations(page)
    screenshot(page, f"view-search-{size}-{scheme}")


def test_risks(page, size, scheme):
    # given
    sign_in(page)

    # when
    page.goto("/#/risks")

    # then
    expect(page.locator(".risk-table tbody tr").first).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"view-risks-{size}-{scheme}")


def test_calendar(page, size, scheme):
    # given
    sign_in(page)

    # when
    page.goto("/#/calendar")

    # then
    expect(page.locator(".ec").first).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"view-calendar-{size}-{scheme}")


def test_axe_reports_what_it_finds(page):
    # given: a page with an image without text and a low-contrast paragraph
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.textContent = "faint";
            p.style.color = "#ddd";
            document.querySelector("main").append(p);
            const button = document.createElement("button");
            document.querySelector("main").append(button);
        }"""
    )

    # when
    found = {v["id"] for v in violations(page)}

    # then: the helper sees both, so a clean run means something
    assert {"color-contrast", "button-name"} <= found
    with pytest.raises(AssertionError, match="button-name"):
        assert_no_serious_violations(page)
