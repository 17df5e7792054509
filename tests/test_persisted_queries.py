"""Automatic persisted queries: an operation sent by the SHA-256 of its text runs the
text the server was sent before under that hash, with every limit and check; an
unknown hash asks the client for the text."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.graphql import GraphQLClient

ME = "query Me { me { id name } }"
TEAMS = "{ teams(first: 5) { totalCount } }"
TOO_COSTLY = (
    "{ teams { nodes { goals { nodes { keyResults { nodes { campaigns { totalCount } } } } } } } }"
)
MUTATION = 'mutation { goalCreate(input: {title: "x"}) { goal { id } } }'
LOGIN = (
    "mutation Login { login(input: "
    '{email: "nobody@example.com", password: "not the password"}) { accessToken } }'
)
NOT_FOUND = {
    "data": None,
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ],
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def by_hash(text: str, *, with_text: bool = False, **more: object) -> dict:
    """An operation naming `text` by its hash, with or without the text itself."""
    operation: dict = {"extensions": persisted(sha256(text)), **more}
    if with_text:
        operation["query"] = text
    return operation


async def post(client: GraphQLClient, body: object) -> httpx.Response:
    return await client.http.post("/graphql", json=body, headers=await client.headers())


async def get(client: GraphQLClient, **params: object) -> httpx.Response:
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return await client.http.get(
        "/graphql", params=encoded, headers={**await client.headers(), "accept": "application/json"}
    )


async def test_an_unknown_hash_asks_for_the_text(gql):
    # when
    response = await post(gql, by_hash("{ me { id } unknownHere: __typename }"))

    # then
    assert response.status_code == 200
    assert response.json() == NOT_FOUND


async def test_a_hash_that_is_not_the_querys_is_refused(gql):
    # when
    response = await post(gql, {"query": ME, "extensions": persisted(sha256(TEAMS))})

    # then
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "sha256Hash" in error["message"]


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": "abc"},
    ],
    ids=["version 2", "not hexadecimal", "no hash", "not an object"],
)
async def test_a_malformed_persisted_query_is_refused(gql, extensions):
    # when
    response = await post(gql, {"query": ME, "extensions": extensions})

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_query_sent_once_with_its_hash_runs_by_hash_over_post_and_get(gql):
    # given
    registered = await post(gql, by_hash(ME, with_text=True))

    # when
    over_post = await post(gql, by_hash(ME))
    over_get = await get(gql, extensions=persisted(sha256(ME)))
    upper_case = await post(gql, {"extensions": persisted(sha256(ME).upper())})

    # then
    assert registered.status_code == 200
    assert registered.json()["data"]["me"]["name"] == "Test Admin"
    for response in (over_post, over_get, upper_case):
        assert response.status_code == 200
        assert response.json() == registered.json()


async def test_a_query_sent_by_get_with_its_hash_is_remembered(gql):
    # given
    await get(gql, query=TEAMS, extensions=persisted(sha256(TEAMS)))

    # when
    response = await post(gql, by_hash(TEAMS))

    # then
    assert response.json()["data"] == {"teams": {"totalCount": 0}}


async def test_a_persisted_mutation_is_refused_over_get_as_its_text_is(gql):
    # given: the text remembered (the mutation itself is refused: no team)
    await post(gql, by_hash(MUTATION, with_text=True))

    # when
    as_text = await get(gql, query=MUTATION)
    as_hash = await get(gql, extensions=persisted(sha256(MUTATION)))

    # then
    assert as_text.status_code == 400
    assert (as_hash.status_code, as_hash.json()) == (as_text.status_code, as_text.json())


async def test_the_limits_apply_to_the_persisted_text(gql):
    # given
    refused = await post(gql, by_hash(TOO_COSTLY, with_text=True))

    # when
    again = await post(gql, by_hash(TOO_COSTLY))

    # then
    assert refused.json()["errors"][0]["extensions"]["measure"] == "cost"
    assert again.json() == refused.json()


async def test_the_token_limit_counts_the_persisted_text(client_with):
    # given
    client = await client_with(max_tokens=10)
    refused = await post(client, by_hash(TEAMS, with_text=True))  # 11 tokens

    # when
    response = await post(client, by_hash(TEAMS))

    # then
    (error,) = response.json()["errors"]
    assert error["extensions"] | {"value": 11} == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "tokens",
        "value": 11,
        "limit": 10,
    }
    assert response.json() == refused.json()


async def test_signed_out_a_persisted_query_is_refused_as_its_text_is(anonymous, gql):
    # given
    await post(gql, by_hash(ME, with_text=True))

    # when
    as_text = await post(anonymous, {"query": ME})
    as_hash = await post(anonymous, by_hash(ME))

    # then
    assert as_hash.json() == as_text.json()
    assert as_hash.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_batch_mixes_texts_known_and_unknown_hashes(gql):
    # given
    await post(gql, by_hash(ME, with_text=True))

    # when
    response = await post(
        gql,
        [by_hash(ME), by_hash("{ nowhere: __typename }"), by_hash(TEAMS, with_text=True)],
    )

    # then
    assert response.status_code == 200
    known, unknown, sent = response.json()
    assert known["data"]["me"]["name"] == "Test Admin"
    assert unknown == NOT_FOUND
    assert sent["data"] == {"teams": {"totalCount": 0}}


async def test_persisted_sign_ins_count_as_sign_ins(anonymous):
    # given
    await post(anonymous, by_hash(LOGIN, with_text=True))

    # when
    response = await post(anonymous, [by_hash(LOGIN), by_hash(LOGIN)])

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["measure"] == "logins"


async def test_the_remembered_texts_are_bounded(client_with):
    # given: room for two texts
    client = await client_with(query_cache_entries=2)
    texts = [f"{{ n{i}: __typename }}" for i in range(3)]
    for text in texts:
        await post(client, by_hash(text, with_text=True))

    # when
    answers = [(await post(client, by_hash(text))).json() for text in texts]

    # then: the oldest was forgotten
    assert answers[0] == NOT_FOUND
    assert [answer["data"] for answer in answers[1:]] == [{"n1": "Query"}, {"n2": "Query"}]


async def test_texts_are_bounded_by_characters_too(client_with):
    # given: room for 40 characters of text
    client = await client_with(query_cache_characters=40)
    short, long = "{ __typename }", "{ a: __typename b: __typename }"  # 14 and 31
    await post(client, by_hash(short, with_text=True))
    await post(client, by_hash(long, with_text=True))

    # when
    answers = [(await post(client, by_hash(text))).json() for text in (short, long)]

    # then: the older made room for the newer
    assert answers[0] == NOT_FOUND
    assert answers[1]["data"] == {"a": "Query", "b": "Query"}
