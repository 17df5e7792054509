"""Relay cursor connections: the types, page arguments, and the offset cursors of
lists paged in memory (edges over the rows a loader fetched for all parents at once,
computed lists such as risks), so the statement count never depends on the amount of
data. Root lists page in SQL by keyset (`schema.core.root_lists`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from schema.core.errors import BadUserInput
from schema.core.ids import decode_opaque, encode_opaque

MAX_PAGE_SIZE = 100
CURSOR_PREFIX = "offset:"

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="Items in the whole list, not this page.")
    page_info: PageInfo
    edges: list[Edge[T]]
    nodes: list[T]


def encode_cursor(offset: int) -> str:
    return encode_opaque(f"{CURSOR_PREFIX}{offset}")


def decode_cursor(cursor: str, argument: str) -> int:
    raw = decode_opaque(cursor) or ""
    digits = raw.removeprefix(CURSOR_PREFIX)
    valid = raw.startswith(CURSOR_PREFIX) and digits.isascii() and digits.isdigit()
    if not valid or len(digits) > 12 or encode_cursor(int(digits)) != str(cursor):
        raise BadUserInput(f"`{argument}` is not a valid cursor.", argument=argument)
    return int(digits)


@dataclass(frozen=True)
class PageRequest:
    """Validated `first/after/last/before` arguments."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            size = getattr(self, name)
            if size is None:
                continue
            if size < 0:
                raise BadUserInput(f"`{name}` must not be negative.", argument=name)
            if size > MAX_PAGE_SIZE:
                raise BadUserInput(
                    f"`{name}` must be at most {MAX_PAGE_SIZE}, got {size}.",
                    argument=name,
                    maxPageSize=MAX_PAGE_SIZE,
                )

    def window(self, total: int) -> tuple[int, int]:
        """Offsets [start, end) of the page within a list of `total` items."""
        start, end = 0, total
        if self.after is not None:
            start = min(max(start, decode_cursor(self.after, "after") + 1), total)
        if self.before is not None:
            end = max(min(end, decode_cursor(self.before, "before")), start)
        if self.first is not None:
            end = min(end, start + self.first)
        if self.last is not None:
            start = max(start, end - self.last)
        if self.first is None and self.last is None:
            end = min(end, start + MAX_PAGE_SIZE)
        return start, end


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    return PageRequest(first=first, after=after, last=last, before=before)


class OffsetPage:
    """A page of a list held in memory, shown as a `Connection`: its cursors are only
    encoded when edges or page info are read (a tree of nested connections reads
    `nodes`, and 7 000 unread cursors were a tenth of its time). `nodes` may be
    replaced before anything is read, as edges over link rows do with their targets."""

    __slots__ = ("_edges", "nodes", "start", "total_count")

    def __init__(self, items: Sequence[Any], start: int, total: int) -> None:
        self.nodes = list(items)
        self.start = start
        self.total_count = total
        self._edges: list[Edge[Any]] | None = None

    @property
    def edges(self) -> list[Edge[Any]]:
        if self._edges is None:
            start = self.start
            self._edges = [
                Edge(node=item, cursor=encode_cursor(start + i))
                for i, item in enumerate(self.nodes)
            ]
        return self._edges

    @property
    def page_info(self) -> PageInfo:
        start, count = self.start, len(self.nodes)
        return PageInfo(
            has_next_page=start + count < self.total_count,
            has_previous_page=start > 0,
            start_cursor=encode_cursor(start) if count else None,
            end_cursor=encode_cursor(start + count - 1) if count else None,
        )


def build_connection(items: Sequence[Any], start: int, total: int) -> Connection[Any]:
    """The page `items` of a list of `total`, the first at offset `start`."""
    return OffsetPage(items, start, total)  # type: ignore[return-value]


def connection_from_list(
    items: Sequence[Any], page: PageRequest, present: Callable[[Any], Any] | None = None
) -> Connection[Any]:
    """The page of `items`; `present` turns only the page's items into what the
    connection shows (a list of 25 000 risks gets 100 GraphQL objects, not 25 000)."""
    start, end = page.window(len(items))
    shown = items[start:end]
    if present is not None:
        shown = [present(item) for item in shown]
    return build_connection(shown, start, len(items))
