"""The web client under its security headers: the content policy breaks nothing and
reports what it blocks; the session survives reloads without a token any script can read."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api

expect = sync_api.expect

# Records every violation of the content policy, from before the page's first script.
RECORD_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.policyViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
INJECTED = "inline script injected by the test"


@pytest.fixture
def recorded(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.policyViolations")


def test_the_client_works_under_its_security_headers(recorded):
    # given
    page = recorded

    # when: the page, then every view
    with page.expect_response(lambda r: r.url.endswith("/")) as document:
        sign_in(page)
    page.get_by_role("tree").get_by_role("treeitem").first.click()
    expect(page.get_by_test_id("detail-title")).to_be_visible()
    for view in ("month", "week", "list", "timeline"):
        page.goto(f"/#/calendar?view={view}")
        expect(page.locator(".ec")).to_be_visible()
    page.goto("/#/risks")
    expect(page.locator(".risk-table tbody tr").first).to_be_visible()

    # then
    headers = document.value.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert violations(page) == []
    screenshot(page, "risks-under-policy")


def test_an_injected_inline_script_is_blocked_and_reported(recorded, allowed_console):
    # given: the console error the browser writes is what fails every other test
    page = recorded
    reported: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            reported.append(message.text)
            allowed_console.append(message.text)

    page.on("console", on_console)
    page.goto("/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    # when
    ran = page.evaluate(
        """() => {
          window.injectedRan = false;
          const script = document.createElement("script");
          script.textContent = "window.injectedRan = true";
          document.head.append(script);
          return window.injectedRan;
        }"""
    )

    # then
    assert ran is False
    page.wait_for_function("window.policyViolations.length > 0")
    assert violations(page) == ["script-src-elem inline"]
    assert len(reported) == 1


# ---------------------------------------------------------------------------------------
# The session kept in an HttpOnly cookie, not in storage


def stored_everywhere_a_script_reads(page) -> str:
    """Everything in local and session storage and the cookies scripts can see."""
    return page.evaluate(
        """() => JSON.stringify([
          Object.entries(localStorage), Object.entries(sessionStorage), document.cookie,
        ])"""
    )


def test_no_token_is_kept_where_a_script_can_read_it(page):
    # given: signed in, then refreshed by a reload
    with (
        page.expect_response(lambda r: r.url.endswith("/graphql")) as login,
        page.expect_response(lambda r: r.url.endswith("/auth/session")) as handed_over,
    ):
        sign_in(page)
    tokens = [
        login.value.json()["data"]["login"]["refreshToken"],
        handed_over.value.json()["accessToken"],
        *(cookie["value"] for cookie in page.context.cookies()),
    ]
    after_sign_in = stored_everywhere_a_script_reads(page)
    with page.expect_response(lambda r: r.url.endswith("/auth/refresh")) as refreshed:
        page.reload()
    expect(page.get_by_test_id("who")).to_contain_text("admin")
    tokens += [refreshed.value.json()["accessToken"]]
    tokens += [cookie["value"] for cookie in page.context.cookies()]

    # then
    after_refresh = stored_everywhere_a_script_reads(page)
    for stored in (after_sign_in, after_refresh):
        assert stored == '[[],[],""]'
        assert not [token for token in tokens if token in stored]


def test_the_refresh_cookie_is_http_only_strict_and_sent_only_to_auth(page):
    # when
    sign_in(page)

    # then
    (cookie,) = page.context.cookies()
    assert cookie["name"] == "throughline_refresh"
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/auth"
    assert cookie["secure"] is False  # plain HTTP in the tests; Secure over HTTPS
    with page.expect_request(lambda r: r.url.endswith("/graphql")) as api_call:
        page.goto("/#/risks")
    assert "cookie" not in api_call.value.all_headers()


def test_reload_and_a_new_tab_keep_the_user_signed_in_and_sign_out_ends_it(page):
    # given
    sign_in(page, "EDITOR")
    page.goto("/#/risks")
    expect(page.locator(".risk-table tbody tr").first).to_be_visible()

    # when
    page.reload()

    # then: the same place, the same user
    expect(page.get_by_test_id("who")).to_contain_text("editor")
    expect(page.locator(".risk-table tbody tr").first).to_be_visible()
    other = page.context.new_page()
    other.goto("/#/goals")
    expect(other.get_by_test_id("who")).to_contain_text("editor")
    other.close()

    # when
    page.get_by_test_id("sign-out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()

    # then
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.context.cookies() == []
    screenshot(page, "signed-out-after-reload")
