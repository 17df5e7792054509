"""Errors a client may see, each with a stable `extensions.code`.

Deliberate errors subclass `ApiError`; everything else is masked as
INTERNAL_SERVER_ERROR by `ErrorCodes` so no internal detail reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from server import faults

log = logging.getLogger("throughline.errors")

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
CONFLICT = "CONFLICT"
RATE_LIMITED = "RATE_LIMITED"


class ApiError(Exception):
    """An error meant for the client: its message is shown as is."""

    code = BAD_USER_INPUT

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, **details}


class BadUserInput(ApiError):
    code = BAD_USER_INPUT


class NotFound(ApiError):
    code = NOT_FOUND


class Unauthenticated(ApiError):
    code = UNAUTHENTICATED


class Forbidden(ApiError):
    code = FORBIDDEN


class Conflict(ApiError):
    code = CONFLICT


class QueryTooComplex(ApiError):
    code = QUERY_TOO_COMPLEX


class RateLimited(ApiError):
    """Try again after `retryAfter` seconds."""

    code = RATE_LIMITED

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retryAfter=retry_after)


def _with_code(error: GraphQLError, code: str, message: str | None = None) -> GraphQLError:
    return GraphQLError(
        message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code},
    )


def classify(error: GraphQLError) -> GraphQLError:
    """Give every error a code; hide the text of unexpected ones."""
    original = error.original_error
    if isinstance(original, ApiError):
        return _with_code(error, original.code)
    if (error.extensions or {}).get("code"):
        return error
    if original is None:
        # Parse and validation errors: the request itself is wrong.
        return _with_code(error, BAD_USER_INPUT)
    if isinstance(original, GraphQLError) and original.original_error is None:
        # Raised by graphql-core while coercing arguments and variables.
        return _with_code(error, BAD_USER_INPUT)
    if faults.database_unavailable(original):
        log.warning("database unavailable at %s: %s", error.path, faults.describe(original))
        return _with_code(error, faults.SERVICE_UNAVAILABLE, faults.MESSAGE)
    log.error("unexpected error at %s", error.path, exc_info=original)
    return _with_code(error, INTERNAL_SERVER_ERROR, "Internal server error.")


class ErrorCodes(SchemaExtension):
    """Post-process every result so each error carries `extensions.code`."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [classify(e) for e in result.errors]
