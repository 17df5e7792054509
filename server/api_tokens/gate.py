"""Scopes and rate limits of an API token at the endpoints beside GraphQL (exports,
imports): the same rules as in the API, so a token cannot reach more through them.

An export needs READ and an import WRITE (`server.api_tokens.scopes`); each request
counts against the token's requests per minute, shared with its GraphQL requests, and
every answer to a token carries the `RateLimit-*` headers. A person's session passes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from server.api_tokens.rate_limits import TokenRateLimits
from server.enums import ApiScope
from server.json_errors import error_response


class TokenGate:
    def __init__(self, limits: TokenRateLimits) -> None:
        self.limits = limits

    def refusal(self, request: Request, needed: ApiScope) -> JSONResponse | None:
        """Why a token may not make this request (None when it may, or for a session)."""
        actor = getattr(request.scope.get("user"), "actor", None)
        token_id = getattr(actor, "token_id", None)
        if actor is None or token_id is None:
            return None
        if needed not in (actor.scopes or ()):
            return self._with_headers(
                request,
                error_response(
                    403,
                    "FORBIDDEN",
                    f"This token lacks the {needed.value} scope this needs.",
                    scope=needed.value,
                ),
            )
        refused = self.limits.admit_request(token_id)
        if refused is not None:
            response = error_response(
                429,
                "RATE_LIMITED",
                refused.message,
                measure=refused.measure,
                value=refused.value,
                limit=refused.limit,
                retryAfter=refused.retry_after,
            )
            response.headers["Retry-After"] = str(refused.retry_after)
            return self._with_headers(request, response)
        return None

    def headers(self, request: Request) -> dict[str, str]:
        """The token's `RateLimit-*` headers (none for a session)."""
        actor = getattr(request.scope.get("user"), "actor", None)
        token_id = getattr(actor, "token_id", None)
        return {} if token_id is None else self.limits.headers(token_id)

    def _with_headers(self, request: Request, response: JSONResponse) -> JSONResponse:
        response.headers.update(self.headers(request))
        return response


