"""Root lists paged by keyset cursors: a cursor holds the row's sort key and ID with
the list's identity (its name and ordering), so a page starts after the same row however
many rows were inserted before it, and a cursor of another list or ordering is refused.

Lists of the tables the read model holds are served from the request's snapshot
(`server.read_model.listing`), without a statement. The others (calendar feeds,
imported calendars) run one COUNT for `totalCount`, then one SELECT of the page (none
when the list is empty); both roads page alike and make the same cursors.
"""

from __future__ import annotations

import json
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.core.connection import (
    MAX_PAGE_SIZE,
    Connection,
    Edge,
    PageInfo,
    PageRequest,
    page_args,
)
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import decode_opaque, encode_opaque
from server import keyset
from server.listing import Order
from server.read_model.listing import Listed


def _ordering(order: Order) -> str:
    return f"{order.column}:{'desc' if order.descending else 'asc'}"


def encode_cursor(list_name: str, order: Order, key: keyset.Key) -> str:
    value, pk = key
    payload = {
        "list": list_name,
        "order": _ordering(order),
        "key": keyset.encode_value(value),
        "id": pk,
    }
    return encode_opaque(json.dumps(payload, separators=(",", ":")))


def decode_cursor(
    cursor: str, argument: str, list_name: str, order: Order, model: type[Model]
) -> keyset.Key:
    """The sort key in a cursor of this list and ordering, else BAD_USER_INPUT."""
    invalid = BadUserInput(f"`{argument}` is not a valid cursor.", argument=argument)
    try:
        payload = json.loads(decode_opaque(cursor) or "")
    except (ValueError, RecursionError):
        raise invalid from None
    if not isinstance(payload, dict) or set(payload) != {"list", "order", "key", "id"}:
        raise invalid
    if payload["list"] != list_name:
        raise BadUserInput(
            f"`{argument}` is a cursor of another list, not of `{list_name}`.",
            argument=argument,
        )
    if payload["order"] != _ordering(order):
        raise BadUserInput(
            f"`{argument}` is a cursor of another ordering of `{list_name}`; "
            "start again from the first page.",
            argument=argument,
        )
    try:
        return keyset.decode_key(model, order, payload["key"], payload["id"])
    except ValueError:
        raise invalid from None


def served_connection(
    info: Info,
    listed: Listed[Any],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    """A page of a list served from the read model, as `root_connection` pages SQL."""
    page = page_args(first, after, last, before)
    name, order, model = info.field_name, listed.order, listed.model
    after_key = None if after is None else decode_cursor(after, "after", name, order, model)
    before_key = None if before is None else decode_cursor(before, "before", name, order, model)
    backwards, size = _direction(page)
    rows = listed.page(after_key, before_key, size + 1, from_end=backwards)
    return _connection(name, order, page, len(listed), rows, size, backwards)


async def root_connection(
    info: Info,
    queryset: QuerySet,
    order: Order,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    """A page of a filtered root list read with SQL, for tables the read model does
    not hold."""
    page = page_args(first, after, last, before)
    name = info.field_name
    model = queryset.model
    bounded = queryset
    if after is not None:
        key = decode_cursor(after, "after", name, order, model)
        bounded = bounded.filter(keyset.beyond(model, order, key, forward=True))
    if before is not None:
        key = decode_cursor(before, "before", name, order, model)
        bounded = bounded.filter(keyset.beyond(model, order, key, forward=False))
    backwards, size = _direction(page)
    total = await queryset.count()
    rows: list[Any] = []
    if total:  # one row past the page tells whether more follow (even for 0)
        sorted_rows = order.reversed().apply(bounded) if backwards else order.apply(bounded)
        rows = list(await sorted_rows.limit(size + 1))
    return _connection(name, order, page, total, rows, size, backwards)


def _direction(page: PageRequest) -> tuple[bool, int]:
    """Whether the page is read backwards from its end (`last` alone), and how many
    rows it holds at most."""
    backwards = page.last is not None and page.first is None
    size = page.last if backwards else (page.first if page.first is not None else MAX_PAGE_SIZE)
    assert size is not None
    return backwards, size


def _connection(
    name: str,
    order: Order,
    page: PageRequest,
    total: int,
    rows: list[Any],
    size: int,
    backwards: bool,
) -> Connection[Any]:
    """The connection of `rows`: up to `size` + 1 rows in order (in reverse order when
    read `backwards`), the one past the page telling whether more follow."""
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, page.before is not None
    else:
        cut = page.last is not None and len(rows) > page.last
        rows = rows[len(rows) - (page.last or 0) :] if cut else rows
        has_previous, has_next = page.after is not None or cut, more or page.before is not None
    edges = [
        Edge(node=row, cursor=encode_cursor(name, order, keyset.key_of(row, order))) for row in rows
    ]
    return Connection(
        total_count=total,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        nodes=rows,
    )
