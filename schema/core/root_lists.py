"""Root lists paged by keyset cursors: a cursor holds the row's sort key and ID with
the list's identity (its name and ordering), so a page starts after the same row however
many rows were inserted before it, and a cursor of another list or ordering is refused.

One COUNT for `totalCount`, then one SELECT of the page (none when the list is empty).
"""

from __future__ import annotations

import json
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.core.connection import MAX_PAGE_SIZE, Connection, Edge, PageInfo, page_args
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import decode_opaque, encode_opaque
from server import keyset
from server.listing import Order


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


async def root_connection(
    info: Info,
    queryset: QuerySet,
    order: Order,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    """A page of a filtered root list in `order`."""
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
    total = await queryset.count()
    backwards = page.last is not None and page.first is None
    size = page.last if backwards else (page.first if page.first is not None else MAX_PAGE_SIZE)
    rows: list[Any] = []
    if total:  # one row past the page tells whether more follow (even for 0)
        sorted_rows = order.reversed().apply(bounded) if backwards else order.apply(bounded)
        rows = list(await sorted_rows.limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, before is not None
    else:
        cut = page.last is not None and len(rows) > page.last
        rows = rows[len(rows) - page.last :] if cut else rows
        has_previous, has_next = after is not None or cut, more or before is not None
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
