"""Guessing passwords: failed sign-ins back off per account and per client address
(counted in the database, so every worker process sees them), and one request signs in
at most once. Real HTTP requests on both database engines, with the clock pinned."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest

from server import clock, models, passwords
from server.app import create_app
from server.settings import Settings
from server.sign_in_backoff import address_key
from tests import factories
from tests.signing_in import PinnedClock, cheap_hasher

PASSWORD = "correct horse battery"
WRONG = "not the password at all"
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken user { email } }
}
"""


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", cheap_hasher())


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> PinnedClock:
    pinned = PinnedClock()
    monkeypatch.setattr(clock, "now", pinned.now)
    return pinned


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords actually checked with argon2."""
    seen: list[str] = []
    real_verify = passwords.verify

    def spy(stored_hash: str | None, password: str) -> bool:
        seen.append(password)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(passwords, "verify", spy)
    return seen


@pytest.fixture
async def from_address(
    settings: Settings,
) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """HTTP clients of one app, each calling from the address it is given."""
    app = create_app(settings, manage_database=False)
    clients: list[httpx.AsyncClient] = []

    def client(host: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(host, 4711))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return clients[-1]

    yield client
    for each in clients:
        await each.aclose()


async def person(email: str) -> models.User:
    return await factories.user(email=email, password_hash=passwords.hash_password(PASSWORD))


async def login(http: httpx.AsyncClient, email: str, password: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"input": {"email": email, "password": password}}},
    )
    assert response.status_code < 500, response.text
    return response.json()


def outcome(body: dict) -> str | int:
    """ "signed in", "refused", or the seconds a RATE_LIMITED answer asks to wait."""
    if "errors" not in body:
        assert body["data"]["login"]["accessToken"]
        return "signed in"
    (error,) = body["errors"]
    if error["extensions"]["code"] == "UNAUTHENTICATED":
        return "refused"
    assert error["extensions"]["code"] == "RATE_LIMITED", error
    assert f"try again in {error['extensions']['retryAfter']} seconds" in error["message"]
    return error["extensions"]["retryAfter"]


async def test_wrong_passwords_back_off_and_refuse_even_the_right_one(http, pinned, checked):
    # given
    await person("target@example.com")

    # when: 200 wrong passwords in a row, then the right one, all at the same moment
    wrong = [outcome(await login(http, "target@example.com", WRONG)) for _ in range(200)]
    right = outcome(await login(http, "target@example.com", PASSWORD))

    # then: five free failures, then nothing is even checked until the wait is over
    assert wrong == ["refused"] * 5 + [1] * 195
    assert right == 1
    assert checked == [WRONG] * 5


async def test_each_further_failure_doubles_the_wait_until_the_ceiling(http, pinned):
    # given: the free failures used up
    await person("target@example.com")
    for _ in range(5):
        await login(http, "target@example.com", WRONG)

    # when: a guesser that waits exactly as long as it is told
    waits = []
    for _ in range(13):
        wait = outcome(await login(http, "target@example.com", WRONG))
        pinned.advance(timedelta(seconds=wait))
        assert outcome(await login(http, "target@example.com", WRONG)) == "refused"
        waits.append(wait)

    # then
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


async def test_parallel_guesses_get_no_more_checks_than_guesses_in_a_row(
    from_address, pinned, checked
):
    # given: one free failure left
    await person("target@example.com")
    for _ in range(4):
        await login(from_address("198.51.100.1"), "target@example.com", WRONG)

    # when: ten guesses at once, from ten addresses
    guessers = [from_address(f"203.0.113.{n}") for n in range(10)]
    bodies = await asyncio.gather(*[login(g, "target@example.com", WRONG) for g in guessers])

    # then: only one of them was checked
    assert sorted(map(str, map(outcome, bodies))) == ["1"] * 9 + ["refused"]
    assert len(checked) == 5


async def test_signing_in_resets_the_accounts_failures(http, pinned):
    # given: backing off after five failures
    await person("forgetful@example.com")
    for _ in range(5):
        await login(http, "forgetful@example.com", WRONG)
    pinned.advance(timedelta(seconds=1))

    # when
    first = outcome(await login(http, "forgetful@example.com", PASSWORD))
    typos = [outcome(await login(http, "forgetful@example.com", WRONG)) for _ in range(4)]
    again = outcome(await login(http, "forgetful@example.com", PASSWORD))

    # then: four more typos are free again
    assert (first, typos, again) == ("signed in", ["refused"] * 4, "signed in")
    assert await models.SignInFailures.filter(scope="account").count() == 0


async def test_unknown_emails_back_off_like_real_ones(http, pinned):
    # when
    answers = [outcome(await login(http, "nobody@example.com", WRONG)) for _ in range(6)]

    # then: the answer does not tell whether the account exists
    assert answers == ["refused"] * 5 + [1]


async def test_one_address_backs_off_across_accounts(from_address, pinned, checked):
    # given: a guesser trying one password on many accounts
    await person("victim@example.com")
    guesser = from_address("198.51.100.7")
    colleague = from_address("203.0.113.9")
    sprayed = [outcome(await login(guesser, f"user{n}@example.com", WRONG)) for n in range(25)]

    # when
    from_guesser = outcome(await login(guesser, "victim@example.com", PASSWORD))
    from_elsewhere = outcome(await login(colleague, "victim@example.com", PASSWORD))

    # then: twenty free failures for the address, however many accounts they touch
    assert sprayed == ["refused"] * 20 + [1] * 5
    assert from_guesser == 1
    assert from_elsewhere == "signed in"
    assert len(checked) == 21


async def test_signing_in_does_not_count_against_the_address(from_address, pinned):
    # given: an office behind one address, where many people sign in
    office = from_address("192.0.2.10")
    for n in range(30):
        await person(f"staff{n}@example.com")

    # when
    answers = [outcome(await login(office, f"staff{n}@example.com", PASSWORD)) for n in range(30)]

    # then
    assert answers == ["signed in"] * 30


def test_addresses_are_counted_by_ipv4_address_or_ipv6_network():
    assert address_key("198.51.100.7") == "198.51.100.7"
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2")
    assert address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert address_key(None) == address_key("not an address") == "unknown"


ALIASES = """
mutation {
  a: login(input: {email: "target@example.com", password: "guess one!!"}) { accessToken }
  b: login(input: {email: "target@example.com", password: "guess two!!"}) { accessToken }
}
"""
SPREAD = """
mutation { ...Guess other: login(input: {email: "target@example.com", password: "two"}) {
  accessToken } }
