"""Signed-out requests may only sign in: everything else answers UNAUTHENTICATED. And
a request signs in at most once, so one request cannot carry a batch of guesses.

The refusal comes before validation: validating a document may take far longer than
reading its top-level fields, and a caller who may not run it should not cost that.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    parse,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.core.errors import UNAUTHENTICATED

LOGIN = "login"
PUBLIC_ROOT_FIELDS = frozenset({LOGIN, "refreshToken", "__typename"})
MAX_LOGINS = 1


def root_fields(document: DocumentNode, operation_name: str | None) -> list[FieldNode] | None:
    """The operation's top-level fields, through fragments; None when the document
    names no single operation (validation reports that)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.kind == "fragment_definition"
    }
    fields: list[FieldNode] = []
    seen: set[str] = set()

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    walk(fragments[name].selection_set)

    walk(operation.selection_set)
    return fields


def root_field_names(document: DocumentNode, operation_name: str | None) -> set[str] | None:
    fields = root_fields(document, operation_name)
    return None if fields is None else {field.name.value for field in fields}


def logins_in(query: object, operation_name: object, max_tokens: int) -> int:
    """How many times an operation signs in: its `login` fields with distinct response
    names (aliases run once each; repeats of one name merge into one). A document that
    does not parse within `max_tokens` runs nothing and counts as none."""
    if not isinstance(query, str) or LOGIN not in query:
        return 0
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return 0
    name = operation_name if isinstance(operation_name, str) else None
    fields = root_fields(document, name) or []
    return len({(f.alias or f.name).value for f in fields if f.name.value == LOGIN})


class SignInRequired(SchemaExtension):
    """Answers a signed-out operation that asks for more than signing in, unvalidated.
    Runs after the limits, whose refusal (already set) it leaves in place."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if (
            context.context.actor is None
            and context.graphql_document is not None
            and not context.pre_execution_errors
        ):
            names = root_field_names(context.graphql_document, context.operation_name)
            if names is None or not names <= PUBLIC_ROOT_FIELDS:
                # Strawberry skips its validation when errors are already set.
                context.pre_execution_errors = [
                    GraphQLError(
                        context.context.signed_out_reason, extensions={"code": UNAUTHENTICATED}
                    )
                ]
        yield
