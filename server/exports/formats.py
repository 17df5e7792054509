"""CSV (RFC 4180) and JSON lines, written from rows in chunks of bytes.

CSV: a header row of the column names, then one record per row; fields holding a comma,
a double quote, CR or LF are quoted, quotes doubled, records end with CR LF. Decimals
are written as the API writes them (`1250.00`, `-0.2500`), dates and times in ISO 8601,
booleans as `true`/`false`, nothing as an empty field, lists joined by `; `.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR, which
some of them skip first) as a formula, so a title like `=HYPERLINK(...)` could act on
whoever opens the file. A text cell starting with one of those gets a leading
apostrophe, which spreadsheets show as text and do not display; numbers, dates and
booleans are never text cells, so `-0.25` stays a number. JSON lines are not read by
spreadsheets and carry every value as it is.

JSON lines: one object per row, keys in column order, decimals as strings (exact, as the
API sends them), dates and times as ISO strings, lists as arrays, items as objects.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson

from server.exports.columns import Column, Item, Row

CHUNK_BYTES = 64 * 1024
"""Bytes gathered before a chunk is handed on: large enough to keep per-chunk costs
small, small enough that a chunk is never a meaningful part of memory."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
LIST_SEPARATOR = "; "


class Format(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


CONTENT_TYPES = {
    Format.CSV: "text/csv; charset=utf-8; header=present",
    Format.JSONL: "application/x-ndjson; charset=utf-8",
}


def guarded(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return FORMULA_GUARD + text if text.startswith(FORMULA_STARTS) else text


def _plain(value: Any) -> str:
    """A value as text, unguarded (a part of a list, or a non-text value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | Decimal | int):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Item):
        return value.text
    return str(value)


def csv_cell(value: Any) -> str:
    if isinstance(value, str | Item):
        return guarded(_plain(value))
    if isinstance(value, list | tuple):
        return guarded(LIST_SEPARATOR.join(_plain(each) for each in value))
    return _plain(value)


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Item):
        return {name: json_value(each) for name, each in value.fields.items()}
    if isinstance(value, list | tuple):
        return [json_value(each) for each in value]
    if isinstance(value, dict):
        return {str(name): json_value(each) for name, each in value.items()}
    return str(value)


class _Pending:
    """Where the CSV writer puts each record, until a chunk's worth is there."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def taken(self) -> bytes:
        chunk = "".join(self.parts).encode()
        self.parts, self.size = [], 0
        return chunk


def csv_chunks(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    pending = _Pending()
    writer = csv.writer(pending, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if pending.size >= CHUNK_BYTES:
            yield pending.taken()
    if pending.size:
        yield pending.taken()


def jsonl_chunks(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    names = [column.name for column in columns]
    parts: list[bytes] = []
    size = 0
    for row in rows:
        line = orjson.dumps(
            {name: json_value(value) for name, value in zip(names, row, strict=True)}
        )
        parts.append(line + b"\n")
        size += len(line) + 1
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def encoded(format: Format, columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """The file, in chunks of about `CHUNK_BYTES`."""
    if format is Format.CSV:
        return csv_chunks(columns, rows)
    return jsonl_chunks(columns, rows)
