"""Error codes, bad requests, masking of internal errors, the health check and the web page.

Every top-level error carries `extensions.code`; bad input of any kind is a 4xx or a
BAD_USER_INPUT error, never a 500; an unexpected failure says nothing about itself.
"""

from __future__ import annotations

import base64

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import DBConnectionError

from schema.goals.loaders import GoalByIdLoader
from tests import factories
from tests.graphql import GraphQLClient

NODE = """
query Node($id: ID!) {
  node(id: $id) { id }
}
"""

TRACE = """
query Trace($id: ID!) {
  trace(id: $id) { aligned }
}
"""

GOAL_TITLE = """
query GoalTitle($id: ID!) {
  node(id: $id) { ... on Goal { title } }
}
"""

GOALS_FIRST = """
query GoalsFirst($first: Int) {
  goals(first: $first) { totalCount }
}
"""

GOALS_AFTER = """
query GoalsAfter($after: String) {
  goals(after: $after) { totalCount }
}
"""

TASKS_BY_CAMPAIGN = """
query TasksByCampaign($ids: [ID!]) {
  tasks(filter: { campaigns: $ids }) { totalCount }
}
"""

GOALS_BY_TEAM = """
query GoalsByTeam($ids: [ID!]) {
  goals(filter: { teams: $ids }) { totalCount }
}
"""

GOALS_BY_PARENT = """
query GoalsByParent($id: ID) {
  goals(filter: { parent: $id }) { totalCount }
}
"""

USERS_BY_TEAM = """
query UsersByTeam($ids: [ID!]) {
  users(filter: { teams: $ids }) { totalCount }
}
"""

KEY_RESULTS_BY_GOAL = """
query KeyResultsByGoal($ids: [ID!]) {
  keyResults(filter: { goals: $ids }) { totalCount }
}
"""

MILESTONES_BY_CAMPAIGN = """
query MilestonesByCampaign($ids: [ID!]) {
  milestones(filter: { campaigns: $ids }) { totalCount }
}
"""

NODE_AND_TRACE = """
query NodeAndTrace($id: ID!) {
  node(id: $id) { id }
  trace(id: $id) { aligned }
}
"""

SYNTAX_ERROR = "{ goals { nodes { id } "
UNKNOWN_FIELD = "{ goals { nodez { id } } }"
MISSING_ARGUMENT = "{ node { id } }"
UNDECLARED_VARIABLE = "{ node(id: $id) { id } }"
WRONG_LITERAL_TYPE = '{ goals(first: "ten") { totalCount } }'
WRONG_VARIABLE_DECLARATION = "query Wrong($id: Int!) { node(id: $id) { id } }"
UNSUPPORTED_MUTATION = "mutation { goalDelete { id } }"


def encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def gid(row) -> str:
    return encode(f"{type(row).__name__}:{row.pk}")


async def post(gql: GraphQLClient, **request):
    """POST /graphql with anything as the body, signed in."""
    headers = {**request.pop("headers", {}), **(await gql.headers())}
    return await gql.http.post("/graphql", headers=headers, **request)


# --- malformed global IDs ---------------------------------------------------------------

MALFORMED_IDS = {
    "garbage": "not an id!",
    "percent signs": "%%%",
    "empty": "",
    "plain integer": "1",
    "bad base64 length": "R29hbDoxA",
    "no colon": encode("Goal1"),
    "no database id": encode("Goal:"),
    "no type name": encode(":1"),
    "unknown type name": encode("Nonsense:1"),
    "not a node type": encode("Membership:1"),
    "negative id": encode("Goal:-1"),
    "non-numeric id": encode("Goal:abc"),
    "decimal id": encode("Goal:1.5"),
    "two colons": encode("Goal:1:2"),
    "absurdly long id": encode("Goal:" + "9" * 30),
    "not utf-8": base64.urlsafe_b64encode(b"\xff\xfe:1").decode().rstrip("="),
}


