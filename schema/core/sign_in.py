"""Signed-out requests may only sign in: everything else answers UNAUTHENTICATED.

The refusal comes before validation: validating a document may take far longer than
reading its top-level fields, and a caller who may not run it should not cost that.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.core.errors import UNAUTHENTICATED

PUBLIC_ROOT_FIELDS = frozenset({"login", "refreshToken", "__typename"})


def root_field_names(document, operation_name: str | None) -> set[str] | None:
    """Names of the operation's top-level fields, through fragments; None when the
    document names no single operation (validation reports that)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.kind == "fragment_definition"
    }
    names: set[str] = set()
    seen: set[str] = set()

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    walk(fragments[name].selection_set)

    walk(operation.selection_set)
    return names


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
