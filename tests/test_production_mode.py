"""Production mode: introspection, field suggestions and GraphiQL off, internals masked.

THROUGHLINE_ENV=production turns each switch off; each can also be set on its own, so
every switch is tested both ways, in both environments.
"""

from __future__ import annotations

import pytest

from schema.core.ids import encode_global_id
from schema.goals.loaders import GoalByIdLoader
from server.settings import load_settings
from tests import factories

INTROSPECTION = '{ __schema { queryType { name } } __type(name: "Goal") { name } }'
MISSPELT = {
    "field": "{ goals { nodez { id } } }",
    "argument": "{ goals(frist: 1) { totalCount } }",
    "enum value": "{ campaigns(filter: {statuses: [ACTIV]}) { totalCount } }",
}
GOAL_TITLE = "query GoalTitle($id: ID!) { node(id: $id) { ... on Goal { title } } }"

# (environment, the switch set on its own or None, whether the feature is then on)
BOTH_WAYS = [
    pytest.param("development", None, True, id="development"),
    pytest.param("development", False, False, id="development, switched off"),
    pytest.param("production", None, False, id="production"),
    pytest.param("production", True, True, id="production, switched on"),
]


def test_production_turns_every_switch_off_and_each_can_be_turned_back_on():
    # when
    production = load_settings(env={"THROUGHLINE_ENV": "production"})
    introspective = load_settings(
        env={"THROUGHLINE_ENV": "production", "THROUGHLINE_INTROSPECTION": "true"}
    )
    development = load_settings(env={})

    # then
    assert production.production
    assert (production.introspection, production.field_suggestions, production.graphiql) == (
        False,
        False,
        False,
    )
    assert (introspective.introspection, introspective.field_suggestions) == (True, False)
    assert (development.introspection, development.field_suggestions, development.graphiql) == (
        True,
        True,
        True,
    )


@pytest.mark.parametrize(("environment", "switch", "enabled"), BOTH_WAYS)
async def test_introspection_follows_its_switch(client_with, environment, switch, enabled):
    # given
    client = await client_with(env=environment, introspection=switch)

    # when
    body = await client.raw(INTROSPECTION)
    typename = await client.data("{ __typename }")

    # then: `__typename` is not introspection of the schema and always answers
    assert typename == {"__typename": "Query"}
    if enabled:
        assert body == {
            "data": {"__schema": {"queryType": {"name": "Query"}}, "__type": {"name": "Goal"}},
            "extensions": {"cost": {"nodes": 0, "limit": 50_000}},
        }
    else:
        assert body["data"] is None
        assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
        assert all("introspection has been disabled" in e["message"] for e in body["errors"])


@pytest.mark.parametrize(("environment", "switch", "enabled"), BOTH_WAYS)
async def test_field_suggestions_follow_their_switch(client_with, environment, switch, enabled):
    # given
    client = await client_with(env=environment, field_suggestions=switch)

    # when
    messages = {kind: (await client.error(query))["message"] for kind, query in MISSPELT.items()}

    # then
    assert messages["field"].startswith("Cannot query field 'nodez' on type 'GoalConnection'.")
    assert messages["argument"].startswith("Unknown argument 'frist' on field 'Query.goals'.")
    assert messages["enum value"].startswith("Value 'ACTIV' does not exist in 'CampaignStatus'")
    hints = {kind: "Did you mean" in message for kind, message in messages.items()}
    assert hints == dict.fromkeys(MISSPELT, enabled)


@pytest.mark.parametrize(("environment", "switch", "enabled"), BOTH_WAYS)
async def test_graphiql_follows_its_switch(client_with, environment, switch, enabled):
    # given
    client = await client_with(env=environment, graphiql=switch)

    # when
    response = await client.http.get("/graphql", headers={"accept": "text/html"})

    # then
    if enabled:
        assert response.status_code == 200
        assert "graphiql" in response.text.lower()
    else:
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.fixture
def broken_goal_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self, snapshot, key):
        raise RuntimeError("secret detail in /srv/throughline/db.sqlite3")

    monkeypatch.setattr(GoalByIdLoader, "from_snapshot", explode)


@pytest.mark.parametrize("environment", ["development", "production"])
async def test_internal_errors_are_masked_in_every_environment(
    client_with, broken_goal_loader, environment
):
    # given
    client = await client_with(env=environment)
    goal = await factories.goal(await factories.team())

    # when
    response = await client.http.post(
        "/graphql",
        json={"query": GOAL_TITLE, "variables": {"id": encode_global_id("Goal", goal.pk)}},
        headers=await client.headers(),
    )

    # then
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in response.text
    assert "Traceback" not in response.text