@pytest.mark.parametrize("bad_id", list(MALFORMED_IDS.values()), ids=list(MALFORMED_IDS))
async def test_malformed_id_in_node_is_bad_user_input(gql, db, bad_id):
    # when
    body = await gql.raw(NODE, {"id": bad_id})

    # then
    assert body["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["node"]


@pytest.mark.parametrize(
    "bad_id",
    [MALFORMED_IDS[k] for k in ("garbage", "no colon", "unknown type name", "negative id")],
)
async def test_malformed_id_in_trace_is_bad_user_input(gql, db, bad_id):
    # when
    error = await gql.error(TRACE, {"id": bad_id})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_malformed_id_in_a_filter_is_bad_user_input(gql, db):
    # when
    error = await gql.error(TASKS_BY_CAMPAIGN, {"ids": [encode("Campaign:x")]})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- an ID of the wrong type where one type is expected ---------------------------------


@pytest.fixture
async def rows(db: str):
    team = await factories.team()
    user = await factories.user(teams=[team])
    goal = await factories.goal(team)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(team)
    task = await factories.task(campaign=campaign)
    return {
        "team": team,
        "user": user,
        "goal": goal,
        "key_result": key_result,
        "campaign": campaign,
        "task": task,
    }


WRONG_TYPE_FILTERS = [
    ("tasks.campaigns given a Team", TASKS_BY_CAMPAIGN, "team"),
    ("goals.teams given a Goal", GOALS_BY_TEAM, "goal"),
    ("users.teams given a User", USERS_BY_TEAM, "user"),
    ("keyResults.goals given a KeyResult", KEY_RESULTS_BY_GOAL, "key_result"),
    ("milestones.campaigns given a Task", MILESTONES_BY_CAMPAIGN, "task"),
]


@pytest.mark.parametrize(
    ("query", "wrong"),
    [case[1:] for case in WRONG_TYPE_FILTERS],
    ids=[case[0] for case in WRONG_TYPE_FILTERS],
)
async def test_id_of_the_wrong_type_in_a_filter_is_bad_user_input(gql, rows, query, wrong):
    # when
    error = await gql.error(query, {"ids": [gid(rows[wrong])]})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "expected" in error["message"]


async def test_id_of_the_right_type_in_a_filter_is_accepted(gql, rows):
    # when
    data = await gql.data(TASKS_BY_CAMPAIGN, {"ids": [gid(rows["campaign"])]})

    # then
    assert data["tasks"]["totalCount"] == 1


async def test_parent_filter_given_a_team_id_is_bad_user_input(gql, rows):
    # when
    error = await gql.error(GOALS_BY_PARENT, {"id": gid(rows["team"])})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unknown_id_beyond_32_bits_in_a_filter_matches_nothing(gql, rows):
    # given: well formed, but larger than any PostgreSQL integer key
    huge = encode("Campaign:99999999999")

    # when
    body = await gql.raw(TASKS_BY_CAMPAIGN, {"ids": [huge]})

    # then
    assert "errors" not in body
    assert body["data"] == {"tasks": {"totalCount": 0}}


async def test_trace_of_an_unknown_id_beyond_32_bits_is_null(gql, db):
    # when
    body = await gql.raw(TRACE, {"id": encode("Task:99999999999")})

    # then
    assert "errors" not in body
    assert body["data"] == {"trace": None}


# --- invalid operations -----------------------------------------------------------------

INVALID_OPERATIONS = {
    "syntax error": (SYNTAX_ERROR, None),
    "unknown field": (UNKNOWN_FIELD, None),
    "missing required argument": (MISSING_ARGUMENT, None),
    "undeclared variable": (UNDECLARED_VARIABLE, None),
    "wrong literal type": (WRONG_LITERAL_TYPE, None),
    "variable declared with the wrong type": (WRONG_VARIABLE_DECLARATION, {"id": 1}),
    "wrong variable value type": (GOALS_FIRST, {"first": "ten"}),
    "missing required variable": (NODE, {}),
    "null for a required variable": (NODE, {"id": None}),
    "mutation the schema lacks": (UNSUPPORTED_MUTATION, None),
}


@pytest.mark.parametrize(
    ("query", "variables"), list(INVALID_OPERATIONS.values()), ids=list(INVALID_OPERATIONS)
)
async def test_invalid_operation_is_bad_user_input_and_not_a_server_error(
    gql, db, query, variables
):
    # when
    response = await post(gql, json={"query": query, "variables": variables})

    # then
    assert response.status_code < 500
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [({"first": 101}, "first"), ({"first": -1}, "first")],
    ids=["page too large", "negative page"],
)
async def test_bad_page_size_is_bad_user_input(gql, db, variables, argument):
    # when
    error = await gql.error(GOALS_FIRST, variables)

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument


