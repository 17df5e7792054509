"""What an export's rows hold: named columns, and values that read two ways.

A row is a tuple in its kind's column order. Values are None, text, booleans, integers,
exact decimals (already rounded as the API shows them), dates, times, lists of those,
or `Item`s: a structured value (an aligned key result with its share) written as an
object in JSON lines and as a short phrase in CSV.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class Item:
    """A structured value: `fields` in JSON lines, `text` in a CSV cell."""

    fields: Mapping[str, Any]
    text: str


Row = tuple[Any, ...]
Rows = Iterator[Row]


def columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, description) for name, description in pairs)