fragment Guess on Mutation {
  login(input: {email: "target@example.com", password: "one"}) { accessToken }
}
"""


def single(query: str) -> dict:
    return {"query": query}


def batch(*passwords_tried: str) -> list[dict]:
    return [
        {"query": LOGIN, "variables": {"input": {"email": "target@example.com", "password": p}}}
        for p in passwords_tried
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(single(ALIASES), id="aliases"),
        pytest.param(single(SPREAD), id="a fragment and an alias"),
        pytest.param(batch(WRONG, PASSWORD), id="a batch"),
        pytest.param(batch(*[f"guess number {n}" for n in range(10)]), id="a full batch"),
    ],
)
async def test_a_request_signs_in_at_most_once(http, checked, body):
    # given
    await person("target@example.com")

    # when
    response = await http.post("/graphql", json=body)

    # then: refused before anything runs
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["measure"] == "logins"
    assert error["extensions"]["limit"] == 1
    assert error["extensions"]["value"] >= 2
    assert checked == []
    assert await models.RefreshToken.all().count() == 0
    assert await models.SignInFailures.all().count() == 0


async def test_one_sign_in_per_request_still_signs_in(http):
    # given
    await person("target@example.com")
    same_name_twice = (
        "mutation { ...A ...A } fragment A on Mutation { login(input: "
        '{email: "target@example.com", password: "correct horse battery"}) { accessToken } }'
    )

    # when
    batched = await http.post("/graphql", json=[*batch(PASSWORD), {"query": "{ __typename }"}])
    merged = await http.post("/graphql", json=single(same_name_twice))

    # then
    assert batched.status_code == 200
    assert batched.json()[0]["data"]["login"]["accessToken"]
    assert merged.json()["data"]["login"]["accessToken"]
    assert await models.RefreshToken.all().count() == 2


PASSWORD_CHANGE = """
mutation Change($input: PasswordChangeInput!) {
  passwordChange(input: $input) { session { accessToken } userErrors { field code } }
}
"""


async def test_wrong_current_passwords_back_off_like_failed_sign_ins(http, pinned, checked):
    # given: signed in (with a stolen access token, say)
    user = await person("target@example.com")
    token = (await login(http, "target@example.com", PASSWORD))["data"]["login"]["accessToken"]

    async def change(current: str) -> dict:
        response = await http.post(
            "/graphql",
            json={
                "query": PASSWORD_CHANGE,
                "variables": {"input": {"currentPassword": current, "newPassword": "x" * 12}},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()

    # when
    wrong = [await change(WRONG) for _ in range(5)]
    right = await change(PASSWORD)

    # then
    for body in wrong:
        assert body["data"]["passwordChange"]["userErrors"] == [
            {"field": "currentPassword", "code": "INVALID"}
        ]
    (error,) = right["errors"]
    assert (error["extensions"]["code"], error["extensions"]["retryAfter"]) == ("RATE_LIMITED", 1)
    assert len(checked) == 1 + 5
    await user.refresh_from_db()
    assert passwords.verify(user.password_hash, PASSWORD)