async def test_bad_cursor_is_bad_user_input(gql, db):
    # when
    error = await gql.error(GOALS_AFTER, {"after": "not-a-cursor"})

    # then
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}


# --- requests that are not GraphQL at all -----------------------------------------------

BAD_REQUESTS = {
    "body not JSON": {
        "content": b"{not json",
        "headers": {"content-type": "application/json"},
    },
    "empty body": {"content": b"", "headers": {"content-type": "application/json"}},
    "JSON without query": {"json": {"variables": {}}},
    "query not a string": {"json": {"query": 5}},
    "variables not an object": {"json": {"query": "{ __typename }", "variables": "x"}},
    "unknown operation name": {"json": {"query": "{ __typename }", "operationName": "Nope"}},
    "empty batch": {"json": []},
    "batch over the limit": {"json": [{"query": "{ __typename }"}] * 11},
    "JSON string": {"json": "{ __typename }"},
    "JSON number": {"json": 5},
    "unsupported content type": {
        "content": b"{ __typename }",
        "headers": {"content-type": "text/plain"},
    },
}


@pytest.mark.parametrize("request_kwargs", list(BAD_REQUESTS.values()), ids=list(BAD_REQUESTS))
async def test_bad_request_body_is_a_client_error(gql, db, request_kwargs):
    # when
    response = await post(gql, **request_kwargs)

    # then
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


async def test_get_without_query_is_a_client_error(http, db):
    # when
    response = await http.get("/graphql", headers={"accept": "application/json"})

    # then
    assert 400 <= response.status_code < 500


async def test_get_with_a_query_answers(http, db):
    # when
    response = await http.get("/graphql", params={"query": "{ __typename }"})

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


# --- unexpected failures are masked -----------------------------------------------------


@pytest.fixture
def broken_goal_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self, snapshot, key):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(GoalByIdLoader, "from_snapshot", explode)


async def test_unexpected_error_is_masked(gql, db, broken_goal_loader):
    # given
    team = await factories.team()
    goal = await factories.goal(team)

    # when
    response = await post(gql, json={"query": GOAL_TITLE, "variables": {"id": gid(goal)}})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"node": None}
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["path"] == ["node"]
    assert "secret detail" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text


async def test_masked_error_leaves_other_fields_intact(gql, db, broken_goal_loader):
    # given
    task = await factories.task()

    # when
    response = await post(gql, json={"query": NODE_AND_TRACE, "variables": {"id": gid(task)}})

    # then: the task resolves; nothing needed the broken goal loader
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {"node": {"id": gid(task)}, "trace": {"aligned": False}}


# --- health check and the web page -----------------------------------------------------


async def test_healthz_reports_a_reachable_database(http, db):
    # when
    response = await http.get("/healthz")

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "database": "reachable"}


async def test_healthz_is_503_when_the_database_is_closed(http, db):
    # given: the database connections are closed under the running server
    await Tortoise.close_connections()

    # when
    response = await http.get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


async def test_healthz_is_503_when_the_driver_cannot_connect(http, db, monkeypatch):
    # given
    connection = connections.get("default")

    async def refuse(*args, **kwargs):
        raise DBConnectionError("connection refused")

    monkeypatch.setattr(connection, "execute_query", refuse)

    # when
    response = await http.get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


async def test_root_serves_the_web_page(http, db):
    # when
    response = await http.get("/")

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
