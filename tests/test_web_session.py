"""The web client's session endpoints: the refresh token as an HttpOnly, SameSite=Strict
cookie scoped to /auth, rotated on refresh, cleared on logout, refused across sites; the
GraphQL API itself never reads it."""

from __future__ import annotations

import httpx
import pytest

from server.app import create_app
from server.enums import Role
from tests.conftest import custom_settings
from tests.test_auth_sessions import ME, PASSWORD, person, post, refreshed, refused, sign_in

CLIENT = {"X-Throughline-Client": "web"}
COOKIE = "throughline_refresh"
EMAIL = "ada@example.com"


def set_cookie(response: httpx.Response) -> dict[str, str]:
    """The attributes of the one Set-Cookie header, names lower-cased, the value as `value`."""
    (header,) = response.headers.get_list("set-cookie")
    first, *attributes = (part.strip() for part in header.split(";"))
    name, _, value = first.partition("=")
    assert name == COOKIE
    parsed = {"value": value.strip('"')}
    for attribute in attributes:
        key, _, setting = attribute.partition("=")
        parsed[key.lower()] = setting
    return parsed


async def handed_over(http: httpx.AsyncClient) -> tuple[dict, httpx.Response]:
    """Sign in with `login`, then hand its refresh token to /auth/session."""
    login = await sign_in(http, EMAIL, PASSWORD)
    response = await http.post(
        "/auth/session", json={"refreshToken": login["refreshToken"]}, headers=CLIENT
    )
    assert response.status_code == 200, response.text
    return login, response


async def refresh_with(http: httpx.AsyncClient, cookie: str) -> httpx.Response:
    """POST /auth/refresh presenting `cookie`, whatever the client's jar holds."""
    http.cookies.clear()
    return await http.post("/auth/refresh", headers={**CLIENT, "Cookie": f"{COOKIE}={cookie}"})


@pytest.fixture
async def ada(db):
    return await person(Role.EDITOR, email=EMAIL, name="Ada")


async def test_the_login_refresh_token_becomes_a_strict_http_only_cookie_and_is_spent(http, ada):
    # when
    login, response = await handed_over(http)

    # then: a new access token that signs in
    body = response.json()
    assert body["accessToken"] != login["accessToken"]
    me = await post(http, ME, token=body["accessToken"])
    assert me["data"]["me"]["email"] == EMAIL
    assert response.headers["cache-control"] == "no-store"
    # a cookie no script can read, sent to /auth only and never by another site
    cookie = set_cookie(response)
    assert cookie["value"] not in (login["refreshToken"], "")
    assert "httponly" in cookie
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/auth"
    assert "secure" not in cookie  # plain HTTP here
    assert 29 * 86400 < int(cookie["max-age"]) <= 30 * 86400
    # and the token a script saw is spent
    refused(await refreshed(http, login["refreshToken"]))


@pytest.mark.parametrize(
    ("base_url", "public_url"),
    [
        pytest.param("https://testserver", None, id="reached over HTTPS"),
        pytest.param("http://testserver", "https://plans.example.com", id="behind HTTPS"),
    ],
)
async def test_the_cookie_is_secure_over_https(settings, ada, base_url, public_url):
    # given
    if public_url:
        settings = custom_settings(settings, public_url=public_url)
    transport = httpx.ASGITransport(app=create_app(settings, manage_database=False))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        # when
        _, response = await handed_over(client)

    # then
    assert "secure" in set_cookie(response)


async def test_refreshing_by_the_cookie_rotates_it_and_a_replayed_cookie_ends_the_session(
    http, ada
):
    # given
    _, started = await handed_over(http)
    first = set_cookie(started)["value"]

    # when
    response = await http.post("/auth/refresh", headers=CLIENT)

    # then
    assert response.status_code == 200
    second = set_cookie(response)["value"]
    assert second != first
    me = await post(http, ME, token=response.json()["accessToken"])
    assert me["data"]["me"]["email"] == EMAIL

    # when: someone presents the first cookie again
    replay = await refresh_with(http, first)

    # then: refused, the cookie cleared, and the whole session ended
    assert replay.status_code == 401
    assert replay.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert set_cookie(replay)["max-age"] == "0"
    later = await refresh_with(http, second)
    assert later.status_code == 401


async def test_refresh_without_a_cookie_has_nothing_to_restore(http):
    # when
    response = await http.post("/auth/refresh", headers=CLIENT)

    # then
    assert response.status_code == 204
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        pytest.param({}, "x-throughline-client", id="no client header"),
        pytest.param(
            {**CLIENT, "Origin": "https://evil.example"}, "another site", id="another origin"
        ),
    ],
)
@pytest.mark.parametrize("path", ["/auth/session", "/auth/refresh", "/auth/logout"])
async def test_requests_that_may_come_from_another_site_are_refused(
    http, ada, path, headers, reason
):
    # given
    await handed_over(http)

    # when
    response = await http.post(path, json={"refreshToken": "x"}, headers=headers)

    # then
    assert response.status_code == 403
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert reason in error["message"]
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("origin", ["http://testserver", "http://127.0.0.1:8000"])
async def test_the_servers_own_origin_is_accepted(http, ada, origin):
    # given
    await handed_over(http)

    # when
    response = await http.post("/auth/refresh", headers={**CLIENT, "Origin": origin})

    # then
    assert response.status_code == 200


async def test_logout_ends_the_cookies_session_and_clears_the_cookie(http, ada):
    # given
    _, started = await handed_over(http)
    cookie = set_cookie(started)["value"]
    token = started.json()["accessToken"]

    # when
    response = await http.post(
        "/auth/logout", headers={**CLIENT, "Authorization": f"Bearer {token}"}
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"revokedSessions": 1}
    assert set_cookie(response)["max-age"] == "0"
    again = await refresh_with(http, cookie)
    assert again.status_code == 401


async def test_logout_without_an_access_token_is_refused_and_still_clears_the_cookie(http, ada):
    # given
    await handed_over(http)

    # when
    response = await http.post("/auth/logout", headers=CLIENT)

    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert set_cookie(response)["max-age"] == "0"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"not json", 400, id="not JSON"),
        pytest.param(b'{"refreshToken": 7}', 400, id="not a string"),
        pytest.param(b'["refreshToken"]', 400, id="not an object"),
        pytest.param(b'{"refreshToken": "' + b"x" * 5000 + b'"}', 413, id="too large"),
        pytest.param(b'{"refreshToken": "not a token"}', 401, id="unknown token"),
    ],
)
async def test_a_session_hand_over_names_a_valid_refresh_token(http, body, status):
    # when
    response = await http.post(
        "/auth/session", content=body, headers={**CLIENT, "Content-Type": "application/json"}
    )

    # then
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["extensions"]["code"]


async def test_the_graphql_api_never_signs_in_by_the_cookie(http, ada):
    # given: the cookie, sent to the API as though its path allowed it
    _, started = await handed_over(http)
    cookie = set_cookie(started)["value"]

    # when
    response = await http.post(
        "/graphql", json={"query": ME}, headers={"Cookie": f"{COOKIE}={cookie}"}
    )

    # then
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
