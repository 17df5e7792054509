"""Requests whose JSON the server cannot read, in a POST body or in GET's `variables`,
get a JSON 400 whose error carries BAD_USER_INPUT: never a 500, never plain text."""

from __future__ import annotations

import json

import httpx
import pytest

from server.json_body import MAX_DEPTH, UnreadableJSON, nesting, read_json

JSON = {"content-type": "application/json"}


def nested(depth: int) -> str:
    """`{ __typename }` with an (unused) variable making the body `depth` deep."""
    inner = "[" * (depth - 2) + "]" * (depth - 2)
    return f'{{"query": "{{ __typename }}", "variables": {{"x": {inner}}}}}'


UNREADABLE_BODIES = {
    "100 000 brackets": b"[" * 100_000,
    "100 000 nested objects": b'{"a":' * 100_000,
    "deep variables": nested(1000).encode(),
    "one level too deep": nested(MAX_DEPTH + 1).encode(),
    "invalid UTF-8": b'{"query": "{ __typename }", "x": "\xff"}',
    "UTF-8 encoded surrogate": b'{"query": "{ __typename }", "x": "\xed\xa0\x80"}',
    "UTF-16": json.dumps({"query": "{ __typename }"}).encode("utf-16"),
    "NaN": b'{"query": "{ __typename }", "variables": {"x": NaN}}',
    "Infinity": b'{"query": "{ __typename }", "variables": {"x": -Infinity}}',
    "a 5000-digit number": b'{"query": "{ __typename }", "variables": {"x": ' + b"9" * 5000 + b"}}",
    "truncated": b'{"query": "{ __typename }"',
    "operation name not a string": b'{"query": "{ __typename }", "operationName": 5}',
    "operation name an object": b'{"query": "{ __typename }", "operationName": {"a": 1}}',
    "batched operation name not a string": b'[{"query": "{ __typename }", "operationName": []}]',
}

WRONG_CONTENT_TYPES = {
    "none": {},
    "text/plain": {"content-type": "text/plain"},
    "form": {"content-type": "application/x-www-form-urlencoded"},
    "multipart": {"content-type": "multipart/form-data; boundary=x"},
    "XML": {"content-type": "application/xml"},
}

UNREADABLE_GET_VARIABLES = {
    "20 000 brackets": "[" * 20_000,
    "deep": "[" * 40 + "]" * 40,
    "not JSON": "{x",
    "a number": "5",
    "a list": "[]",
    "NaN": '{"x": NaN}',
    "replacement of invalid UTF-8": "\ufffd",
}


def assert_refused(response: httpx.Response) -> dict:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in error["message"]
    return error


@pytest.mark.parametrize("body", list(UNREADABLE_BODIES.values()), ids=list(UNREADABLE_BODIES))
async def test_an_unreadable_body_is_a_json_400(http: httpx.AsyncClient, db, body):
    # when
    response = await http.post("/graphql", content=body, headers=JSON)

    # then
    assert_refused(response)


async def test_a_body_too_deep_reports_the_limit(http: httpx.AsyncClient, db):
    # when
    response = await http.post("/graphql", content=b"[" * 100_000, headers=JSON)

    # then
    error = assert_refused(response)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "measure": "depth", "limit": 32}


async def test_a_body_at_the_depth_limit_is_read(http: httpx.AsyncClient, db):
    # when
    response = await http.post("/graphql", content=nested(MAX_DEPTH).encode(), headers=JSON)

    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "headers", list(WRONG_CONTENT_TYPES.values()), ids=list(WRONG_CONTENT_TYPES)
)
async def test_a_body_of_another_content_type_is_a_json_400(http: httpx.AsyncClient, db, headers):
    # when
    response = await http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)

    # then
    assert_refused(response)


@pytest.mark.parametrize(
    "variables", list(UNREADABLE_GET_VARIABLES.values()), ids=list(UNREADABLE_GET_VARIABLES)
)
async def test_unreadable_get_variables_are_a_json_400(http: httpx.AsyncClient, db, variables):
    # when
    response = await http.get(
        "/graphql", params={"query": "{ __typename }", "variables": variables}
    )

    # then
    assert "`variables` parameter" in assert_refused(response)["message"]


async def test_get_variables_that_are_an_object_are_read(http: httpx.AsyncClient, db):
    # when
    response = await http.get(
        "/graphql", params={"query": "{ __typename }", "variables": '{"x": [1]}'}
    )

    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}


def test_nesting_is_measured_without_recursion():
    # given
    deep: list = []
    for _ in range(100_000):
        deep = [deep]

    # then
    assert nesting(deep) == MAX_DEPTH + 1
    assert nesting({"a": [1, {"b": []}], "c": "x"}) == 4
    assert nesting("plain") == 0


def test_read_json_names_what_it_read():
    with pytest.raises(UnreadableJSON, match=r"^The `variables` parameter is not JSON"):
        read_json("{x", "The `variables` parameter")
