"""Answers are written as compact UTF-8 JSON by orjson; a value only the standard
library can write (an integer past 64 bits) is still written, never a 500."""

from __future__ import annotations

import json

from server.app import create_app
from server.graphql_app import GraphQLApp


def graphql_app(settings) -> GraphQLApp:
    app = create_app(settings, manage_database=False)
    return next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")


async def test_an_answer_is_compact_json_with_text_as_written(gql) -> None:
    # given: a team whose name is not ASCII
    created = await gql.data(
        'mutation { teamCreate(input: {name: "Équipe Zürich"}) { team { name } } }'
    )
    assert created["teamCreate"]["team"]["name"] == "Équipe Zürich"

    # when
    response = await gql.http.post(
        "/graphql", json={"query": "{ teams { nodes { name } } }"}, headers=await gql.headers()
    )

    # then: no spaces between tokens, and the name as UTF-8, not \u escapes
    assert response.headers["content-type"] == "application/json"
    assert "Équipe Zürich".encode() in response.content
    expected = json.dumps(response.json(), separators=(",", ":"), ensure_ascii=False)
    assert response.content == expected.encode()


def test_an_integer_past_64_bits_is_written_by_the_standard_library(settings) -> None:
    app = graphql_app(settings)

    assert app.encode_json({"data": {"n": 2**70}}) == b'{"data":{"n":1180591620717411303424}}'
    assert app.encode_json({"data": {"n": 7, "s": "é"}}) == '{"data":{"n":7,"s":"é"}}'.encode()
