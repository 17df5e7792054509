"""Password checks are bounded per process: at most `password_checks` run at once, in
threads off the event loop, a few more wait, the rest are refused at once. Concurrency
is counted with a spy that holds every check until the test lets go; nothing is timed."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from server import passwords
from server.app import create_app
from server.settings import load_settings
from tests import factories
from tests.conftest import TEST_SECRET
from tests.signing_in import cheap_hasher

PASSWORD = "correct horse battery"
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }
"""
SETTLE_ROUNDS = 1000
BoundedApp = Callable[[int], Awaitable[httpx.AsyncClient]]


class HeldChecks:
    """A stand-in for `passwords.verify` that counts the checks inside it at once and
    keeps them there until `release` is set."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.threads: set[int] = set()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._verify = passwords.verify

    def __call__(self, stored_hash: str | None, password: str) -> bool:
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.threads.add(threading.get_ident())
        try:
            self.release.wait(timeout=60)  # a safety net should the code under test hang
            return self._verify(stored_hash, password)
        finally:
            with self._lock:
                self.inside -= 1


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldChecks:
    monkeypatch.setattr(passwords, "hasher", cheap_hasher())
    spy = HeldChecks()
    monkeypatch.setattr(passwords, "verify", spy)
    return spy


@pytest.fixture
async def bounded(database_url: str, tmp_path: Path) -> AsyncIterator[BoundedApp]:
    """HTTP clients of apps allowed two password checks at once, and as many callers
    waiting as the test asks for."""
    async with contextlib.AsyncExitStack() as stack:

        async def app(waiting: int) -> httpx.AsyncClient:
            settings = load_settings(
                env={},
                overrides={
                    "database_url": database_url,
                    "data_dir": str(tmp_path),
                    "jwt_secret": TEST_SECRET,
                    "password_checks": 2,
                    "password_queue": waiting,
                    "max_in_flight": 10,  # everyone here calls from one address
                },
            )
            transport = httpx.ASGITransport(
                app=create_app(settings, manage_database=False), raise_app_exceptions=False
            )
            client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
            return await stack.enter_async_context(client)

        yield app


async def login(http: httpx.AsyncClient, email: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"input": {"email": email, "password": PASSWORD}}},
    )
    assert response.status_code < 500, response.text
    return response.json()


async def settled(condition) -> None:
    """Let the requests run until `condition()` holds (or give up, and let the
    assertions that follow say what went wrong)."""
    for _ in range(SETTLE_ROUNDS):
        if condition():
            return
        await asyncio.sleep(0.005)


def rate_limited(body: dict) -> bool:
    return any(e["extensions"]["code"] == "RATE_LIMITED" for e in body.get("errors", []))


async def test_concurrent_password_checks_are_bounded_and_the_overflow_refused(bounded, held):
    # given: two checks at once, one caller waiting; five people signing in at once
    http = await bounded(1)
    emails = [f"person{n}@example.com" for n in range(5)]
    for email in emails:
        await factories.user(email=email, password_hash=passwords.hash_password(PASSWORD))
    requests = [asyncio.create_task(login(http, email)) for email in emails]

    # when: two checks are running, one waits, and the other two have been answered
    await settled(lambda: held.inside == 2 and sum(r.done() for r in requests) == 2)
    answered_early = [r.result() for r in requests if r.done()]
    inside_while_held = held.inside
    held.release.set()
    bodies = await asyncio.gather(*requests)

    # then
    assert inside_while_held == 2
    assert held.most_inside == 2
    assert len(answered_early) == 2
    assert all(rate_limited(body) for body in answered_early)
    assert answered_early[0]["errors"][0]["extensions"]["retryAfter"] == 1
    signed_in = [body for body in bodies if "errors" not in body]
    assert len(signed_in) == 3
    assert threading.get_ident() not in held.threads, "checks must run off the event loop"


async def test_a_refused_check_is_not_counted_as_a_failed_sign_in(bounded, held):
    # given: both checks taken by other people, and no waiting
    http = await bounded(0)
    emails = [f"person{n}@example.com" for n in range(3)]
    for email in emails:
        await factories.user(email=email, password_hash=passwords.hash_password(PASSWORD))
    crowd = [asyncio.create_task(login(http, email)) for email in emails[:2]]
    await settled(lambda: held.inside == 2)

    # when: a third person tries six times while the server is busy
    refusals = [await login(http, emails[2]) for _ in range(6)]
    held.release.set()
    await asyncio.gather(*crowd)
    afterwards = await login(http, emails[2])

    # then: no password was guessed, so nothing backs off
    assert all(rate_limited(body) for body in refusals)
    assert "errors" not in afterwards
