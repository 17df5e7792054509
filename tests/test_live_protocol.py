"""GraphQL subscriptions against a real server process, over graphql-transport-ws:
sign-in at connection_init, filters by type and node, what a token may read, a
session ended while connected, and the bounds per connection and per user."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.live_client import (
    CREATE_GOAL,
    CREATE_TEAM,
    UPDATE_GOAL,
    Closed,
    LiveClient,
    post,
)
from tests.server_process import Server, prepare, process_env, running

pytestmark = [pytest.mark.slow]

MAX_CONNECTIONS = 3
MAX_SUBSCRIPTIONS = 2
CREATE_TOKEN = """
mutation($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) { secret apiToken { id } userErrors { message } }
}
"""
REVOKE_TOKEN = """
mutation($input: ApiTokenRevokeInput!) {
  apiTokenRevoke(input: $input) { userErrors { message } }
}
"""
LOGOUT = "mutation { logout(input: {everywhere: true}) { revokedSessions } }"
CREATE_SERVICE_ACCOUNT = """
mutation($input: ServiceAccountCreateInput!) {
  serviceAccountCreate(input: $input) { user { id } userErrors { message } }
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("live")
    env = process_env(
        f"sqlite://{tmp / 'data' / 'throughline.sqlite3'}",
        tmp / "data",
        THROUGHLINE_LIVE_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
        THROUGHLINE_LIVE_MAX_SUBSCRIPTIONS=str(MAX_SUBSCRIPTIONS),
        THROUGHLINE_WEBHOOK_WORKER="false",
        # The tail would find events within this long: every event these tests hear
        # within seconds came from the in-process wake-up after the write's commit.
        THROUGHLINE_LIVE_POLL="60",
    )
    prepare(env)
    with running(env, tmp / "server.log") as started:
        yield started


@pytest.fixture
def token(server: Server) -> str:
    return server.sign_in()


@pytest.fixture
def clients(server: Server) -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def client(server: Server, stack: ExitStack) -> LiveClient:
    live = LiveClient(server.url)
    stack.callback(live.close)
    return live


def new_goal(server: Server, token: str, title: str) -> dict:
    team = post(server.url, token, CREATE_TEAM, {"input": {"name": f"Team for {title}"}})
    goal_input = {
        "title": title,
        "ownerTeamId": team["teamCreate"]["team"]["id"],
        "periodStart": "2027-01-01",
        "periodEnd": "2027-06-30",
    }
    return post(server.url, token, CREATE_GOAL, {"input": goal_input})["goalCreate"]["goal"]


def rename(server: Server, token: str, goal: dict, title: str) -> dict:
    goal_input = {"id": goal["id"], "version": goal["version"], "title": title}
    return post(server.url, token, UPDATE_GOAL, {"input": goal_input})["goalUpdate"]["goal"]


def errors_of(message: dict) -> list[dict]:
    """A refused operation's errors: an `error` message before it runs, or a `next`
    carrying them when its resolver refused it."""
    assert message["type"] in ("error", "next"), message
    return message["payload"] if message["type"] == "error" else message["payload"]["errors"]


def test_a_connection_without_a_token_is_closed_with_4403(server: Server, clients) -> None:
    # given
    live = client(server, clients)
    # when
    live.send({"type": "connection_init", "payload": {}})
    closed = live.closed()
    # then
    assert closed.code == 4403
    assert closed.reason.startswith("Sign in first")


def test_a_forged_token_is_closed_with_4403(server: Server, clients) -> None:
    live = client(server, clients)
    live.send({"type": "connection_init", "payload": {"authorization": "Bearer not.a.jwt"}})
    assert live.closed().code == 4403


def test_subscribing_before_the_connection_is_acknowledged_closes_with_4401(
    server: Server, clients
) -> None:
    live = client(server, clients)
    live.subscribe("1")
    closed = live.closed()
    assert (closed.code, closed.reason) == (4401, "Unauthorized")


def test_events_of_other_types_are_left_out(server: Server, token: str, clients) -> None:
    # given: a subscriber to goal updates only
    live = client(server, clients).sign_in(token)
    live.subscribe("updates", {"types": ["GOAL_UPDATED"]})
    # when: a goal is created (goal.created), then renamed (goal.updated)
    goal = new_goal(server, token, "Grow pipeline")
    rename(server, token, goal, "Grow qualified pipeline")
    # then: only the update arrives, with what changed and the node as it now is
    message = live.receive()
    assert message["id"] == "updates"
    event = message["payload"]["data"]["events"]
    assert event["type"] == "GOAL_UPDATED"
    assert event["nodeId"] == goal["id"]
    assert event["nodeType"] == "Goal"
    assert event["actor"] == {"name": "Operator"}
    assert event["changes"] == [
        {"field": "title", "before": "Grow pipeline", "after": "Grow qualified pipeline"}
    ]
    assert event["node"] == {"id": goal["id"], "title": "Grow qualified pipeline"}
    live.silent(0.5)


def test_events_of_other_nodes_are_left_out(server: Server, token: str, clients) -> None:
    # given
    watched = new_goal(server, token, "Watched")
    other = new_goal(server, token, "Other")
    live = client(server, clients).sign_in(token)
    live.subscribe("one", {"nodeIds": [watched["id"]]})
    # when
    rename(server, token, other, "Other, renamed")
    rename(server, token, watched, "Watched, renamed")
    # then
    event = live.receive()["payload"]["data"]["events"]
    assert (event["nodeId"], event["type"]) == (watched["id"], "GOAL_UPDATED")
    live.silent(0.5)


def test_an_empty_type_list_matches_nothing(server: Server, token: str, clients) -> None:
    live = client(server, clients).sign_in(token)
    live.subscribe("none", {"types": []})
    new_goal(server, token, "Unheard")
    live.silent(1.2)


def test_a_malformed_node_id_is_refused(server: Server, token: str, clients) -> None:
    live = client(server, clients).sign_in(token)
    live.subscribe("bad", {"nodeIds": ["not-an-id"]})
    message = live.receive()
    assert errors_of(message)[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors_of(message)[0]["message"] == "'not-an-id' is not a valid ID."


def test_a_token_without_read_scope_may_not_subscribe(server: Server, token: str, clients) -> None:
    # given: a token that may write but not read
    made = post(server.url, token, CREATE_TOKEN, {"input": {"name": "w", "scopes": ["WRITE"]}})
    secret = made["apiTokenCreate"]["secret"]
    live = client(server, clients).sign_in(secret)
    # when
    live.subscribe("1")
    # then
    errors = errors_of(live.receive())
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert errors[0]["extensions"]["scope"] == "READ"


def test_a_revoked_token_stops_receiving(server: Server, token: str, clients) -> None:
    # given: a subscriber signed in with a read token
    made = post(server.url, token, CREATE_TOKEN, {"input": {"name": "r", "scopes": ["READ"]}})
    live = client(server, clients).sign_in(made["apiTokenCreate"]["secret"])
    live.subscribe("1")
    goal = new_goal(server, token, "Before revoking")
    assert live.receive()["payload"]["data"]["events"]["nodeId"] == goal["id"]
    # when
    token_id = made["apiTokenCreate"]["apiToken"]["id"]
    post(server.url, token, REVOKE_TOKEN, {"input": {"id": token_id}})
    rename(server, token, goal, "After revoking")
    # then: the next delivery closes the connection instead
    closed = live.closed()
    assert closed.code == 4403
    assert "revoked" in closed.reason


def test_a_session_ended_everywhere_stops_receiving(server: Server, clients) -> None:
    token = server.sign_in()
    goal = new_goal(server, token, "Session")
    live = client(server, clients).sign_in(token)
    live.subscribe("1")
    # when
    post(server.url, token, LOGOUT, {})
    writer = server.sign_in()
    rename(server, writer, goal, "Session, renamed")
    # then
    closed = live.closed()
    assert closed.code == 4403
    assert closed.reason == "The session of this access token has ended; sign in again."


def test_subscriptions_per_connection_are_bounded(server: Server, token: str, clients) -> None:
    live = client(server, clients).sign_in(token)
    for n in range(MAX_SUBSCRIPTIONS):
        live.subscribe(str(n))
    # when
    live.subscribe("one too many")
    # then
    message = live.receive()
    assert message["type"] == "error"
    assert message["id"] == "one too many"
    extensions = message["payload"][0]["extensions"]
    assert extensions == {
        "code": "RATE_LIMITED",
        "measure": "subscriptions per connection",
        "value": MAX_SUBSCRIPTIONS + 1,
        "limit": MAX_SUBSCRIPTIONS,
    }


def reader_of_its_own(server: Server, token: str, name: str) -> str:
    """A READ token of a new service account: connections counted apart from the
    connections other tests have just closed (the server frees those asynchronously)."""
    made = post(server.url, token, CREATE_SERVICE_ACCOUNT, {"input": {"name": name}})
    user_id = made["serviceAccountCreate"]["user"]["id"]
    token_input = {"name": name, "scopes": ["READ"], "userId": user_id}
    return post(server.url, token, CREATE_TOKEN, {"input": token_input})["apiTokenCreate"]["secret"]


def test_connections_per_user_are_bounded(server: Server, token: str, clients) -> None:
    token = reader_of_its_own(server, token, "bounded connections")
    for _ in range(MAX_CONNECTIONS):
        client(server, clients).sign_in(token)
    # when
    last = client(server, clients)
    last.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    # then
    closed = last.closed()
    assert closed.code == 4429
    assert closed.reason.startswith(f"You have {MAX_CONNECTIONS} live connections open")


def test_a_closed_connection_frees_its_place(server: Server, token: str, clients) -> None:
    token = reader_of_its_own(server, token, "freed connections")
    opened = [client(server, clients).sign_in(token) for _ in range(MAX_CONNECTIONS)]
    opened[0].close()
    # the server notices the close asynchronously: a new connection gets in soon after
    for _attempt in range(40):
        again = client(server, clients)
        try:
            if again.init({"authorization": f"Bearer {token}"}) == {"type": "connection_ack"}:
                return
        except Closed:
            time.sleep(0.05)
    raise AssertionError("the closed connection's place was never freed")


def test_the_query_limits_apply_to_a_subscription(server: Server, token: str, clients) -> None:
    # given: a document past the token limit (3000 by default)
    live = client(server, clients).sign_in(token)
    document = "subscription { events { " + "id " * 3000 + "} }"
    # when
    live.subscribe("big", query=document)
    # then
    extensions = errors_of(live.receive())[0]["extensions"]
    assert (extensions["code"], extensions["measure"]) == ("QUERY_TOO_COMPLEX", "tokens")
    assert extensions["limit"] == 3000


def test_queries_and_mutations_go_over_http_only(server: Server, token: str, clients) -> None:
    live = client(server, clients).sign_in(token)
    live.subscribe("query", query="{ me { name } }")
    errors = errors_of(live.receive())
    assert "not allowed" in errors[0]["message"]
