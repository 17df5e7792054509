"""The web client's session endpoints, which keep its refresh token in a cookie.

- POST /auth/session `{"refreshToken"}`: after `login`, the client hands over the refresh
  token once; it is exchanged at once, so the copy a script saw is spent, and its
  successor becomes the cookie.
- POST /auth/refresh: exchanges the cookie for a new access token and a new cookie
  (the same rotation as the `refreshToken` mutation). Without a cookie: 204, nothing to
  restore.
- POST /auth/logout, with the Bearer access token: ends the cookie's session and clears
  the cookie.

A new session answers `{"accessToken", "accessTokenExpiresAt"}`; a refusal answers as
GraphQL does, `{"errors": [{"message", "extensions": {"code"}}]}`, and a refused refresh
also clears the cookie. See `server.session_cookie` for the cookie and CSRF guard.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextlib import suppress

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schema.core.errors import BAD_USER_INPUT, FORBIDDEN, UNAUTHENTICATED
from server import session_cookie, sessions
from server.authentication import SignedIn
from server.graphql_app import read_body, refusal_response
from server.json_errors import NO_STORE, error_response
from server.settings import Settings
from server.tokens import TokenSigner
from server.writes.errors import Invalid

MAX_BODY_BYTES = 4096




async def _token_in_body(request: Request) -> str | None:
    receive = await read_body(request.scope, request.receive, MAX_BODY_BYTES)
    try:
        body = json.loads(await Request(request.scope, receive).body())
    except ValueError:
        return None
    token = body.get("refreshToken") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None


Endpoint = Callable[[Request], Awaitable[Response]]


def session_routes(settings: Settings, signer: TokenSigner) -> list[Route]:
    def guarded(endpoint: Endpoint) -> Endpoint:
        async def checked(request: Request) -> Response:
            reason = session_cookie.refusal(request, settings)
            if reason is not None:
                return error_response(403, FORBIDDEN, reason)
            try:
                return await endpoint(request)
            except HTTPException as refused:
                return refusal_response(refused)

        return checked

    async def exchange(request: Request, token: str) -> Response:
        try:
            session = await sessions.refresh(token, signer, settings)
        except sessions.SignInRefused as refused:
            response = error_response(401, UNAUTHENTICATED, str(refused))
            session_cookie.clear(response, request, settings)
            return response
        body = {
            "accessToken": session.access_token,
            "accessTokenExpiresAt": session.access_token_expires_at.isoformat(),
        }
        response = JSONResponse(body, headers=NO_STORE)
        session_cookie.store(
            response, request, settings, session.refresh_token, session.refresh_token_expires_at
        )
        return response

    async def start(request: Request) -> Response:
        token = await _token_in_body(request)
        if token is None:
            return error_response(
                400, BAD_USER_INPUT, 'Send {"refreshToken": "<the token of login>"}.'
            )
        return await exchange(request, token)

    async def refresh(request: Request) -> Response:
        token = session_cookie.presented(request)
        if token is None:
            return Response(status_code=204, headers=NO_STORE)
        return await exchange(request, token)

    async def logout(request: Request) -> Response:
        signed_in = request.user
        if not isinstance(signed_in, SignedIn) or signed_in.token is not None:
            # An API token is no session of the web client's: it ends none.
            response = error_response(401, UNAUTHENTICATED, "Sign in first to end your session.")
        else:
            ended = 0
            token = session_cookie.presented(request)
            # A cookie naming none of this user's sessions leaves nothing of theirs to end.
            with suppress(Invalid):
                if token is not None:
                    ended = await sessions.logout(signed_in.actor, token)
            response = JSONResponse({"revokedSessions": ended}, headers=NO_STORE)
        session_cookie.clear(response, request, settings)
        return response

    return [
        Route(f"{session_cookie.COOKIE_PATH}/session", guarded(start), methods=["POST"]),
        Route(f"{session_cookie.COOKIE_PATH}/refresh", guarded(refresh), methods=["POST"]),
        Route(f"{session_cookie.COOKIE_PATH}/logout", guarded(logout), methods=["POST"]),
    ]
