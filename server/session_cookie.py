"""The cookie that holds the web client's refresh token, and who may ask for it.

The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
it), Secure when the server is reached over HTTPS, and sent only to /auth, never to the
API: the GraphQL API authenticates by Bearer token alone.

Requests to /auth must also carry `X-Throughline-Client`, which a form on another site
cannot send and a script on another site cannot send without a CORS preflight that is
never granted; and an Origin, when the browser sends one, must be this server's own.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from server import clock
from server.settings import Settings

COOKIE = "throughline_refresh"
COOKIE_PATH = "/auth"
CLIENT_HEADER = "x-throughline-client"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _secure(request: Request, settings: Settings) -> bool:
    return request.url.scheme == "https" or settings.public_url.startswith("https:")


def refusal(request: Request, settings: Settings) -> str | None:
    """Why this request may not touch the cookie (it may come from another site), or None."""
    if not request.headers.get(CLIENT_HEADER):
        return f"Send the {CLIENT_HEADER} header: these endpoints serve the web client."
    origin = request.headers.get("origin")
    if origin is not None and origin.lower() not in {
        _origin(str(request.url)),
        _origin(settings.public_url),
    }:
        return "Requests from another site are refused."
    return None


def presented(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def store(
    response: Response, request: Request, settings: Settings, token: str, expires_at: datetime
) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(int((expires_at - clock.now()).total_seconds()), 0),
        path=COOKIE_PATH,
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def clear(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        secure=_secure(request, settings),
        httponly=True,
        samesite="strict",
    )
