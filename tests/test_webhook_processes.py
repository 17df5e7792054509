"""Webhooks from real server processes: two processes on one PostgreSQL database
deliver each event once between them, and a server killed with SIGKILL while events
are still undelivered delivers them once it is started again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests.server_process import (
    CREATE_TEAM,
    Server,
    engine_database,
    postgres_database,
    prepare,
    process_env,
)
from tests.webhook_receiver import Receiver, receiving

pytestmark = [pytest.mark.slow]

WEBHOOK_SETTINGS = {
    "THROUGHLINE_WEBHOOK_POLL": "0.1",
    "THROUGHLINE_WEBHOOK_RETRY_BASE": "0.2",
    "THROUGHLINE_WEBHOOK_RETRY_MAX": "0.5",
    "THROUGHLINE_WEBHOOK_TIMEOUT": "1",
    "THROUGHLINE_WEBHOOK_LEASE": "2",
    "THROUGHLINE_WEBHOOK_MAX_ATTEMPTS": "100",
    "THROUGHLINE_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1",
}
CREATE_WEBHOOK = """
mutation($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { secret webhook { id } userErrors { code message } }
}
"""
CREATE_GOAL = """
mutation($input: GoalCreateInput!) {
  goalCreate(input: $input) { goal { id } userErrors { message } }
}
"""


def post(server: Server, token: str, query: str, variables: dict) -> dict:
    answer = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


def set_up(server: Server, token: str, receiver: Receiver) -> tuple[str, str]:
    """A webhook for goal creations pointing at the receiver, and a team; (secret, team)."""
    made = post(
        server, token, CREATE_WEBHOOK, {"input": {"url": receiver.url, "events": ["GOAL_CREATED"]}}
    )["webhookCreate"]
    assert made["userErrors"] == []
    team = post(server, token, CREATE_TEAM, {"input": {"name": "Growth"}})["teamCreate"]
    return made["secret"], team["team"]["id"]


def create_goal(server: Server, token: str, team_id: str, title: str) -> str:
    goal = post(
        server,
        token,
        CREATE_GOAL,
        {
            "input": {
                "title": title,
                "ownerTeamId": team_id,
                "periodStart": "2026-01-01",
                "periodEnd": "2026-12-31",
            }
        },
    )["goalCreate"]
    assert goal["userErrors"] == [], goal
    return goal["goal"]["id"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.mark.postgres
def test_two_processes_deliver_each_event_once(tmp_path: Path, receiver: Receiver):
    with postgres_database() as url:
        # given
        env = process_env(url, tmp_path / "data", **WEBHOOK_SETTINGS)
        prepare(env)
        first = Server(env, tmp_path / "first.log")
        second = Server(env, tmp_path / "second.log")
        try:
            token = first.sign_in()
            secret, team_id = set_up(first, token, receiver)
            # when: goals are created through both processes at once
            titles = [f"Goal {n}" for n in range(30)]
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(
                    pool.map(
                        lambda pair: create_goal(
                            (first, second)[pair[0] % 2], token, team_id, pair[1]
                        ),
                        enumerate(titles),
                    )
                )
            receiver.wait_for(lambda r: len(r.delivered()) >= 30)
            threading.Event().wait(1.5)  # time for any duplicate to arrive
        finally:
            first.stop()
            second.stop()
        # then
        delivered = receiver.delivered()
        assert len(delivered) == 30, [r.webhook_id for r in delivered]
        assert len({r.webhook_id for r in delivered}) == 30
        for request in delivered:
            Webhook(secret).verify(request.body, request.headers)
        received_titles = sorted(r.message["data"]["changes"]["title"]["after"] for r in delivered)
        assert received_titles == sorted(titles)


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_undelivered_events_survive_a_killed_server(tmp_path: Path, receiver: Receiver, engine):
    with engine_database(engine, tmp_path) as url:
        # given: one delivery in flight (the receiver holds it) and others waiting
        env = process_env(url, tmp_path / "data", **WEBHOOK_SETTINGS)
        prepare(env)
        server = Server(env, tmp_path / "before.log")
        try:
            token = server.sign_in()
            secret, team_id = set_up(server, token, receiver)
            receiver.hold()
            for n in range(5):
                create_goal(server, token, team_id, f"Goal {n}")
            receiver.wait_for(lambda r: r.arrived >= 1)
            # when: the server dies without shutting down while sending
            server.kill()
        finally:
            server.stop()
        receiver.release(abandon=True)
        receiver.wait_for(lambda r: len(r.received) == r.arrived)
        in_flight = {r.webhook_id for r in receiver.received}
        assert in_flight and all(r.status == 0 for r in receiver.received)
        assert receiver.delivered() == []
        receiver.abandon = False
        restarted = Server(env, tmp_path / "after.log")
        try:
            receiver.wait_for(lambda r: len(r.first_of_each()) >= 5)
            threading.Event().wait(1.0)
        finally:
            restarted.stop()
        # then: every event arrived once, the one in flight included
        delivered = receiver.delivered()
        assert sorted(r.message["data"]["changes"]["title"]["after"] for r in delivered) == [
            f"Goal {n}" for n in range(5)
        ]
        assert in_flight <= {r.webhook_id for r in delivered}
        for request in delivered:
            Webhook(secret).verify(request.body, request.headers)
