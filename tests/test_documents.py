"""Parsed and validated documents are cached by their text: a repeated request is
answered byte for byte as the first, every check of the request still runs, and
nothing validated under one schema's rules is reused under another's."""

from __future__ import annotations

import importlib

import pytest
from graphql import parse

from schema import build_schema
from schema.core.documents import DocumentCache
from server.bounded_lru import BoundedLRU
from tests.conftest import custom_settings
from tests.test_production_mode import INTROSPECTION

ME = "{ me { id name } }"
MISSPELT = "{ goals { nodez { id } } }"
UNKNOWN_ARGUMENT = "{ goals(frist: 1) { totalCount } }"
TOO_COSTLY = (
    "{ teams { nodes { goals { nodes { keyResults { nodes { campaigns { totalCount } } } } } } } }"
)
A_FIFTH_OF_THE_COST = "{ teams(first: 100) { nodes { goals(first: 100) { nodes { id } } } } }"
TOO_DEEP = (
    "{ goals(first: 1) { nodes { " + "children(first: 1) { nodes { " * 7 + "id" + " } }" * 8 + " }"
)
NUL_LITERAL = '{ goals(filter: {search: "a\\u0000b"}) { totalCount } }'
SEARCH = "query Search($q: String) { goals(filter: {search: $q}) { totalCount } }"
TWO_OPERATIONS = "query A { me { id } } query B { me { name } }"

# (what is sent, signed in, part of the answer): answered alike with and without the cache
REQUESTS = {
    "an answer": ({"query": ME}, True, '"name":"Test Admin"'),
    "a validation error with a suggestion": ({"query": MISSPELT}, True, "Did you mean"),
    "an unknown argument": ({"query": UNKNOWN_ARGUMENT}, True, "Unknown argument"),
    "two operations, none named": ({"query": TWO_OPERATIONS}, True, '"me"'),
    "the operation named": ({"query": TWO_OPERATIONS, "operationName": "B"}, True, '"name"'),
    "signed out": ({"query": ME}, False, "UNAUTHENTICATED"),
    "signed out, invalid": ({"query": MISSPELT}, False, "UNAUTHENTICATED"),
    "over the cost limit": ({"query": TOO_COSTLY}, True, '"measure":"cost"'),
    "over the depth limit": ({"query": TOO_DEEP}, True, '"measure":"depth"'),
    "NUL in a literal": ({"query": NUL_LITERAL}, True, '"argument":"goals.filter.search"'),
    "NUL in a variable": (
        {"query": SEARCH, "variables": {"q": "a\x00b"}},
        True,
        '"argument":"$q"',
    ),
    "the same text, a good variable": (
        {"query": SEARCH, "variables": {"q": "a"}},
        True,
        '"totalCount":0',
    ),
    "a parse error": ({"query": "{ me { id }"}, True, "Syntax Error"),
    "a batch past its cost": ([{"query": A_FIFTH_OF_THE_COST}] * 5, True, '"value":50500'),
}


@pytest.fixture
async def uncached_and_cached(client_with):
    """Clients of an app that caches nothing and of one that caches as configured."""
    return await client_with(query_cache_entries=0), await client_with()


async def post(client, body, *, signed_in: bool) -> tuple[int, bytes]:
    headers = await client.headers() if signed_in else {}
    response = await client.http.post("/graphql", json=body, headers=headers)
    return response.status_code, response.content


@pytest.mark.parametrize(("body", "signed_in", "shown"), REQUESTS.values(), ids=REQUESTS.keys())
async def test_a_cached_document_is_answered_byte_for_byte_as_before(
    uncached_and_cached, body, signed_in, shown
):
    # given
    uncached, cached = uncached_and_cached
    expected = await post(uncached, body, signed_in=signed_in)

    # when
    first = await post(cached, body, signed_in=signed_in)
    again = await post(cached, body, signed_in=signed_in)

    # then
    assert shown in expected[1].decode()
    assert first == expected
    assert again == expected


