"""Reading JSON a client sent (a request body, or GET's `variables`) without trusting it.

It must be UTF-8 (RFC 8259), standard JSON (no NaN or Infinity, no number too long to
convert), and nested at most `MAX_DEPTH` arrays and objects deep: Python's parser gives
up around a thousand levels with a RecursionError, and graphql-core coerces variables
recursively, so a bound here keeps every later step from recursing away. Anything else
is `UnreadableJSON`, whose message is meant for the client.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""Arrays and objects inside one another, the outermost counted: a batched operation
with a filter list in its input is 6 deep."""


class UnreadableJSON(ValueError):
    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.details = details


def too_deep(what: str) -> UnreadableJSON:
    return UnreadableJSON(
        f"{what} is JSON nested more than {MAX_DEPTH} arrays and objects deep.",
        measure="depth",
        limit=MAX_DEPTH,
    )


def nesting(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in `value`, counting no further than `limit + 1`.
    Iterative, so any depth is measured without exhausting the stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def read_json(data: str | bytes, what: str = "The request body") -> Any:
    """The JSON value in `data`; `what` names it in the message of `UnreadableJSON`."""
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableJSON(
                f"{what} is not UTF-8 text (byte {error.start} cannot be read)."
            ) from None
    else:
        text = data

    def no_constant(name: str) -> None:
        raise UnreadableJSON(f"{what} is not standard JSON: {name} is not a JSON value.")

    try:
        value = json.loads(text, parse_constant=no_constant)
    except UnreadableJSON:
        raise
    except RecursionError:
        raise too_deep(what) from None
    except json.JSONDecodeError as error:
        raise UnreadableJSON(
            f"{what} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except ValueError:  # an integer past the interpreter's digit limit
        raise UnreadableJSON(f"{what} holds a number too long to read.") from None
    if nesting(value) > MAX_DEPTH:
        raise too_deep(what)
    return value
