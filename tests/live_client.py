"""A small graphql-transport-ws client for tests (the `websockets` library's
synchronous client), and the operations the live tests send."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

PROTOCOL = "graphql-transport-ws"
EVENTS = """
subscription($types: [WebhookEventType!], $nodeIds: [ID!]) {
  events(types: $types, nodeIds: $nodeIds) {
    id type nodeId nodeType at
    actor { name }
    changes { field before after }
    node { id ... on Goal { title } ... on Task { title } }
  }
}
"""
CREATE_GOAL = """
mutation($input: GoalCreateInput!) {
  goalCreate(input: $input) { goal { id version } userErrors { code message } }
}
"""
UPDATE_GOAL = """
mutation($input: GoalUpdateInput!) {
  goalUpdate(input: $input) { goal { id version } userErrors { code message } }
}
"""
CREATE_TEAM = """
mutation($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { id } userErrors { code message } }
}
"""


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/graphql"


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


class LiveClient:
    def __init__(self, http_url: str) -> None:
        self._connection = connect(ws_url(http_url), subprotocols=[PROTOCOL], open_timeout=10)  # type: ignore[list-item]
        self.socket = self._connection.__enter__()

    def send(self, message: dict[str, Any]) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 5) -> dict[str, Any]:
        try:
            raw = self.socket.recv(timeout=timeout)
        except ConnectionClosed as closed:
            received = closed.rcvd
            raise Closed(
                received.code if received else None, received.reason if received else ""
            ) from None
        assert isinstance(raw, str), "graphql-transport-ws messages are text frames"
        return json.loads(raw)

    def init(self, payload: dict[str, Any] | None) -> dict[str, Any]:
        self.send({"type": "connection_init", "payload": payload or {}})
        return self.receive()

    def sign_in(self, token: str) -> LiveClient:
        answer = self.init({"authorization": f"Bearer {token}"})
        assert answer == {"type": "connection_ack"}, answer
        return self

    def subscribe(self, id: str, variables: dict[str, Any] | None = None, query: str = EVENTS):
        self.send(
            {"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )

    def closed(self, timeout: float = 5) -> Closed:
        try:
            message = self.receive(timeout)
        except Closed as closed:
            return closed
        raise AssertionError(f"expected the connection to close, got {message}")

    def silent(self, seconds: float) -> None:
        """Nothing arrives for `seconds`."""
        try:
            message = self.receive(seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected nothing, got {message}")

    def close(self) -> None:
        self._connection.__exit__(None, None, None)


def post(url: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


def wait_until(predicate, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
