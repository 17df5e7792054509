"""The one shape every refusal outside GraphQL takes: GraphQL's own `errors` list.

Clients read `errors[0].extensions.code` whether GraphQL, a token check, an upload or
an export refused them. Refusals are never cached: they answer one caller at one time.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

NO_STORE = {"Cache-Control": "no-store"}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: object,
) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})
