"""Sessions: signing in, refreshing (rotation), signing out, revoking and changing a
password, over real HTTP requests on both database engines."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, Type

from fixtures.demo import DEMO_PASSWORD, demo_document, demo_source
from fixtures.loader import load_document
from server import clock, models, passwords
from server.enums import HistoryAction, Role
from server.tokens import digest
from tests import factories
from tests.graphql import GraphQLClient
from tests.signing_in import PinnedClock, cheap_hasher

pytestmark = pytest.mark.date_sensitive

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
LOGIN_REFUSED = "Incorrect email or password."

SESSION_FIELDS = """
  accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
  user { id email role }
"""
LOGIN = f"""
mutation Login($input: LoginInput!) {{
  login(input: $input) {{ {SESSION_FIELDS} }}
}}
"""
REFRESH = f"""
mutation Refresh($input: RefreshTokenInput!) {{
  refreshToken(input: $input) {{ {SESSION_FIELDS} }}
}}
"""
LOGOUT = """
mutation Logout($input: LogoutInput!) {
  logout(input: $input) { revokedSessions userErrors { field code message } }
}
"""
REVOKE = """
mutation Revoke($input: UserRevokeSessionsInput!) {
  userRevokeSessions(input: $input) {
    user { id email }
    revokedSessions
    userErrors { field code message }
  }
}
"""
PASSWORD_CHANGE = f"""
mutation PasswordChange($input: PasswordChangeInput!) {{
  passwordChange(input: $input) {{
    session {{ {SESSION_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""
ME = "{ me { id email name role teams { name } } }"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """argon2 with the smallest parameters: the suite checks behaviour, not strength."""
    cheap = cheap_hasher()
    monkeypatch.setattr(passwords, "hasher", cheap)
    return cheap


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> PinnedClock:
    pinned = PinnedClock()
    monkeypatch.setattr(clock, "now", pinned.now)
    return pinned


async def person(role: Role = Role.EDITOR, password: str | None = PASSWORD, **fields):
    hashed = passwords.hash_password(password) if password is not None else None
    return await factories.user(role=role, password_hash=hashed, **fields)


async def post(
    http: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None
) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code < 500, response.text
    return response.json()


async def sign_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict:
    body = await post(http, LOGIN, {"input": {"email": email, "password": password}})
    assert "errors" not in body, body["errors"]
    return body["data"]["login"]


async def refreshed(http: httpx.AsyncClient, refresh_token: str) -> dict:
    return await post(http, REFRESH, {"input": {"refreshToken": refresh_token}})


def refused(body: dict, message: str | None = None) -> None:
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    if message is not None:
        assert error["message"] == message


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def history(user: models.User) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type="User", node_id=user.pk).order_by("id")


async def test_login_hands_out_a_session_that_signs_in(http, settings, pinned):
    # given
    user = await person(email="Ada.Lovelace@example.com", name="Ada Lovelace")

    # when
    session = await sign_in(http, "  ada.lovelace@EXAMPLE.com ")

    # then
    assert session["accessTokenExpiresAt"] == iso(pinned.moment + timedelta(minutes=15))
    assert session["refreshTokenExpiresAt"] == iso(pinned.moment + timedelta(days=30))
    assert session["user"]["email"] == "Ada.Lovelace@example.com"
    me = await post(http, ME, token=session["accessToken"])
    assert me["data"]["me"] == {
        "id": session["user"]["id"],
        "email": "Ada.Lovelace@example.com",
        "name": "Ada Lovelace",
        "role": "EDITOR",
        "teams": [],
    }
    (stored,) = await models.RefreshToken.filter(user_id=user.pk)
    assert stored.token_hash == digest(session["refreshToken"])
    assert session["refreshToken"] not in stored.token_hash


async def test_me_answers_for_whoever_is_signed_in(gql: GraphQLClient):
    # given
    team = await factories.team(name="Brand")
    viewer = await factories.user(teams=[team], role=Role.VIEWER, name="Vera Viewer")

    # when
    data = await gql.as_user(viewer).data(ME)

    # then
    assert data["me"]["name"] == "Vera Viewer"
    assert data["me"]["role"] == "VIEWER"
    assert data["me"]["teams"] == [{"name": "Brand"}]


@pytest.mark.parametrize(
    ("case", "email", "password"),
    [
        ("wrong password", "known@example.com", "not the password"),
        ("unknown email", "nobody@example.com", PASSWORD),
        ("archived user", "archived@example.com", PASSWORD),
        ("user without a password", "nopassword@example.com", PASSWORD),
        ("empty email", "", PASSWORD),
        ("over-long password", "known@example.com", "x" * 257),
    ],
)
async def test_every_failed_login_gets_the_same_answer_and_no_session(http, case, email, password):
    # given
    await person(email="known@example.com")
    await factories.archive(await person(email="archived@example.com"))
    await person(email="nopassword@example.com", password=None)

    # when
    body = await post(http, LOGIN, {"input": {"email": email, "password": password}})

    # then
    refused(body, LOGIN_REFUSED)
    assert await models.RefreshToken.all().count() == 0


async def test_an_unknown_email_costs_a_password_check_too(http, monkeypatch):
    # given
    checked: list[str | None] = []
    real_verify = passwords.verify

    def spy(stored_hash, password):
        checked.append(stored_hash)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(passwords, "verify", spy)

    # when
    body = await post(http, LOGIN, {"input": {"email": "ghost@example.com", "password": PASSWORD}})

    # then
    refused(body, LOGIN_REFUSED)
    assert checked == [None]


async def test_login_upgrades_a_hash_made_with_older_parameters(http, monkeypatch):
    # given: a hash made with weaker parameters than today's
    user = await person(email="old@example.com")
    old_hash = user.password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "hasher", stronger)

    # when
    await sign_in(http, "old@example.com")

    # then
    await user.refresh_from_db()
    assert user.password_hash != old_hash
    assert "m=16,t=2,p=1" in user.password_hash
    assert not passwords.needs_rehash(user.password_hash)
    assert (await sign_in(http, "old@example.com"))["accessToken"]


async def test_refresh_rotates_the_token_within_the_session(http, pinned):
    # given
    user = await person(email="rotate@example.com")
    first = await sign_in(http, "rotate@example.com")

    # when
    body = await refreshed(http, first["refreshToken"])

    # then
    second = body["data"]["refreshToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessTokenExpiresAt"] == iso(pinned.moment + timedelta(minutes=15))
    assert second["refreshTokenExpiresAt"] == iso(pinned.moment + timedelta(days=30))
    old, new = await models.RefreshToken.filter(user_id=user.pk).order_by("id")
    assert old.used_at == pinned.moment
    assert old.revoked_at is None
    assert new.family == old.family
    assert new.used_at is None
    assert (await post(http, ME, token=second["accessToken"]))["data"]["me"]["email"] == (
        "rotate@example.com"
    )
    refused(await refreshed(http, first["refreshToken"]))


async def test_a_refresh_token_works_until_it_expires(http, pinned):
    # given
    await person(email="expiry@example.com")
    session = await sign_in(http, "expiry@example.com")

    # when: just before and just after the end of its 30 days
    pinned.advance(timedelta(days=30) - timedelta(seconds=1))
    in_time = await refreshed(http, session["refreshToken"])
    late = await sign_in(http, "expiry@example.com")
    pinned.advance(timedelta(days=30))
    too_late = await refreshed(http, late["refreshToken"])

    # then
    assert "errors" not in in_time
    refused(too_late)
    assert await models.RefreshToken.filter(used_at__isnull=False).count() == 1


async def test_refresh_stops_once_the_user_is_archived(http):
    # given
    user = await person(email="leaver@example.com")
    session = await sign_in(http, "leaver@example.com")
    await factories.archive(user)

    # when
    body = await refreshed(http, session["refreshToken"])

    # then
    refused(body)
    assert await models.RefreshToken.filter(used_at__isnull=False).count() == 0


async def test_logout_ends_that_session_and_no_other(http):
    # given: signed in on two devices
    await person(email="two@example.com")
    laptop = await sign_in(http, "two@example.com")
    phone = await sign_in(http, "two@example.com")

    # when
    body = await post(
        http,
        LOGOUT,
        {"input": {"refreshToken": laptop["refreshToken"]}},
        token=laptop["accessToken"],
    )

    # then
    assert body["data"]["logout"] == {"revokedSessions": 1, "userErrors": []}
    refused(await refreshed(http, laptop["refreshToken"]))
    assert "errors" not in await refreshed(http, phone["refreshToken"])


async def test_logout_with_an_already_rotated_token_ends_its_successor(http):
    # given
    await person(email="rotated@example.com")
    first = await sign_in(http, "rotated@example.com")
    second = (await refreshed(http, first["refreshToken"]))["data"]["refreshToken"]

    # when
    body = await post(
        http, LOGOUT, {"input": {"refreshToken": first["refreshToken"]}}, second["accessToken"]
    )

    # then
    assert body["data"]["logout"]["revokedSessions"] == 1
    refused(await refreshed(http, second["refreshToken"]))


@pytest.mark.parametrize(
    ("token_of", "code"), [("someone else", "NOT_FOUND"), ("nobody", "REQUIRED")]
)
async def test_logout_needs_a_session_of_ones_own(http, token_of, code):
    # given
    await person(email="victim@example.com")
    await person(email="mallory@example.com")
    victim = await sign_in(http, "victim@example.com")
    mallory = await sign_in(http, "mallory@example.com")
    token = victim["refreshToken"] if token_of == "someone else" else None

    # when
    body = await post(http, LOGOUT, {"input": {"refreshToken": token}}, mallory["accessToken"])

    # then
    payload = body["data"]["logout"]
    assert payload["revokedSessions"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("refreshToken", code)]
    assert await models.RefreshToken.filter(revoked_at__isnull=False).count() == 0
    assert "errors" not in await refreshed(http, victim["refreshToken"])


async def test_logout_everywhere_ends_every_session_and_is_recorded(http, pinned):
    # given
    user = await person(email="everywhere@example.com")
    sessions = [await sign_in(http, "everywhere@example.com") for _ in range(3)]
    await refreshed(http, sessions[0]["refreshToken"])  # rotated: still one session

    # when
    body = await post(
        http, LOGOUT, {"input": {"everywhere": True}}, token=sessions[1]["accessToken"]
    )

    # then
    assert body["data"]["logout"] == {"revokedSessions": 3, "userErrors": []}
    assert await models.RefreshToken.filter(revoked_at__isnull=True).count() == 0
    (entry,) = await history(user)
    assert entry.action == HistoryAction.SESSIONS_REVOKED
    assert entry.actor_id == user.pk
    assert entry.at == pinned.moment
    assert entry.changes == {"live_sessions": {"before": 3, "after": 0}}


async def test_an_admin_revokes_anyones_sessions(http, gql: GraphQLClient):
    # given
    user = await person(email="revoked@example.com")
    session = await sign_in(http, "revoked@example.com")
    admin = await gql.signed_in_user()

    # when
    data = await gql.data(REVOKE, {"input": {"userId": session["user"]["id"]}})

    # then
    assert data["userRevokeSessions"] == {
        "user": {"id": session["user"]["id"], "email": "revoked@example.com"},
        "revokedSessions": 1,
        "userErrors": [],
    }
    refused(await refreshed(http, session["refreshToken"]))
    (entry,) = await history(user)
    assert (entry.action, entry.actor_id) == (HistoryAction.SESSIONS_REVOKED, admin.pk)


async def test_a_viewer_revokes_their_own_sessions(http):
    # given
    await person(Role.VIEWER, email="self@example.com")
    session = await sign_in(http, "self@example.com")

    # when
    body = await post(
        http, REVOKE, {"input": {"userId": session["user"]["id"]}}, session["accessToken"]
    )

    # then
    assert body["data"]["userRevokeSessions"]["revokedSessions"] == 1
    refused(await refreshed(http, session["refreshToken"]))


@pytest.mark.parametrize("target", ["another user", "a user that does not exist"])
async def test_an_editor_may_not_revoke_other_peoples_sessions(http, target):
    # given
    victim = await person(email="target@example.com")
    await person(Role.EDITOR, email="editor@example.com")
    victim_session = await sign_in(http, "target@example.com")
    editor = await sign_in(http, "editor@example.com")
    user_id = victim_session["user"]["id"] if target == "another user" else "VXNlcjo5OTk5OQ"

    # when
    body = await post(http, REVOKE, {"input": {"userId": user_id}}, editor["accessToken"])

    # then: refused alike, whether the user exists or not
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await history(victim) == []
    assert "errors" not in await refreshed(http, victim_session["refreshToken"])


async def test_an_admin_naming_nobody_gets_not_found(gql: GraphQLClient):
    # when
    error = await gql.error(REVOKE, {"input": {"userId": "VXNlcjo5OTk5OQ"}})

    # then
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_password_change_replaces_every_session(http, pinned):
    # given
    user = await person(email="changer@example.com")
    laptop = await sign_in(http, "changer@example.com")
    phone = await sign_in(http, "changer@example.com")
    new_password = "a much longer passphrase"

    # when
    body = await post(
        http,
        PASSWORD_CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": new_password}},
        laptop["accessToken"],
    )

    # then
    payload = body["data"]["passwordChange"]
    assert payload["userErrors"] == []
    new_session = payload["session"]
    assert new_session["user"]["email"] == "changer@example.com"
    for old in (laptop, phone):
        refused(await refreshed(http, old["refreshToken"]))
    assert "errors" not in await refreshed(http, new_session["refreshToken"])
    refused(await post(http, LOGIN, {"input": {"email": user.email, "password": PASSWORD}}))
    assert (await sign_in(http, user.email, new_password))["accessToken"]
    (entry,) = await history(user)
    assert (entry.action, entry.actor_id, entry.at) == (
        HistoryAction.PASSWORD_SET,
        user.pk,
        pinned.moment,
    )
    assert entry.changes == {"live_sessions": {"before": 2, "after": 0}}
    assert "password_hash" not in str(entry.changes)


@pytest.mark.parametrize(
    ("current", "new", "errors"),
    [
        ("wrong password!", "a much longer passphrase", [("currentPassword", "INVALID")]),
        (PASSWORD, "too short", [("newPassword", "INVALID")]),
        (PASSWORD, "x" * 257, [("newPassword", "TOO_LONG")]),
        (PASSWORD, " " * 12, [("newPassword", "INVALID")]),
        (PASSWORD, PASSWORD, [("newPassword", "INVALID")]),
        ("wrong password!", "short", [("newPassword", "INVALID"), ("currentPassword", "INVALID")]),
    ],
)
async def test_a_refused_password_change_changes_nothing(http, current, new, errors):
    # given
    user = await person(email="careful@example.com")
    session = await sign_in(http, "careful@example.com")
    hash_before = user.password_hash

    # when
    body = await post(
        http,
        PASSWORD_CHANGE,
        {"input": {"currentPassword": current, "newPassword": new}},
        session["accessToken"],
    )

    # then
    payload = body["data"]["passwordChange"]
    assert payload["session"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == errors
    await user.refresh_from_db()
    assert user.password_hash == hash_before
    assert await history(user) == []
    assert "errors" not in await refreshed(http, session["refreshToken"])


async def test_every_demo_user_signs_in_with_the_demo_password(http, db):
    # given
    await load_document(demo_document(clock.today()), name="demo")

    # when
    olivia = await sign_in(http, "olivia.bennett@northwind-analytics.com", DEMO_PASSWORD)

    # then
    assert olivia["user"]["role"] == "ADMIN"
    hashes = await models.User.all().values_list("password_hash", flat=True)
    assert len(hashes) == len(demo_source()["users"])
    assert len(set(hashes)) == 1, "one hash per load, shared by every demo user"
    assert passwords.verify(hashes[0], DEMO_PASSWORD)


def test_the_readme_lists_real_demo_accounts_and_the_demo_password():
    # given
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Signing in", 1)[1].split("\n## ", 1)[0]
    source = demo_source()
    teams = {team["key"]: team["name"] for team in source["teams"]}
    people = {
        user["email"]: (user["role"], [teams[key] for key in user["teams"]])
        for user in source["users"]
    }

    # when
    rows = re.findall(r"^\| `([^`]+@[^`]+)` \| (\w+) \| ([^|]*) \|$", section, re.M)

    # then
    assert f"`{DEMO_PASSWORD}`" in section
    assert {role for _, role, _ in rows} == {"ADMIN", "EDITOR", "VIEWER"}
    for email, role, team_names in rows:
        listed = [name.strip() for name in team_names.split(",") if name.strip() != "none"]
        assert people[email] == (role, listed), email


ENDED = "The session of this access token has ended; sign in again."
WRITE = "mutation { logout(input: {everywhere: true}) { revokedSessions } }"


async def end_sessions(http: httpx.AsyncClient, how: str, own: dict, admin: GraphQLClient) -> None:
    """End the sessions of the user signed in as `own`, the way `how` says."""
    if how == "logout everywhere":
        body = await post(http, LOGOUT, {"input": {"everywhere": True}}, own["accessToken"])
    elif how == "revoking one's own sessions":
        body = await post(
            http, REVOKE, {"input": {"userId": own["user"]["id"]}}, own["accessToken"]
        )
    elif how == "an admin revoking them":
        body = await admin.raw(REVOKE, {"input": {"userId": own["user"]["id"]}})
    elif how == "a password change":
        change = {"currentPassword": PASSWORD, "newPassword": "a much longer passphrase"}
        body = await post(http, PASSWORD_CHANGE, {"input": change}, own["accessToken"])
    else:  # a refresh token presented again after it was used
        await refreshed(http, own["refreshToken"])
        body = await refreshed(http, own["refreshToken"])
        refused(body)
        return
    assert "errors" not in body, body


@pytest.mark.parametrize(
    "how",
    [
        "logout everywhere",
        "revoking one's own sessions",
        "an admin revoking them",
        "a password change",
        "a replayed refresh token",
    ],
)
async def test_access_tokens_stop_working_as_soon_as_their_sessions_end(
    http, gql: GraphQLClient, pinned, how
):
    # given: signed in on two devices
    user = await person(email="ended@example.com")
    laptop = await sign_in(http, "ended@example.com")
    phone = await sign_in(http, "ended@example.com")

    # when: at the same moment (the access tokens have 15 minutes left)
    await end_sessions(http, how, laptop, gql)

    # then: reads and writes with either token are refused, and nothing was written
    before = await models.RefreshToken.filter(user_id=user.pk).values_list("revoked_at", flat=True)
    for session in (laptop, phone):
        refused(await post(http, ME, token=session["accessToken"]), ENDED)
        refused(await post(http, WRITE, token=session["accessToken"]), ENDED)
    after = await models.RefreshToken.filter(user_id=user.pk).values_list("revoked_at", flat=True)
    assert after == before


async def test_the_session_a_password_change_hands_out_keeps_working(http, pinned):
    # given
    await person(email="changer@example.com")
    old = await sign_in(http, "changer@example.com")
    change = {"currentPassword": PASSWORD, "newPassword": "a much longer passphrase"}

    # when
    body = await post(http, PASSWORD_CHANGE, {"input": change}, old["accessToken"])

    # then
    new = body["data"]["passwordChange"]["session"]
    assert (await post(http, ME, token=new["accessToken"]))["data"]["me"]["email"] == (
        "changer@example.com"
    )
    renewed = (await refreshed(http, new["refreshToken"]))["data"]["refreshToken"]
    assert (await post(http, ME, token=renewed["accessToken"]))["data"]["me"]


async def test_after_a_replay_the_other_sessions_refresh_into_working_tokens(http, pinned):
    # given: a stolen session replayed; another device of the same person
    await person(email="replayed@example.com")
    stolen = await sign_in(http, "replayed@example.com")
    other = await sign_in(http, "replayed@example.com")
    await refreshed(http, stolen["refreshToken"])
    refused(await refreshed(http, stolen["refreshToken"]))

    # when
    renewed = (await refreshed(http, other["refreshToken"]))["data"]["refreshToken"]

    # then
    refused(await post(http, ME, token=other["accessToken"]), ENDED)
    assert (await post(http, ME, token=renewed["accessToken"]))["data"]["me"]


async def test_logging_out_one_session_leaves_other_access_tokens_alone(http):
    # given
    await person(email="two@example.com")
    laptop = await sign_in(http, "two@example.com")
    phone = await sign_in(http, "two@example.com")

    # when
    await post(
        http, LOGOUT, {"input": {"refreshToken": laptop["refreshToken"]}}, laptop["accessToken"]
    )

    # then
    assert (await post(http, ME, token=phone["accessToken"]))["data"]["me"]


async def test_a_changed_role_applies_to_the_next_request(http):
    # given: an editor signed in, then made a viewer
    user = await person(Role.EDITOR, email="demoted@example.com")
    session = await sign_in(http, "demoted@example.com")
    await models.User.filter(id=user.pk).update(role=Role.VIEWER)

    # when
    me = await post(http, ME, token=session["accessToken"])

    # then
    assert me["data"]["me"]["role"] == "VIEWER"
