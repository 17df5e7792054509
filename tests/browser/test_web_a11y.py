"""Accessibility of every view at desktop and phone sizes, measured by axe-core."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_no_serious_violations, violations
from tests.browser.conftest import screenshot, sign_in, sync_api

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def test_sign_in_page(page, size):
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_no_serious_violations(page)
    screenshot(page, f"a11y-signin-{size}")


def test_goals_view(page, size):
    sign_in(page)
    expect(page.get_by_role("treeitem").first).to_be_visible()
    print(violations(page))
    assert_no_serious_violations(page)
