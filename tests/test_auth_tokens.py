"""Attacks on sign-in: every forged, stale or replayed token is UNAUTHENTICATED and
changes nothing. Bad access tokens are minted with pyjwt directly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
import jwt
import pytest
from argon2 import PasswordHasher, Type

from server import models, passwords
from server.enums import Role
from server.settings import SettingsError, load_settings
from server.signing_key import SECRET_FILE, signing_secret
from server.tokens import AUDIENCE, ISSUER
from tests import factories
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"

try:
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError:  # optional: only this attack needs it
    rsa = None

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken }
}
"""
REFRESH = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken }
}
"""
LOGOUT_EVERYWHERE = """
mutation { logout(input: {everywhere: true}) { revokedSessions } }
"""
ME = "{ me { id email } }"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "hasher", cheap)


async def post(
    http: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
    authorization: str | None = None,
) -> dict:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code < 500, response.text
    return response.json()


def unauthenticated(body: dict) -> str:
    """The message of the single UNAUTHENTICATED error of a refused request."""
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    return error["message"]


async def sign_in(http: httpx.AsyncClient, email: str) -> dict:
    body = await post(http, LOGIN, {"input": {"email": email, "password": PASSWORD}})
    assert "errors" not in body, body
    return body["data"]["login"]


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> dict:
    return await post(http, REFRESH, {"input": {"refreshToken": refresh_token}})


async def victim() -> models.User:
    return await factories.user(
        role=Role.ADMIN,
        email="victim@example.com",
        password_hash=passwords.hash_password(PASSWORD),
    )


async def state() -> tuple:
    """What an attack must leave as it was."""
    tokens = (
        await models.RefreshToken.all()
        .order_by("id")
        .values_list("id", "token_hash", "used_at", "revoked_at")
    )
    users = await models.User.all().order_by("id").values_list("id", "password_hash", "version")
    return tokens, users, await models.HistoryEntry.all().count()


# --- access tokens ---------------------------------------------------------------------


def claims(user_id: int, **changes) -> dict:
    now = int(time.time())
    standard = {
        "sub": str(user_id),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "typ": "access",
    }
    standard.update(changes)
    return {name: value for name, value in standard.items() if value is not None}


def signed(payload: dict, key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unsigned(user_id: int) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(user_id))}."


def tampered_signature(user_id: int) -> str:
    token = signed(claims(user_id))
    head, _, signature = token.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{flipped}"


def tampered_payload(user_id: int) -> str:
    """A real token of someone else with the subject rewritten to the victim."""
    header, _, signature = signed(claims(user_id + 1000)).split(".")
    return f"{header}.{b64(claims(user_id))}.{signature}"


def hs512(user_id: int) -> str:
    """The right secret, another HMAC (pyjwt itself refuses a key this short for HS512)."""
    head = f"{b64({'alg': 'HS512', 'typ': 'JWT'})}.{b64(claims(user_id))}"
    mac = hmac.new(TEST_SECRET.encode(), head.encode(), hashlib.sha512).digest()
    return f"{head}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def rs256(user_id: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return signed(claims(user_id), key, "RS256")


def hs256_with_public_header(user_id: int) -> str:
    """HS256 again, but the header asks for RS256 (algorithm confusion)."""
    token = signed(claims(user_id))
    _, payload, signature = token.split(".")
    return f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{payload}.{signature}"


def bearer(make_token: Callable[[int], str], name: str, **marks):
    """An attack sending `Bearer <token made for the victim's id>`."""
    return pytest.param(lambda uid: f"Bearer {make_token(uid)}", id=name, **marks)


def with_claims(**changes) -> Callable[[int], str]:
    return lambda uid: signed(claims(uid, **changes))


def soon(seconds: int) -> int:
    return int(time.time()) + seconds


ATTACKS: list = [
    pytest.param(lambda uid: None, id="missing"),
    pytest.param(lambda uid: "Bearer ", id="empty bearer"),
    pytest.param(lambda uid: "Bearer not-a-token", id="malformed"),
    pytest.param(lambda uid: "Bearer a.b.c", id="three garbage parts"),
    pytest.param(lambda uid: f"Basic {signed(claims(uid))}", id="not a bearer scheme"),
    pytest.param(lambda uid: signed(claims(uid)), id="no scheme"),
    bearer(lambda uid: signed(claims(uid, exp=soon(-60))), "expired"),
    bearer(lambda uid: signed(claims(uid, nbf=soon(600))), "not yet valid (nbf)"),
    bearer(lambda uid: signed(claims(uid, iat=soon(600))), "issued in the future (iat)"),
    bearer(with_claims(aud="another-api"), "wrong audience"),
    bearer(with_claims(iss="someone-else"), "wrong issuer"),
    bearer(with_claims(exp=None), "no expiry"),
    bearer(with_claims(aud=None), "no audience"),
    bearer(with_claims(iss=None), "no issuer"),
    bearer(with_claims(iat=None), "no issued-at"),
    bearer(with_claims(sub=None), "no subject"),
    bearer(with_claims(sub="admin"), "subject not a number"),
    bearer(with_claims(sub=str(2**40)), "subject out of range"),
    bearer(with_claims(sub="999999"), "subject of nobody"),
    bearer(with_claims(typ="refresh"), "wrong typ"),
    bearer(with_claims(typ=None), "no typ"),
    bearer(tampered_signature, "tampered signature"),
    bearer(tampered_payload, "tampered payload"),
    bearer(unsigned, "alg none"),
    bearer(lambda uid: signed(claims(uid), "another-secret-" + "y" * 32), "another key"),
    bearer(hs512, "HS512"),
    bearer(hs256_with_public_header, "RS256 header on an HS256 token"),
    bearer(
        rs256,
        "RS256",
        marks=pytest.mark.skipif(
            rsa is None, reason="minting an RS256 token needs the `cryptography` package"
        ),
    ),
]


@pytest.mark.parametrize("authorization_of", ATTACKS)
async def test_a_bad_access_token_signs_nobody_in(
    http, authorization_of: Callable[[int], str | None]
):
    # given: a victim with a live session, and a token made to act as them
    user = await victim()
    await sign_in(http, "victim@example.com")
    before = await state()
    authorization = authorization_of(user.pk)

    # when
    read = await post(http, ME, authorization=authorization)
    write = await post(http, LOGOUT_EVERYWHERE, authorization=authorization)

    # then
    assert unauthenticated(read)
    assert unauthenticated(write)
    assert await state() == before


async def test_an_archived_users_access_token_stops_working(http):
    # given
    user = await victim()
    access = (await sign_in(http, "victim@example.com"))["accessToken"]
    await factories.archive(user)
    before = await state()

    # when
    read = await post(http, ME, authorization=f"Bearer {access}")
    write = await post(http, LOGOUT_EVERYWHERE, authorization=f"Bearer {access}")

    # then
    assert "disabled" in unauthenticated(read)
    unauthenticated(write)
    assert await state() == before


@pytest.mark.parametrize(
    "authorization",
    ["Bearer {token}", "bearer {token}", "BEARER {token}", "  Bearer   {token}  "],
)
async def test_the_bearer_scheme_is_read_loosely(http, authorization):
    # given
    await victim()
    token = (await sign_in(http, "victim@example.com"))["accessToken"]

    # when
    body = await post(http, ME, authorization=authorization.format(token=token))

    # then
    assert body["data"]["me"]["email"] == "victim@example.com"


# --- refresh tokens ---------------------------------------------------------------------


async def test_a_refresh_token_replayed_after_rotation_ends_the_session(http):
    # given: the thief and the owner both hold the first token; the owner refreshed
    user = await victim()
    first = await sign_in(http, "victim@example.com")
    second = (await refresh(http, first["refreshToken"]))["data"]["refreshToken"]

    # when
    replay = await refresh(http, first["refreshToken"])

    # then: refused, and the successor is revoked too
    unauthenticated(replay)
    unauthenticated(await refresh(http, second["refreshToken"]))
    assert await models.RefreshToken.filter(revoked_at__isnull=True).count() == 0
    (entry,) = await models.HistoryEntry.filter(node_type="User", node_id=user.pk)
    assert entry.actor_id is None
    assert entry.changes == {"live_sessions": {"before": 1, "after": 0}}


async def test_a_replay_leaves_the_users_other_sessions_alone(http):
    # given
    await victim()
    stolen = await sign_in(http, "victim@example.com")
    other = await sign_in(http, "victim@example.com")
    await refresh(http, stolen["refreshToken"])

    # when
    unauthenticated(await refresh(http, stolen["refreshToken"]))

    # then
    assert "errors" not in await refresh(http, other["refreshToken"])


@pytest.mark.parametrize("token", ["revoked", "unknown", "empty", "an access token"])
async def test_a_refresh_token_that_was_never_or_is_no_longer_valid_is_refused(http, token):
    # given
    await victim()
    session = await sign_in(http, "victim@example.com")
    await post(
        http,
        "mutation($t: String) { logout(input: {refreshToken: $t}) { revokedSessions } }",
        {"t": session["refreshToken"]},
        authorization=f"Bearer {session['accessToken']}",
    )
    presented = {
        "revoked": session["refreshToken"],
        "unknown": "x" * 43,
        "empty": "",
        "an access token": session["accessToken"],
    }[token]
    before = await state()

    # when
    body = await refresh(http, presented)

    # then
    assert unauthenticated(body) == "The refresh token is not valid (any more); sign in again."
    assert await state() == before


async def test_an_archived_users_refresh_token_is_refused(http):
    # given
    user = await victim()
    session = await sign_in(http, "victim@example.com")
    await factories.archive(user)
    before = await state()

    # when
    body = await refresh(http, session["refreshToken"])

    # then
    unauthenticated(body)
    assert await state() == before


# --- what a signed-out request may do --------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        ME,
        "{ __typename me { id } }",
        "query { ...Sneaky } fragment Sneaky on Query { me { id } }",
        "query { ... on Query { me { id } } }",
        "{ __schema { queryType { name } } }",
        "{ goals { totalCount } }",
        LOGOUT_EVERYWHERE,
        'mutation { login(input: {email: "a@b.c", password: "x"}) { accessToken } '
        "logout(input: {everywhere: true}) { revokedSessions } }",
    ],
)
async def test_signed_out_only_signing_in_answers(http, query):
    # given
    await victim()
    before = await state()

    # when
    body = await post(http, query)

    # then
    assert unauthenticated(body).startswith("Sign in first")
    assert await state() == before


async def test_signed_out_typename_login_refresh_and_health_answer(http):
    # given
    await victim()

    # when
    typename = await post(http, "{ __typename }")
    session = await sign_in(http, "victim@example.com")
    refreshed = await refresh(http, session["refreshToken"])
    health = await http.get("/healthz")

    # then
    assert typename["data"] == {"__typename": "Query"}
    assert refreshed["data"]["refreshToken"]["accessToken"]
    assert health.status_code == 200


# --- the signing secret ----------------------------------------------------------------


def test_without_a_configured_secret_one_is_generated_once_and_kept(tmp_path):
    # given
    settings = load_settings(env={"THROUGHLINE_DATA_DIR": str(tmp_path / "data")})
    path = tmp_path / "data" / SECRET_FILE

    # when
    first = signing_secret(settings)
    written = path.read_text(encoding="utf-8")
    second = signing_secret(replace(settings))

    # then
    assert second == first
    assert len(first) >= 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == written
    assert first not in (ROOT / "server" / "signing_key.py").read_text(encoding="utf-8")


def test_a_configured_secret_wins_and_writes_no_file(tmp_path):
    # given
    secret = "z" * 40
    settings = load_settings(
        env={"THROUGHLINE_DATA_DIR": str(tmp_path), "THROUGHLINE_JWT_SECRET": secret}
    )

    # when
    used = signing_secret(settings)

    # then
    assert used == secret
    assert not (tmp_path / SECRET_FILE).exists()


def test_a_short_secret_is_a_one_line_settings_error():
    # when
    with pytest.raises(SettingsError) as refused:
        load_settings(env={"THROUGHLINE_JWT_SECRET": "too-short"})

    # then
    assert "THROUGHLINE_JWT_SECRET must be at least 32 characters" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_server_will_not_start_with_a_short_secret(tmp_path):
    # when
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "THROUGHLINE_JWT_SECRET": "too-short"},
    )

    # then
    assert done.returncode == 2
    assert "THROUGHLINE_JWT_SECRET" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / SECRET_FILE).exists()
