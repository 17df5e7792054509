"""Every string an operation carries is refused, before anything runs, if no database
could store or compare it: one holding NUL (PostgreSQL text cannot) or a lone UTF-16
surrogate (not Unicode text; no UTF-8 encoder takes it).

Both the request's variables (all of them, keys included, whether used or not) and the
literals written in the document (arguments, input object fields, list items, variable
defaults, directive arguments) are walked, without recursion, so no present or future
argument reaches a resolver with such a string. The error is BAD_USER_INPUT and names
where the string was: `$input.filter.audiences[1]` for a variable, `goals.filter.search`
for a literal. The offending value is never echoed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectFieldNode,
    StringValueNode,
    VariableDefinitionNode,
)
from strawberry.extensions import SchemaExtension

from schema.core.errors import BAD_USER_INPUT

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def problem_with(value: str) -> str | None:
    """What makes `value` unstorable, or None."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which text may not hold"
    return "contains a lone surrogate (U+D800 to U+DFFF), which is not Unicode text"


def variable_strings(variables: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, string) of every string in the variables, keys included, in order."""
    stack: list[tuple[str, Any]] = [(f"${name}", value) for name, value in variables.items()]
    stack.reverse()
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, Mapping):
            children = []
            for key, item in value.items():
                if isinstance(key, str):
                    yield f"{path}.{key}", key
                children.append((f"{path}.{key}", item))
            stack.extend(reversed(children))
        elif isinstance(value, list | tuple):
            stack.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))


def step(node: Node) -> str | None:
    """The part of a path a document node names, if any."""
    if isinstance(node, FieldNode):
        return (node.alias or node.name).value
    if isinstance(node, ArgumentNode | ObjectFieldNode):
        return node.name.value
    if isinstance(node, VariableDefinitionNode):
        return f"${node.variable.name.value}"
    if isinstance(node, DirectiveNode):
        return f"@{node.name.value}"
    if isinstance(node, FragmentDefinitionNode):
        return f"...{node.name.value}"
    return None


# Parts of a node that hold names and types, never a value.
NO_VALUES = frozenset({"loc", "name", "alias", "type", "type_condition", "variable"})


def literal_strings(document: DocumentNode) -> Iterator[tuple[str, str]]:
    """(path, string) of every string literal in the document, in order."""
    source = document.loc.source.body if document.loc is not None else None
    if source is not None and '"' not in source:
        return  # every string literal starts with a quote: nothing to walk
    stack: list[tuple[str, Node]] = [("", node) for node in reversed(document.definitions)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, StringValueNode):
            yield path, node.value
            continue
        name = step(node)
        here = f"{path}.{name}" if path and name else name or path
        children: list[tuple[str, Node]] = []
        for key in node.keys:
            if key in NO_VALUES:
                continue
            child = getattr(node, key, None)
            if isinstance(child, Node):
                children.append((here, child))
            elif isinstance(child, tuple):
                for index, item in enumerate(child):
                    if isinstance(item, Node):
                        where = f"{here}[{index}]" if isinstance(node, ListValueNode) else here
                        children.append((where, item))
        stack.extend(reversed(children))


def first_unstorable(
    variables: Mapping[str, Any] | None, document: DocumentNode | None
) -> GraphQLError | None:
    strings: list[Iterator[tuple[str, str]]] = []
    if variables:
        strings.append(variable_strings(variables))
    if document is not None:
        strings.append(literal_strings(document))
    for found in strings:
        for path, value in found:
            problem = problem_with(value)
            if problem is not None:
                return GraphQLError(
                    f"`{path}` {problem}.",
                    extensions={"code": BAD_USER_INPUT, "argument": path},
                )
    return None


class StorableText(SchemaExtension):
    """Refuses the operation before validation when any string it carries is unstorable."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables if isinstance(context.variables, Mapping) else None
        refusal = first_unstorable(variables, context.graphql_document)
        if refusal is not None:
            context.pre_execution_errors = [refusal]  # Strawberry then skips its validation
        yield
