"""Personal access tokens through the API: made, used, listed and revoked; the secret
shown once and stored only as a digest; scopes and the owner's current role as the
bounds of what a token does; revocation and expiry at once, on every app."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from tortoise import connections

from schema.core.ids import decode_global_id
from server import clock, models
from server.api_tokens import secrets
from server.enums import Role
from server.statements import count_statements
from tests import factories
from tests.bearer import (
    CREATE_TOKEN,
    LIST_TOKENS,
    REVOKE_TOKEN,
    BearerClient,
    bearer,
    clock_at,
    create_token,
    last_use,
)

pytestmark = pytest.mark.date_sensitive

TEAMS = "query Teams { teams { totalCount } }"
ME = "query Me { me { name role } }"
CREATE_TEAM = """
mutation CreateTeam($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { name } userErrors { code message } }
}
"""
UPDATE_USER = """
mutation UpdateUser($input: UserUpdateInput!) {
  userUpdate(input: $input) { user { role version } userErrors { code message } }
}
"""
ARCHIVE_USER = """
mutation ArchiveUser($input: UserArchiveInput!) {
  userArchive(input: $input) { user { archivedAt } userErrors { code message } }
}
"""
UPDATE_TASK = """
mutation UpdateTask($input: TaskUpdateInput!) {
  taskUpdate(input: $input) { task { title } userErrors { code message } }
}
"""
TOKEN_HISTORY = """
query History($id: ID!) {
  node(id: $id) { history { nodes { action actor { name } changes { field after } } } }
}
"""
SHAPE = re.compile(r"tl_pat_[A-Za-z0-9_-]{43}[0-9A-Za-z]{6}")


def key(global_id: str) -> int:
    return decode_global_id(global_id)[1]


async def refused_as_signed_out(client: BearerClient, reason: str) -> None:
    error = await client.error(TEAMS)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in error["message"]


# -- the secret ---------------------------------------------------------------------------


async def test_a_new_token_shows_its_secret_once_and_keeps_only_its_digest(gql):
    # when
    payload = await create_token(gql, ["READ"], name="BI export")

    # then
    secret, token = payload["secret"], payload["apiToken"]
    assert SHAPE.fullmatch(secret) and secrets.well_formed(secret)
    assert secrets.checksum(secret[:-6]) == secret[-6:]
    assert token["name"] == "BI export" and token["scopes"] == ["READ"]
    assert token["hint"] == f"tl_pat_…{secret[-4:]}"
    assert (token["expiresAt"], token["lastUsedAt"], token["revokedAt"]) == (None, None, None)
    assert token["owner"] == {"name": "Test Admin"}
    rows = await connections.get("default").execute_query_dict("SELECT * FROM api_token")
    assert len(rows) == 1
    assert rows[0]["digest"] == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in rows[0].values())
    assert secret not in stored and secret[7:-6] not in stored and secret[7:20] not in stored
    listed = await gql.raw(LIST_TOKENS)
    assert listed["data"]["apiTokens"]["totalCount"] == 1
    assert secret[7:20] not in str(listed)
    private = await gql.error(TOKEN_HISTORY, {"id": token["id"]})
    assert private["extensions"]["code"] == "BAD_USER_INPUT"  # not reachable by `node`
    recorded = await models.HistoryEntry.filter(node_type="ApiToken").values_list(
        "changes", flat=True
    )
    assert len(recorded) == 1
    assert "digest" not in recorded[0] and secret[7:20] not in str(recorded[0])
    assert recorded[0]["name"]["after"] == "BI export"


async def test_every_new_secret_differs_and_carries_32_random_bytes(gql):
    # when
    made = [await create_token(gql, ["READ"], name=f"T{n}") for n in range(5)]

    # then
    bodies = {payload["secret"][7:-6] for payload in made}
    assert len(bodies) == 5
    assert all(len(body) == 43 for body in bodies)  # 32 bytes in URL-safe base64


@pytest.mark.parametrize(
    "header, reason",
    [
        ("Bearer tl_pat_short", "The API token is not valid."),
        ("Bearer tl_pat_" + "a" * 43 + "AAAAAA", "The API token is not valid."),
        ("Bearer " + "tl_pat_" + "b" * 43 + secrets.checksum("tl_pat_" + "b" * 43), "not valid"),
        ("Bearer tl_sat_☃".encode(), "The API token is not valid."),
    ],
)
async def test_a_token_that_is_malformed_or_unknown_signs_no_one_in(gql, header, reason):
    # given
    await create_token(gql, ["READ"])

    # when
    response = await gql.http.post(
        "/graphql", json={"query": TEAMS}, headers={"Authorization": header}
    )

    # then
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in error["message"]


# -- what a token may do ---------------------------------------------------------------------


async def test_a_read_token_reads_and_cannot_write(gql):
    # given
    reader = await bearer(gql, ["READ"])
    teams_before = await models.Team.all().count()

    # when
    read = await reader.data(ME)
    refused = await reader.error(CREATE_TEAM, {"input": {"name": "Never"}})

    # then
    assert read["me"] == {"name": "Test Admin", "role": "ADMIN"}
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert refused["extensions"]["scope"] == "WRITE"
    assert "lacks the WRITE scope" in refused["message"]
    assert await models.Team.all().count() == teams_before


async def test_a_write_only_token_cannot_read(gql):
    # given
    writer = await bearer(gql, ["WRITE"])

    # when
    refused = await writer.error(TEAMS)

    # then
    assert refused["extensions"] == {"code": "FORBIDDEN", "scope": "READ"}
    assert "lacks the READ scope" in refused["message"]


async def test_an_administrators_token_administers_only_with_the_admin_scope(gql):
    # given
    writer = await bearer(gql, ["READ", "WRITE"])
    admin = await bearer(gql, ["READ", "WRITE", "ADMIN"])

    # when
    refused = await writer.error(CREATE_TEAM, {"input": {"name": "Without admin"}})
    made = await admin.mutate(CREATE_TEAM, {"name": "With admin"}, "teamCreate")

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert made == {"team": {"name": "With admin"}, "userErrors": []}


async def test_a_token_makes_tokens_only_within_its_own_scopes(gql):
    # given
    reader = await bearer(gql, ["READ"])
    writer = await bearer(gql, ["READ", "WRITE"])
    before = await models.ApiToken.all().count()

    # when
    by_reader = await reader.error(CREATE_TOKEN, {"input": {"name": "X", "scopes": ["READ"]}})
    by_writer = await writer.error(
        CREATE_TOKEN, {"input": {"name": "X", "scopes": ["READ", "WRITE", "ADMIN"]}}
    )
    narrower = await writer.mutate(
        CREATE_TOKEN, {"name": "Narrower", "scopes": ["READ"]}, "apiTokenCreate"
    )

    # then
    assert by_reader["extensions"]["code"] == "FORBIDDEN"
    assert "WRITE" in by_reader["message"]
    assert by_writer["extensions"]["code"] == "FORBIDDEN"
    assert "cannot make a token with ADMIN" in by_writer["message"]
    assert narrower["apiToken"]["scopes"] == ["READ"]
    assert await models.ApiToken.all().count() == before + 1


async def test_a_token_never_exceeds_its_owners_current_role(gql):
    # given
    team = await factories.team(name="Growth")
    person = await factories.user(teams=[team], role=Role.ADMIN, name="Ada")
    own = await factories.task(team=team, title="Draft")
    token = await bearer(gql.as_user(person), ["READ", "WRITE", "ADMIN"])
    user_id = (await gql.data("query { users { nodes { id name } } }"))["users"]["nodes"]
    ada = next(node["id"] for node in user_id if node["name"] == "Ada")
    task_id = (await gql.data("query { tasks { nodes { id } } }"))["tasks"]["nodes"][0]["id"]
    assert (await token.mutate(CREATE_TEAM, {"name": "A"}, "teamCreate"))["team"]

    # when: demoted to editor
    await gql.mutate(UPDATE_USER, {"id": ada, "version": 1, "role": "EDITOR"}, "userUpdate")
    as_editor = await token.error(CREATE_TEAM, {"input": {"name": "B"}})
    edited = await token.mutate(
        UPDATE_TASK, {"id": task_id, "version": 1, "title": "Edited"}, "taskUpdate"
    )
    # when: demoted to viewer
    await gql.mutate(UPDATE_USER, {"id": ada, "version": 2, "role": "VIEWER"}, "userUpdate")
    as_viewer = await token.error(
        UPDATE_TASK, {"input": {"id": task_id, "version": 2, "title": "Again"}}
    )
    # when: disabled
    await gql.mutate(ARCHIVE_USER, {"id": ada, "version": 3}, "userArchive")

    # then
    assert as_editor["extensions"]["code"] == "FORBIDDEN"
    assert edited == {"task": {"title": "Edited"}, "userErrors": []}
    assert as_viewer["extensions"]["code"] == "FORBIDDEN"
    assert (await models.Task.get(id=own.pk)).title == "Edited"
    await refused_as_signed_out(token, "The account of this API token is disabled.")
    assert await models.Team.filter(name="B").count() == 0


# -- making tokens: the rules -----------------------------------------------------------------


async def test_a_viewer_makes_reading_tokens_only(gql):
    # given
    viewer = gql.as_user(await factories.user(role=Role.VIEWER, name="Vic"))

    # when
    refused = await viewer.mutate(
        CREATE_TOKEN, {"name": "Mine", "scopes": ["READ", "WRITE"]}, "apiTokenCreate"
    )
    allowed = await viewer.mutate(
        CREATE_TOKEN, {"name": "Mine", "scopes": ["READ"]}, "apiTokenCreate"
    )

    # then
    assert refused["apiToken"] is None and refused["secret"] is None
    assert refused["userErrors"] == [
        {
            "field": "scopes",
            "code": "NOT_ALLOWED",
            "message": "The owner's role VIEWER cannot use WRITE; a token never does more "
            "than its owner may.",
        }
    ]
    assert allowed["apiToken"]["scopes"] == ["READ"]
    assert await models.ApiToken.all().count() == 1


@pytest.mark.parametrize(
    "fields, field, code",
    [
        ({"name": " ", "scopes": ["READ"]}, "name", "REQUIRED"),
        ({"name": "x" * 121, "scopes": ["READ"]}, "name", "TOO_LONG"),
        ({"name": "Two\nlines", "scopes": ["READ"]}, "name", "INVALID"),
        ({"name": "Sync", "scopes": []}, "scopes", "REQUIRED"),
        (
            {"name": "Sync", "scopes": ["READ"], "expiresAt": "2020-01-01T00:00:00Z"},
            "expiresAt",
            "INVALID",
        ),
        (
            {"name": "Sync", "scopes": ["READ"], "expiresAt": "2099-01-01T00:00:00Z"},
            "expiresAt",
            "OUT_OF_RANGE",
        ),
    ],
)
async def test_a_bad_token_input_is_refused_and_writes_nothing(gql, fields, field, code):
    # when
    payload = await gql.mutate(CREATE_TOKEN, fields, "apiTokenCreate")

    # then
    assert payload["apiToken"] is None and payload["secret"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await models.ApiToken.all().count() == 0
    assert await models.HistoryEntry.filter(node_type="ApiToken").count() == 0


async def test_tokens_are_made_for_yourself_or_a_service_account_only(gql):
    # given
    person = await factories.user(role=Role.EDITOR, name="Pat")
    editor = gql.as_user(person)
    other = (await gql.data("query { users { nodes { id name } } }"))["users"]["nodes"]
    pat = next(node["id"] for node in other if node["name"] == "Pat")

    # when
    for_a_person = await gql.mutate(
        CREATE_TOKEN, {"name": "X", "scopes": ["READ"], "userId": pat}, "apiTokenCreate"
    )
    await create_token(gql, ["READ"])  # the test admin exists from here on
    admin_id = (await gql.data(ME.replace("name role", "id")))["me"]["id"]
    by_an_editor = await editor.error(
        CREATE_TOKEN, {"input": {"name": "X", "scopes": ["READ"], "userId": admin_id}}
    )

    # then
    assert [(e["field"], e["code"]) for e in for_a_person["userErrors"]] == [
        ("userId", "NOT_ALLOWED")
    ]
    assert by_an_editor["extensions"]["code"] == "FORBIDDEN"
    assert await models.ApiToken.filter(user_id=person.pk).count() == 0


# -- listing and revoking ----------------------------------------------------------------------


async def test_each_user_lists_their_own_tokens_and_revoked_ones_on_request(gql):
    # given
    editor_user = await factories.user(role=Role.EDITOR, name="Eve")
    editor = gql.as_user(editor_user)
    mine = await create_token(gql, ["READ"], name="Alpha")
    await create_token(gql, ["READ"], name="Beta")
    await create_token(editor, ["READ", "WRITE"], name="Eve's")
    await gql.mutate(REVOKE_TOKEN, {"id": mine["apiToken"]["id"]}, "apiTokenRevoke")

    # when
    admin_live = (await gql.data(LIST_TOKENS))["apiTokens"]
    admin_all = (await gql.data(LIST_TOKENS, {"includeRevoked": True}))["apiTokens"]
    editors = (await editor.data(LIST_TOKENS))["apiTokens"]
    eve_id = (await editor.data(ME.replace("name role", "id")))["me"]["id"]
    snooping = await editor.error(
        LIST_TOKENS, {"userId": (await gql.data(ME.replace("name role", "id")))["me"]["id"]}
    )
    by_admin = (await gql.data(LIST_TOKENS, {"userId": eve_id}))["apiTokens"]

    # then
    assert [n["name"] for n in admin_live["nodes"]] == ["Beta"]
    assert [(n["name"], n["revokedAt"] is not None) for n in admin_all["nodes"]] == [
        ("Alpha", True),
        ("Beta", False),
    ]
    assert [(n["name"], n["scopes"]) for n in editors["nodes"]] == [("Eve's", ["READ", "WRITE"])]
    assert snooping["extensions"]["code"] == "FORBIDDEN"
    assert [n["name"] for n in by_admin["nodes"]] == ["Eve's"]


async def test_only_the_owner_or_an_administrator_revokes_a_token(gql):
    # given
    payload = await create_token(gql, ["READ"])
    token_id = payload["apiToken"]["id"]
    stranger = gql.as_user(await factories.user(role=Role.EDITOR))

    # when
    refused = await stranger.error(REVOKE_TOKEN, {"input": {"id": token_id}})
    missing = await stranger.error(REVOKE_TOKEN, {"input": {"id": "QXBpVG9rZW46OTk5"}})
    first = await gql.mutate(REVOKE_TOKEN, {"id": token_id}, "apiTokenRevoke")
    again = await gql.mutate(REVOKE_TOKEN, {"id": token_id}, "apiTokenRevoke")

    strangers = await create_token(stranger, ["READ"])
    by_admin = await gql.mutate(REVOKE_TOKEN, {"id": strangers["apiToken"]["id"]}, "apiTokenRevoke")

    # then
    assert refused["extensions"]["code"] == missing["extensions"]["code"] == "FORBIDDEN"
    assert by_admin["apiToken"]["revokedAt"] is not None
    assert first["apiToken"]["revokedAt"] is not None
    assert again["apiToken"]["revokedAt"] == first["apiToken"]["revokedAt"]
    assert await models.HistoryEntry.filter(node_type="ApiToken", action="ARCHIVED").count() == 2


async def test_a_revoked_token_is_refused_at_once_by_every_app(gql, client_with):
    # given: a second app with its own read model, on the same database
    payload = await create_token(gql, ["READ"])
    other_app = await client_with()
    here = BearerClient(gql.http, payload["secret"])
    there = BearerClient(other_app.http, payload["secret"])
    assert (await here.data(TEAMS)) == (await there.data(TEAMS))

    # when
    await gql.mutate(REVOKE_TOKEN, {"id": payload["apiToken"]["id"]}, "apiTokenRevoke")

    # then
    await refused_as_signed_out(there, "The API token has been revoked.")
    await refused_as_signed_out(here, "The API token has been revoked.")


async def test_an_expired_token_is_refused_at_once_by_every_app(gql, client_with):
    # given
    expires = clock.now().replace(microsecond=0) + timedelta(hours=1)
    payload = await create_token(gql, ["READ"], expiresAt=expires.isoformat())
    other_app = await client_with()
    here = BearerClient(gql.http, payload["secret"])
    there = BearerClient(other_app.http, payload["secret"])
    await here.data(TEAMS)
    await there.data(TEAMS)

    # when / then
    with clock_at(expires - timedelta(seconds=1)):
        await here.data(TEAMS)
    with clock_at(expires):
        await refused_as_signed_out(here, f"The API token expired at {expires.isoformat()}")
        await refused_as_signed_out(there, "expired")


# -- last use --------------------------------------------------------------------------------


async def test_the_last_use_is_recorded_at_most_once_a_minute_without_a_tracked_write(gql):
    # given
    payload = await create_token(gql, ["READ"])
    token_id = key(payload["apiToken"]["id"])
    client = BearerClient(gql.http, payload["secret"])
    changes = "SELECT count(*) AS n FROM data_change"
    db = connections.get("default")
    changes_before = (await db.execute_query_dict(changes))[0]["n"]

    # when
    await client.data(TEAMS)
    first = await last_use(token_id)
    await client.data(TEAMS)
    await client.data(TEAMS)
    within_the_minute = await models.ApiTokenUse.get(token_id=token_id)
    later = clock.now() + timedelta(seconds=61)
    with clock_at(later):
        await client.data(TEAMS)
        second = await last_use(token_id, after=first)
    listed = (await gql.data(LIST_TOKENS))["apiTokens"]["nodes"][0]["lastUsedAt"]

    # then
    assert first is not None and within_the_minute.used_at == first
    assert second is not None and second - first >= timedelta(seconds=61)
    assert listed is not None and listed.startswith(second.strftime("%Y-%m-%dT%H:%M"))
    assert (await db.execute_query_dict(changes))[0]["n"] == changes_before


async def test_a_token_costs_no_statement_beyond_the_freshness_check(gql):
    # given: the token used once (its use recorded), every app current
    payload = await create_token(gql, ["READ"])
    token = BearerClient(gql.http, payload["secret"])
    await token.data(TEAMS)
    await last_use(key(payload["apiToken"]["id"]))
    await gql.settle()

    # when
    with count_statements() as by_token:
        await token.data(TEAMS)
    with count_statements() as by_session:
        await gql.data(TEAMS)

    # then
    assert by_token.count == by_session.count == 1, by_token.statements


async def test_an_api_token_ends_no_session_of_the_web_client(gql):
    # given
    payload = await create_token(gql, ["READ", "WRITE"])

    # when
    response = await gql.http.post(
        "/auth/logout",
        headers={"X-Throughline-Client": "web", "Authorization": f"Bearer {payload['secret']}"},
    )

    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