async def test_the_token_limit_counts_a_cached_document_as_it_did(client_with):
    # given: each document 15 tokens, the request's budget 20
    query = "{ me { id name email teams { nodes { id } } } }"
    batch = [{"query": query}, {"query": query}]
    uncached = await client_with(max_tokens=20, query_cache_entries=0)
    cached = await client_with(max_tokens=20)
    await post(cached, {"query": query}, signed_in=True)

    # when
    expected = await post(uncached, batch, signed_in=True)
    answered = await post(cached, batch, signed_in=True)

    # then
    assert answered == expected
    assert b'"measure":"tokens","value":21,"limit":20' in answered[1]


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """Calls of graphql-core's parser and validator, and of the token counter, as
    Strawberry and the limits make them."""
    counted = {"parse": 0, "validate": 0, "count_tokens": 0}
    for module_name, name in [
        ("strawberry.schema.schema", "parse"),
        ("strawberry.schema.schema", "validate"),
        ("schema.core.limits", "count_tokens"),
    ]:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            counted[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return counted


async def test_a_repeated_document_is_parsed_and_validated_once(gql, settings, calls):
    # given
    build_schema(settings).documents.clear()
    query = "query Twice($id: ID!) { node(id: $id) { id } }"

    # when
    first = await gql.raw(query, {"id": "VGFzazox"})
    after_first = dict(calls)
    second = await gql.raw(query, {"id": "VGFzazoy"})

    # then
    assert "errors" not in first and "errors" not in second
    assert after_first == {"parse": 1, "validate": 1, "count_tokens": 1}
    assert calls == after_first


async def test_a_refused_operation_is_not_validated_from_the_cache_either(
    anonymous, gql, settings, calls
):
    # given: validated once for a signed-in caller
    build_schema(settings).documents.clear()
    await gql.data(ME)

    # when
    body = await anonymous.raw(ME)

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert calls["validate"] == 1 and calls["parse"] == 1


@pytest.mark.parametrize("first_env", ["development", "production"])
async def test_introspection_is_refused_in_production_whatever_was_cached(client_with, first_env):
    # given: the same text answered first by the other mode's schema
    development = await client_with(env="development")
    production = await client_with(env="production")
    clients = [development, production] if first_env == "development" else [production, development]
    for client in clients:
        await client.raw(INTROSPECTION)

    # when
    refused = await production.raw(INTROSPECTION)
    allowed = await development.raw(INTROSPECTION)

    # then
    assert refused["data"] is None and refused["errors"]
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"BAD_USER_INPUT"}
    assert all("introspection" in e["message"] for e in refused["errors"])
    assert "errors" not in allowed
    assert allowed["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_suggestions_stay_out_of_production_messages_when_cached(client_with):
    # given
    development = await client_with(env="development")
    production = await client_with(env="production")
    suggested = (await development.raw(MISSPELT))["errors"][0]["message"]

    # when
    messages = [(await production.raw(MISSPELT))["errors"][0]["message"] for _ in range(2)]
    again = (await development.raw(MISSPELT))["errors"][0]["message"]

    # then
    assert "Did you mean" in suggested and again == suggested
    assert messages == [suggested.split(" Did you mean ")[0]] * 2


def test_each_configuration_has_its_own_cache(settings):
    # given
    production = custom_settings(settings, env="production")

    # then
    assert build_schema(settings).documents is not build_schema(production).documents


def test_the_cache_is_bounded_by_entries_and_characters():
    # given
    by_entries = DocumentCache(max_entries=3, max_characters=1000)
    by_characters = DocumentCache(max_entries=3, max_characters=40)
    texts = [f"{{ a{i}: me {{ id }} }}" for i in range(5)]  # 17 characters each

    # when
    for text in texts:
        by_entries.add(text, parse(text))
        by_characters.add(text, parse(text))

    # then: the most recent that fit
    assert len(by_entries) == 3 and by_entries.entries.size == 51
    assert len(by_characters) == 2 and by_characters.entries.size == 34
    assert by_characters.get(texts[2]) is None and by_characters.get(texts[4]) is not None
    assert by_characters.add("{ " + "me { id } " * 10 + "}", parse("{ me { id } }")) is None
    assert by_entries.tokens(texts[4]) == 8


def test_the_least_recently_used_entry_goes_first():
    # given
    lru: BoundedLRU[str, str] = BoundedLRU(2, 1000, len)
    lru.put("a", "1")
    lru.put("b", "2")

    # when
    lru.get("a")
    lru.put("c", "3")

    # then
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("1", None, "3")
    assert len(lru) == 2 and lru.size == 2


def test_nothing_is_kept_without_room():
    # given
    lru: BoundedLRU[str, str] = BoundedLRU(0, 1000, len)

    # then
    assert lru.put("a", "1") is False
    assert lru.get("a") is None
