"""What an operation sent with an API token may run: its scopes, then its cost per minute.

Checked after the limits have measured the operation and sign-in has let it through,
before validation, for every operation alike: a query needs READ and a mutation WRITE,
whatever its fields; an operation the token's remaining cost this minute cannot pay is
refused with RATE_LIMITED (answered 429 by `server.graphql_app`). The fast road for
known queries (`schema.core.known_queries`) makes the same checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationType
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.core.errors import FORBIDDEN, RATE_LIMITED
from server.api_tokens.scopes import listed
from server.enums import ApiScope

NEEDED = {
    OperationType.QUERY: ApiScope.READ,
    OperationType.MUTATION: ApiScope.WRITE,
    OperationType.SUBSCRIPTION: ApiScope.READ,
}
WHAT = {ApiScope.READ: "every query", ApiScope.WRITE: "every mutation"}


def missing_scope(context: Any, document: DocumentNode, operation_name: str | None):
    """The FORBIDDEN error for an operation the request's token may not run, else None."""
    actor = getattr(context, "actor", None)
    scopes = getattr(actor, "scopes", None)
    operation = get_operation_ast(document, operation_name)
    if scopes is None or operation is None:
        return None
    needed = NEEDED[operation.operation]
    if needed in scopes:
        return None
    held = ", ".join(scope.value for scope in listed(scopes)) or "none"
    return GraphQLError(
        f"This API token lacks the {needed.value} scope, which {WHAT[needed]} needs "
        f"(its scopes: {held}).",
        extensions={"code": FORBIDDEN, "scope": needed.value},
    )


def charge(context: Any, cost: int) -> GraphQLError | None:
    """Count the operation's cost against its token's minute; the RATE_LIMITED error
    when it would pass the limit (nothing is counted then)."""
    actor = getattr(context, "actor", None)
    token_id = getattr(actor, "token_id", None)
    limits = getattr(context, "rate_limits", None)
    if token_id is None or limits is None:
        return None
    refused = limits.charge_cost(token_id, cost)
    if refused is None:
        return None
    return GraphQLError(
        refused.message,
        extensions={
            "code": RATE_LIMITED,
            "measure": refused.measure,
            "value": refused.value,
            "limit": refused.limit,
            "retryAfter": refused.retry_after,
        },
    )


def refund(context: Any, cost: int) -> None:
    actor = getattr(context, "actor", None)
    token_id = getattr(actor, "token_id", None)
    limits = getattr(context, "rate_limits", None)
    if token_id is not None and limits is not None:
        limits.refund_cost(token_id, cost)


class TokenRules(SchemaExtension):
    """Refuses, unvalidated, an operation its API token may not run or cannot pay for.
    Runs after the limits and sign-in, whose refusals (already set) it leaves in place."""

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            getattr(getattr(context, "actor", None), "scopes", None) is not None
            and execution.graphql_document is not None
            and not execution.pre_execution_errors
        ):
            error = missing_scope(context, execution.graphql_document, execution.operation_name)
            if error is None:
                error = charge(context, context.budget.last_cost)
            if error is not None:
                execution.pre_execution_errors = [error]
        yield
