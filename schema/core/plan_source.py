"""An object plan written out as one Python function, the way graphql-jit does it in
JavaScript: the fields of an object are read and completed in straight-line code, a
local variable each, and the answer is one dict display.

A plan compiled from closures pays several calls per field (the field's reader, then
its completion through the null check, the pending-work check and the scalar's own
serialisation); the 10 000-node goal tree has some 45 000 fields, and those calls were
most of its time. Written out, a plain attribute is one attribute read, and a string,
a boolean or an enum member is answered by a type test or a table lookup: only the
values those tests do not recognise go through the field's general completion.

Only names the code generator checks go into the source: attribute names that are
Python identifiers, response names that are GraphQL names, and names of its own
(`v3`, `K3`); every other value is passed in through the function's globals.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
)
from strawberry.schema.types.base_scalars import isoformat

Complete = Callable[[Any, Any], Any]

RESPONSE_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*\Z")

# Scalars whose value of exactly this Python type is its own answer.
SELF_ANSWERING = {id(GraphQLString): str, id(GraphQLID): str, id(GraphQLBoolean): bool}

# Serialisers that answer a string or a number for every value of these exact types,
# or raise (then graphql-core answers the field, as it does for any failing plan).
TOTAL_SERIALISERS: dict[int, tuple[type, ...]] = {
    id(isoformat): (date, datetime, time),
    id(str): (Decimal, UUID),
    id(GraphQLFloat.coerce_output_value): (float, int),
}


INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class Unplanned(Exception):
    """The plan met something only graphql-core answers exactly; it takes over."""


@dataclass(frozen=True, slots=True)
class FieldStep:
    """One field of an object plan: its response name, how it is read from the parent
    (`attr`: a Python attribute; `call`: a request-free function of the parent;
    `bound`: the request's resolver at this index of the bound tuple; `const`: the
    answer itself) and how its value is completed."""

    name: str
    read: str
    how: Any
    complete: Complete | None
    type_: Any = None


@dataclass(frozen=True, slots=True)
class Shortcut:
    """How a leaf's value is answered without its general completion: `same` (a value
    of type `types[0]` is its own answer), `table` (an enum member, by `table`) or
    `serialise` (a value of one of `types`, by `function`), `int` (an integer within
    32 bits)."""

    nullable: bool
    kind: str
    types: tuple[type, ...] = ()
    table: dict | None = None
    function: Callable | None = None


def shortcut(type_: Any) -> Shortcut | None:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_ if nullable else type_.of_type
    own = SELF_ANSWERING.get(id(inner))
    if own is not None:
        return Shortcut(nullable, "same", (own,))
    if inner is GraphQLInt:
        return Shortcut(nullable, "int", (int,))
    if isinstance(inner, GraphQLEnumType):
        table = _enum_table(inner)
        return None if table is None else Shortcut(nullable, "table", *table)
    if isinstance(inner, GraphQLScalarType):
        function = inner.coerce_output_value
        types = TOTAL_SERIALISERS.get(id(function))
        if types is not None:
            return Shortcut(nullable, "serialise", types, function=function)
    return None


def _enum_table(enum_type: GraphQLEnumType) -> tuple[tuple[type], dict] | None:
    """The answer of each member of the Python enum behind a Strawberry enum."""
    wrapped = getattr(enum_type, "wrapped_cls", None)
    if not (isinstance(wrapped, type) and issubclass(wrapped, Enum)):
        return None
    table: dict = {}
    for member in wrapped:
        try:
            answer = enum_type.coerce_output_value(member)
        except Exception:  # then no member is answered by the table
            return None
        if not isinstance(answer, str):
            return None
        table[member] = answer
    return (wrapped,), table


def object_function(
    type_name: str,
    steps: list[FieldStep],
    instances_of: type | None,
    is_type_of: Callable | None,
    bind: Callable[[Any], Any] | None,
    slot: object,
) -> Callable[[Any, Any], dict]:
    """The function completing one object of `type_name` along `steps`.

    `instances_of` is the class every value must be an instance of (the type's own
    test, known); otherwise `is_type_of` (when set) is asked with the request's resolve
    info. `bind(request)` answers (info, resolvers) for the request once, kept in
    `request._bound[slot]`."""
    env: dict[str, Any] = {"Unplanned": Unplanned, "SLOT": slot, "BIND": bind}
    lines = ["def run(source, request):"]
    if bind is not None:
        lines += [
            "    bound = request._bound.get(SLOT)",
            "    if bound is None:",
            "        bound = request._bound[SLOT] = BIND(request)",
        ]
    if instances_of is not None:
        env["MODEL"] = instances_of
        lines.append("    if not isinstance(source, MODEL): raise Unplanned")
    elif is_type_of is not None:
        env["IS_TYPE_OF"] = is_type_of
        lines.append("    if IS_TYPE_OF(source, bound[0]) is not True: raise Unplanned")
    for index, step in enumerate(steps):
        lines += _field_lines(index, step, env)
    answer = ", ".join(f"{_response_name(step.name)!r}: v{i}" for i, step in enumerate(steps))
    lines.append(f"    return {{{answer}}}")
    code = compile("\n".join(lines), f"<plan of {type_name}>", "exec")
    exec(code, env)  # source built above from checked names only
    return env["run"]


def _field_lines(index: int, step: FieldStep, env: dict[str, Any]) -> list[str]:
    value = f"v{index}"
    if step.read == "const":
        env[f"C{index}"] = step.how
        return [f"    {value} = C{index}"]
    if step.read == "attr":
        read = f"source.{_attribute(step.how)}"
    elif step.read == "call":
        env[f"R{index}"] = step.how
        read = f"R{index}(source)"
    else:
        read = f"bound[1][{int(step.how)}](source)"
    env[f"K{index}"] = step.complete
    lines = [f"    {value} = {read}"]
    general = f"K{index}({value}, request)"
    short = shortcut(step.type_)
    if short is None:
        return [*lines, f"    {value} = {general}"]
    env[f"T{index}"] = short.types
    if short.kind == "same":
        env[f"T{index}"] = short.types[0]
        test = f"type({value}) is not T{index}"
        if short.nullable:
            test = f"{value} is not None and {test}"
        return [*lines, f"    if {test}: {value} = {general}"]
    if short.kind == "int":  # answers itself within 32 bits, as GraphQL's Int holds
        answer = (
            f"{value} if type({value}) is int and {INT_MIN} <= {value} <= {INT_MAX} "
            f"else {general}"
        )
    elif short.kind == "table":
        env[f"E{index}"], env[f"T{index}"] = short.table, short.types[0]
        answer = f"E{index}[{value}] if type({value}) is T{index} else {general}"
    else:
        env[f"S{index}"] = short.function
        answer = f"S{index}({value}) if type({value}) in T{index} else {general}"
    if short.nullable:
        return [*lines, f"    if {value} is not None: {value} = {answer}"]
    return [*lines, f"    {value} = {answer}"]


def plain_attribute(name: str) -> bool:
    """Whether `source.<name>` reads the attribute `name` (no keyword, no mangling)."""
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__")


def _attribute(name: str) -> str:
    if not plain_attribute(name):
        raise ValueError(f"not a plain attribute name: {name!r}")
    return name


def _response_name(name: str) -> str:
    if not RESPONSE_NAME.match(name):
        raise ValueError(f"not a GraphQL name: {name!r}")
    return name
