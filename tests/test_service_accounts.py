"""Service accounts: users that are not people. An administrator creates one with a
role and teams and makes its tokens; it acts through them, appears as the actor in the
history, shows as a service account in user lists, and never signs in with a password."""

from __future__ import annotations

import pytest

from schema.core.ids import decode_global_id, encode_global_id
from server import models, passwords
from server.enums import Role
from tests import factories
from tests.bearer import CREATE_TOKEN, BearerClient, bearer, create_token

pytestmark = pytest.mark.date_sensitive

CREATE_ACCOUNT = """
mutation CreateAccount($input: ServiceAccountCreateInput!) {
  serviceAccountCreate(input: $input) {
    user { id name email role serviceAccount version teams { name } }
    userErrors { field code message }
  }
}
"""
USERS = "query Users { users { nodes { name serviceAccount } } }"
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }
"""
CREATE_GOAL = """
mutation CreateGoal($input: GoalCreateInput!) {
  goalCreate(input: $input) {
    goal { id history { nodes { action actor { name serviceAccount } } } }
    userErrors { field message }
  }
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
TEAMS = "query Teams { teams { totalCount } }"


def team_id(team: models.Team) -> str:
    return encode_global_id("Team", team.pk)


async def create_account(gql, **fields) -> dict:
    payload = await gql.mutate(
        CREATE_ACCOUNT, {"name": "CRM sync", "role": "EDITOR", **fields}, "serviceAccountCreate"
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["user"]


async def test_an_administrator_creates_a_service_account_that_lists_as_one(gql):
    # given
    growth = await factories.team(name="Growth")

    # when
    account = await create_account(gql, teamIds=[team_id(growth)])
    listed = (await gql.data(USERS))["users"]["nodes"]

    # then
    assert account["name"] == "CRM sync" and account["role"] == "EDITOR"
    assert account["serviceAccount"] is True
    assert account["teams"] == [{"name": "Growth"}]
    assert account["email"].startswith("crm-sync-")
    assert account["email"].endswith("@service-accounts.invalid")
    assert {"name": "CRM sync", "serviceAccount": True} in listed
    assert {"name": "Test Admin", "serviceAccount": False} in listed
    stored = await models.User.get(id=decode_global_id(account["id"])[1])
    assert stored.password_hash is None
    history = await models.HistoryEntry.get(node_type="User", node_id=stored.pk)
    assert history.changes["service_account"] == {"before": None, "after": True}


async def test_only_an_administrator_creates_service_accounts(gql):
    # given
    editor = gql.as_user(await factories.user(role=Role.EDITOR))
    admin_without_admin_scope = await bearer(gql, ["READ", "WRITE"])

    # when
    by_editor = await editor.error(CREATE_ACCOUNT, {"input": {"name": "X"}})
    by_narrow_token = await admin_without_admin_scope.error(
        CREATE_ACCOUNT, {"input": {"name": "X"}}
    )

    # then
    assert by_editor["extensions"]["code"] == "FORBIDDEN"
    assert by_narrow_token["extensions"]["code"] == "FORBIDDEN"
    assert await models.User.filter(service_account=True).count() == 0


async def test_a_bad_service_account_is_refused_and_writes_nothing(gql):
    # when
    payload = await gql.mutate(
        CREATE_ACCOUNT, {"name": " ", "email": "not an address"}, "serviceAccountCreate"
    )

    # then
    assert payload["user"] is None
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("email", "INVALID"),
        ("name", "REQUIRED"),
    ]
    assert await models.User.filter(service_account=True).count() == 0


async def test_a_service_account_never_signs_in_with_a_password(gql, anonymous):
    # given: even a password hash put in its row by hand opens nothing
    account = await create_account(gql, email="robot@example.com")
    await models.User.filter(email_key="robot@example.com").update(
        password_hash=passwords.hash_password("a long enough password")
    )

    # when
    refused = await anonymous.error(
        LOGIN, {"input": {"email": "robot@example.com", "password": "a long enough password"}}
    )

    # then
    assert account["serviceAccount"] is True
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"
    assert refused["message"].startswith(
        "This is a service account: it cannot sign in with a password."
    )
    assert await models.RefreshToken.all().count() == 0


async def test_a_service_accounts_token_acts_as_it_and_it_is_the_actor_in_history(gql):
    # given
    growth = await factories.team(name="Growth")
    account = await create_account(gql, teamIds=[team_id(growth)])
    payload = await create_token(gql, ["READ", "WRITE"], userId=account["id"], name="CRM")
    robot = BearerClient(gql.http, payload["secret"])

    # when
    made = await robot.mutate(
        CREATE_GOAL,
        {
            "title": "Pipeline from the CRM",
            "ownerTeamId": team_id(growth),
            "periodStart": "2026-01-01",
            "periodEnd": "2026-12-31",
        },
        "goalCreate",
    )

    # then
    assert payload["secret"].startswith("tl_sat_")
    assert payload["apiToken"]["owner"] == {"name": "CRM sync"}
    assert made["userErrors"] == []
    assert made["goal"]["history"]["nodes"] == [
        {"action": "CREATED", "actor": {"name": "CRM sync", "serviceAccount": True}}
    ]


async def test_a_service_account_acts_within_its_current_role_and_stops_when_disabled(gql):
    # given
    account = await create_account(gql, role="ADMIN")
    payload = await create_token(gql, ["READ", "WRITE", "ADMIN"], userId=account["id"])
    robot = BearerClient(gql.http, payload["secret"])
    new_team = "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { name } } }"
    assert (await robot.data(new_team, {"input": {"name": "One"}}))["teamCreate"]["team"]

    # when
    await gql.mutate(
        UPDATE_USER, {"id": account["id"], "version": 1, "role": "VIEWER"}, "userUpdate"
    )
    as_viewer = await robot.error(new_team, {"input": {"name": "Two"}})
    read = await robot.data(TEAMS)
    await gql.mutate(ARCHIVE_USER, {"id": account["id"], "version": 2}, "userArchive")
    disabled = await robot.error(TEAMS)

    # then
    assert as_viewer["extensions"]["code"] == "FORBIDDEN"
    assert read == {"teams": {"totalCount": 1}}
    assert disabled["extensions"]["code"] == "UNAUTHENTICATED"
    assert disabled["message"] == "The account of this API token is disabled."


async def test_tokens_for_a_disabled_service_account_are_refused(gql):
    # given
    account = await create_account(gql)
    await gql.mutate(ARCHIVE_USER, {"id": account["id"], "version": 1}, "userArchive")

    # when
    payload = await gql.mutate(
        CREATE_TOKEN, {"name": "X", "scopes": ["READ"], "userId": account["id"]}, "apiTokenCreate"
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("userId", "ARCHIVED")]
    assert await models.ApiToken.all().count() == 0
