"""Every Date and DateTime argument of the API is held to the supported range here.

Once the schema is built, each field that takes a Date or DateTime (directly, in a list
or anywhere in an input object) gets its resolver wrapped by `refusing_unsupported`,
so no resolver, today's or tomorrow's, can forget the check. The values are read as
graphql-core coerced them (input objects as dicts keyed by GraphQL names), so the path
of a value is the name a client sent. Outside the range (`server.dates`):

- a mutation whose payload has `userErrors` answers with one error per value (code
  OUT_OF_RANGE, `field` the path inside `input`, such as `startsAt`), writing nothing;
- any other field is refused with BAD_USER_INPUT naming the argument.

Malformed text (`2026-13-01`) never gets this far: the scalars refuse it while
coercing, as BAD_USER_INPUT.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.core.errors import BadUserInput
from schema.core.mutations import UserError
from server.dates import problem_with
from server.writes.errors import UserErrorCode
from server.writes.plain import plain

DATE_SCALARS = frozenset({"Date", "DateTime"})
PAYLOAD_ERRORS = "userErrors"
MUTATION_INPUT = "input"


def carries_dates(input_type: GraphQLInputType, seen: set[str] | None = None) -> bool:
    """Whether a value of this input type can hold a Date or DateTime anywhere."""
    named = get_named_type(input_type)
    if named.name in DATE_SCALARS:
        return True
    if not isinstance(named, GraphQLInputObjectType):
        return False
    seen = set() if seen is None else seen
    if named.name in seen:
        return False
    seen.add(named.name)
    return any(carries_dates(field.type, seen) for field in named.fields.values())


def unsupported(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, reason) of every date or time outside the range within a coerced value."""
    if isinstance(value, date):
        problem = problem_with(value)
        if problem is not None:
            yield path, problem
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from unsupported(item, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unsupported(item, f"{path}.{index}")


def _payload_class(field: GraphQLField) -> type | None:
    """The class of a mutation payload with `userErrors`, else None."""
    returned = get_named_type(field.type)
    if not isinstance(returned, GraphQLObjectType) or PAYLOAD_ERRORS not in returned.fields:
        return None
    definition = (returned.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return getattr(definition, "origin", None)


def _refused_payload(payload: type, found: list[tuple[str, str]]) -> Any:
    values: dict[str, Any] = {f.name: None for f in dataclasses.fields(payload) if f.init}
    values["user_errors"] = [
        UserError(field=path, code=UserErrorCode.OUT_OF_RANGE, message=plain(f"`{path}`: {reason}"))
        for path, reason in found
    ]
    return payload(**values)


def refusing_unsupported(field: GraphQLField) -> None:
    """Wrap the field's resolver so out-of-range dates never reach it."""
    resolve = field.resolve or default_field_resolver
    payload = _payload_class(field)

    def checked(source: Any, info: Any, **arguments: Any) -> Any:
        found: list[tuple[str, str]] = []
        for name, value in arguments.items():
            inside = "" if payload is not None and name == MUTATION_INPUT else name
            found.extend(unsupported(value, inside))
        if not found:
            return resolve(source, info, **arguments)
        if payload is not None:
            return _refused_payload(payload, found)
        path, reason = found[0]
        raise BadUserInput(f"`{path}`: {reason}", argument=path)

    checked.supported_dates = True  # type: ignore[attr-defined]
    field.resolve = checked


def hold_dates_to_supported_range(schema: GraphQLSchema) -> None:
    """Wrap every field of `schema` that takes a Date or DateTime argument (once)."""
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            if getattr(field.resolve, "supported_dates", False):
                continue
            if any(carries_dates(argument.type) for argument in field.args.values()):
                refusing_unsupported(field)
