"""One caller may have only so many requests running: the next is refused with 429.

Requests are held in flight by stalling them on events the test releases, never by
waiting for time to pass; every request runs concurrently against the ASGI app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from schema.core import node as node_module
from schema.core.ids import encode_global_id
from server.app import create_app
from server.settings import Settings
from server.tokens import TokenSigner
from tests import factories
from tests.conftest import custom_settings
from tests.test_limits import GOAL_HISTORY

ME = "{ me { id } }"


class Gate:
    """Holds requests at a point until released, and tells when `count` have arrived."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.arrived = 0
        self.all_arrived = asyncio.Event()
        self.open = asyncio.Event()

    async def wait(self) -> None:
        self.arrived += 1
        if self.arrived == self.count:
            self.all_arrived.set()
        await self.open.wait()


@pytest.fixture
async def app(settings: Settings):
    return create_app(custom_settings(settings, max_in_flight=4), manage_database=False)


@pytest.fixture
async def clients(app) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two clients of the app, from two addresses."""

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 50_000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client("10.0.0.1") as first, client("10.0.0.2") as second:
        yield first, second


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json() == {
        "errors": [
            {
                "message": "You have 4 requests running, the most allowed at once; "
                "send this one when one of them has been answered.",
                "extensions": {
                    "code": "RATE_LIMITED",
                    "measure": "requests in flight",
                    "value": 5,
                    "limit": 4,
                },
            }
        ]
    }


def bearer(signer: TokenSigner, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.issue(user.pk).token}"}


async def test_a_user_with_four_requests_running_is_refused_a_fifth(clients, signer, monkeypatch):
    # given: four of one user's requests held while they read a goal's history
    http, _ = clients
    gate = Gate(4)

    async def held(keys):
        await gate.wait()
        return [[] for _ in keys]

    monkeypatch.setattr(node_module, "history_by_node", held)
    mine = bearer(signer, await factories.user())
    other = await factories.user()
    theirs = bearer(signer, other)
    goal = encode_global_id("Goal", (await factories.goal(await factories.team())).pk)
    running = [
        asyncio.create_task(
            http.post(
                "/graphql", json={"query": GOAL_HISTORY, "variables": {"id": goal}}, headers=mine
            )
        )
        for _ in range(4)
    ]
    await gate.all_arrived.wait()

    # when
    fifth = await http.post("/graphql", json={"query": ME}, headers=mine)
    someone_else = await http.post("/graphql", json={"query": ME}, headers=theirs)

    # then: refused at once, while another user is served
    assert_rate_limited(fifth)
    assert someone_else.json() == {
        "data": {"me": {"id": encode_global_id("User", other.pk)}},
        "extensions": {"cost": {"nodes": 0, "limit": 50_000}},
    }
    assert all(not task.done() for task in running)

    # when: the four are answered
    gate.open.set()
    answered = await asyncio.gather(*running)
    again = await http.post("/graphql", json={"query": ME}, headers=mine)

    # then: the user may send again
    assert [response.status_code for response in answered] == [200] * 4
    assert again.status_code == 200


async def test_a_signed_out_address_with_four_requests_running_is_refused_a_fifth(clients):
    # given: four signed-out requests from one address, their bodies still arriving
    first, second = clients
    gate = Gate(4)

    async def body() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await gate.wait()
        yield b'"{ __typename }"}'

    headers = {"content-type": "application/json"}
    running = [
        asyncio.create_task(first.post("/graphql", content=body(), headers=headers))
        for _ in range(4)
    ]
    await gate.all_arrived.wait()

    # when
    fifth = await first.post("/graphql", json={"query": "{ __typename }"})
    elsewhere = await second.post("/graphql", json={"query": "{ __typename }"})

    # then
    assert_rate_limited(fifth)
    assert elsewhere.json()["data"] == {"__typename": "Query"}

    # when
    gate.open.set()
    answered = await asyncio.gather(*running)

    # then
    assert [response.json()["data"] for response in answered] == [{"__typename": "Query"}] * 4
