"""A query the schema has validated before, answered without the extension machinery.

Most requests repeat a handful of documents (the web client's, an integration's), and
for a small read Strawberry's per-operation pipeline cost more than the read: five
extensions built, four hook stacks entered and left, an execution context, all to
learn again that a known document passes every check. `answer_known_query` makes the
same checks in the same order as the extensions (the token and limit measures against
the request's budget, sign-in, unstorable text, the cached validation) and runs the
operation with graphql-core as Strawberry would. It answers only what ends well: a
query (never a mutation: its write must run exactly once, on the one road) that every
check admits and that runs without an error. An API token's scopes are checked and its
cost per minute charged as `schema.core.api_tokens.TokenRules` does. Anything else, it
leaves the request's budget (and the token's charge) as it found it and returns None,
and the extensions answer the operation from the start, so every refusal and error
keeps its one source.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from graphql import GraphQLError
from graphql import OperationType as Kind
from graphql.utilities import get_operation_ast
from strawberry.execution import optimized_is_awaitable
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from schema.core.api_tokens import charge, missing_scope, refund
from schema.core.budget import RequestBudget
from schema.core.documents import DocumentCache
from schema.core.limits import admit_operation, admit_tokens, cost_report, grant
from schema.core.sign_in import PUBLIC_ROOT_FIELDS, root_field_names
from schema.core.storable_text import first_unstorable
from server.settings import Limits

ENABLED = True
"""Switched off only by the tests that compare both roads."""


async def answer_known_query(
    schema: Any,
    documents: DocumentCache,
    limits: Limits,
    query: str | None,
    variables: dict[str, Any] | None,
    context: Any,
    root_value: Any,
    operation_name: str | None,
    allowed: Iterable[OperationType],
    operation_extensions: dict[str, Any] | None = None,
    prepare: Callable[[Any, frozenset[str]], Awaitable[None]] | None = None,
) -> ExecutionResult | None:
    """The answer to a known, valid query that runs without error; else None.

    `prepare(context, computations)` is awaited before the operation runs, with the
    organisation-wide computations its fields read (see `schema.core.cost_map`)."""
    budget = getattr(context, "budget", None)
    if not ENABLED or not isinstance(query, str) or not isinstance(budget, RequestBudget):
        return None
    entry = documents.valid(query)
    if entry is None or OperationType.QUERY not in allowed:
        return None
    document = entry.document
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not Kind.QUERY:
        return None
    tokens = admit_tokens(query, limits, budget, entry.tokens)
    if isinstance(tokens, GraphQLError):
        return None
    before = budget.copy()
    budget.tokens += tokens
    admission = admit_operation(
        schema._schema, document, operation_name, variables, limits, budget, entry.measures
    )
    if admission.refusal is not None or not _admitted(document, operation_name, variables, context):
        budget.restore(before)
        return None
    grant(budget, admission)
    if charge(context, admission.cost) is not None:
        budget.restore(before)
        return None
    if prepare is not None and admission.measure.computations:
        await prepare(context, admission.measure.computations)
    result = await await_maybe(
        schema._get_execute_function()(
            schema._schema,
            document,
            root_value=root_value,
            variable_values=variables,
            operation_name=operation_name,
            context_value=context,
            is_awaitable=optimized_is_awaitable,
            executor_class=schema.execution_context_class,
            **schema._get_custom_context_kwargs(operation_extensions),
        )
    )
    if getattr(result, "errors", None) or not hasattr(result, "data"):
        budget.restore(before)
        refund(context, admission.cost)
        return None
    return ExecutionResult(
        data=result.data, errors=None, extensions=cost_report(admission.cost, limits)
    )


def _admitted(
    document: Any, operation_name: str | None, variables: Mapping[str, Any] | None, context: Any
) -> bool:
    """Whether sign-in, the token's scopes and the text checks let the operation
    through, as `SignInRequired`, `TokenRules` and `StorableText` decide."""
    if getattr(context, "actor", None) is None:
        names = root_field_names(document, operation_name)
        if names is None or not names <= PUBLIC_ROOT_FIELDS:
            return False
    if missing_scope(context, document, operation_name) is not None:
        return False
    return first_unstorable(variables, document) is None
