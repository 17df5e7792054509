"""Scopes hold on every root field: each mutation of the schema refuses a READ token,
each query refuses a token without READ, before anything is validated or run. The
fields are read from the schema itself, so a field added later is covered too."""

from __future__ import annotations

import pytest
from graphql import get_named_type, is_composite_type
from tortoise import connections

from schema import build_schema
from server import models
from tests.bearer import BearerClient, create_token

SCHEMA = build_schema()._schema
MUTATIONS = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
QUERIES = sorted(SCHEMA.query_type.fields)


def operation(kind: str, name: str) -> str:
    """The field asked for without arguments: refused before validation, which would
    otherwise point out the missing ones."""
    root = SCHEMA.mutation_type if kind == "mutation" else SCHEMA.query_type
    selection = (
        " { __typename }" if is_composite_type(get_named_type(root.fields[name].type)) else ""
    )
    return f"{kind} {{ {name}{selection} }}"


async def written() -> tuple[int, int]:
    """Rows that any write leaves: changes to held tables, and history entries."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM data_change"
    )
    return rows[0]["n"], await models.HistoryEntry.all().count()


@pytest.fixture
async def tokens(gql) -> dict[str, BearerClient]:
    made = {}
    for label, scopes in {
        "read": ["READ"],
        "write": ["WRITE"],
        "full": ["READ", "WRITE", "ADMIN"],
    }.items():
        payload = await create_token(gql, scopes, name=label)
        made[label] = BearerClient(gql.http, payload["secret"])
    return made


def test_the_schema_has_the_fields_these_tests_walk():
    assert {"apiTokenCreate", "apiTokenRevoke", "serviceAccountCreate", "teamCreate"} <= set(
        MUTATIONS
    )
    assert {"apiTokens", "teams", "node", "me"} <= set(QUERIES)


@pytest.mark.parametrize("field", MUTATIONS)
async def test_a_read_token_runs_no_mutation(tokens, field):
    # given
    before = await written()

    # when
    refused = await tokens["read"].error(operation("mutation", field))
    after_refusal = await written()
    passed = await tokens["full"].raw(operation("mutation", field))

    # then
    assert refused["extensions"] == {"code": "FORBIDDEN", "scope": "WRITE"}
    assert refused["message"] == (
        "This API token lacks the WRITE scope, which every mutation needs (its scopes: READ)."
    )
    assert all(error["extensions"].get("scope") is None for error in passed.get("errors", [])), (
        passed
    )
    assert after_refusal == before


@pytest.mark.parametrize("field", QUERIES)
async def test_a_token_without_read_runs_no_query(tokens, field):
    # when
    refused = await tokens["write"].error(operation("query", field))
    passed = await tokens["read"].raw(operation("query", field))

    # then
    assert refused["extensions"] == {"code": "FORBIDDEN", "scope": "READ"}
    assert "lacks the READ scope, which every query needs (its scopes: WRITE)" in refused["message"]
    assert all(error["extensions"].get("scope") is None for error in passed.get("errors", [])), (
        passed
    )


async def test_a_known_query_is_refused_to_a_token_without_read_on_the_fast_road(gql, tokens):
    # given: the document validated and cached by a session's request
    query = "query Known { teams(first: 3) { totalCount nodes { name } } }"
    await gql.data(query)
    await tokens["read"].data(query)

    # when
    refused = await tokens["write"].error(query)
    again = await tokens["read"].data(query)

    # then
    assert refused["extensions"] == {"code": "FORBIDDEN", "scope": "READ"}
    assert again["teams"]["totalCount"] == 0
