"""Browser tests: Debian's chromium, headless, driving the web client on a live server.

One server for the session (uvicorn in a subprocess on a free port, a temporary SQLite
database with the demo organisation) and one browser per module; each test gets a fresh page.
Any console error or page error fails the test. Screenshots go to test-output/screenshots/.

The server's clock and every page's clock start at the same instant (`PINNED_NOW`, or
THROUGHLINE_TEST_NOW when set), so the demo's dates, "today" in the calendar and the
health of every goal are the same whatever day the tests run on.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from tests.pinned_time import pinned_now, server_clock_setting

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "northwind-demo"
USERS = {
    "ADMIN": "olivia.bennett@northwind-analytics.com",
    "EDITOR": "sofia.alvarez@northwind-analytics.com",
    "VIEWER": "samuel.adeyemi@northwind-analytics.com",
}

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The real server on a fresh SQLite database holding the demo organisation."""
    with running_server(tmp_path_factory.mktemp("server")) as base:
        yield base


@contextmanager
def running_server(data: Path, **settings: str) -> Iterator[str]:
    """A server process on a free port, its database in `data`; `settings` are extra
    environment variables (THROUGHLINE_...). Yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "THROUGHLINE_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data}/throughline.sqlite3",
        "THROUGHLINE_PORT": str(port),
        "THROUGHLINE_PUBLIC_URL": base,
        "THROUGHLINE_LOG_LEVEL": "WARNING",
        "THROUGHLINE_CLOCK": server_clock_setting(),
        **settings,
    }
    cli = [sys.executable, "-m", "server.cli"]
    subprocess.run([*cli, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [*cli, "serve"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited:\n{(data / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


class Api:
    """The GraphQL API as a test reads it, to compare the page with."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.token = None
        data = self(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            i={"email": email, "password": PASSWORD},
        )
        self.token = data["login"]["accessToken"]

    def __call__(self, query: str, **variables) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            f"{self.base}/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = json.load(response)
        assert "errors" not in payload, payload["errors"]
        return payload["data"]


ALIASES_PER_REQUEST = 25
"""Mutations sent in one request by `create_many`: under the server's limit of 30."""


def create_many(api: Api, field: str, inputs: list[str]) -> None:
    """Mutations in batches of aliased calls, run in order; every one must succeed."""
    for start in range(0, len(inputs), ALIASES_PER_REQUEST):
        batch = inputs[start : start + ALIASES_PER_REQUEST]
        body = " ".join(
            f"m{i}: {field}(input: {text}) {{ userErrors {{ message }} }}"
            for i, text in enumerate(batch)
        )
        data = api(f"mutation {{ {body} }}")
        assert all(not payload["userErrors"] for payload in data.values()), data


@pytest.fixture(scope="session")
def api(server) -> Api:
    return Api(server, USERS["ADMIN"])


@pytest.fixture(scope="module")
def browser():
    """Closed at the end of the module: Playwright's sync API runs an event loop of its
    own, which must be gone before the asyncio tests of the rest of the suite start."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def allowed_console() -> list[str]:
    """Console messages a test causes on purpose (exact text)."""
    return []


@pytest.fixture
def page(browser, server, allowed_console):
    """A fresh page at 1280 px; fails the test on any console or page error."""
    with watched_page(browser, server, allowed_console) as page:
        yield page


@contextmanager
def watched_page(browser, server: str, allowed_console: list[str]) -> Iterator:
    """A page of its own context on `server`; any console or page error not allowed
    fails the test when the page closes."""
    context = browser.new_context(
        base_url=server,
        viewport={"width": 1280, "height": 900},
        timezone_id=os.environ.get("THROUGHLINE_TEST_TIMEZONE", "UTC"),
        # The client formats in the browser's locale: a British reader's, as the tests expect.
        locale=os.environ.get("THROUGHLINE_TEST_LOCALE", "en-GB"),
    )
    context.set_default_timeout(15_000)
    context.clock.install(time=browser_start())
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    unexpected = [p for p in problems if p.split(": ", 1)[-1] not in allowed_console]
    assert not unexpected, "\n".join(unexpected)


def browser_start() -> datetime:
    """Where a page's clock starts: the server's pinned instant moved on by the time the
    server has been running, so page and server agree on the day and the hour."""
    return pinned_now()


def sign_in(page, role: str = "ADMIN", where: str = "/#/goals"):
    """Sign in from `where` (a deep link kept through sign-in); most tests start in the tree."""
    page.goto(where)
    page.get_by_label("Email").fill(USERS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    sync_api.expect(page.get_by_test_id("who")).to_contain_text(role.lower())


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
