"""Field factories for the graph's edges, so every edge pages the same way, each a plain
lookup in the read model.

This module deliberately avoids `from __future__ import annotations`: the resolvers
built here carry real annotations that Strawberry reads at schema build time.
"""

from typing import Any

import strawberry

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.loaders import ModelServed

PAGE_ARGS_HELP = "Cursor pagination: `first`/`after` forwards, `last`/`before` backwards."


def to_one(loader: type[ModelServed], key: str, node_type: Any, description: str) -> Any:
    """An edge to at most one node, through the foreign key attribute `key`: a plain
    lookup in the read model."""

    def looked_up(root: strawberry.Parent[Any], info: Info):
        fk = getattr(root, key)
        return None if fk is None else info.context.served(loader, fk)

    looked_up.__annotations__["return"] = node_type
    return strawberry.field(resolver=looked_up, description=description)


def paged_served(info: Info, loader: type[ModelServed], key: Any, first, after, last, before):
    """Validate paging arguments, then page what the read model holds for `key`."""
    page = page_args(first, after, last, before)
    return connection_from_list(info.context.served(loader, key), page)


def served_targets(
    info: Info,
    loader: type[ModelServed],
    key: Any,
    page: tuple,
    target_loader: type[ModelServed],
    target_key: str | None,
):
    """Page the link rows `loader` holds for `key`, then look up only that page's
    targets (by the links' `target_key`, or the links themselves when they are bare
    IDs)."""
    links = paged_served(info, loader, key, *page)
    keys = [link if target_key is None else getattr(link, target_key) for link in links.nodes]
    return links, [info.context.served(target_loader, each) for each in keys]


def to_many(loader: type[ModelServed], node_type: Any, description: str) -> Any:
    """A paged edge to the rows `loader` groups under this node's primary key."""

    def looked_up(
        root: strawberry.Parent[Any],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ):
        return paged_served(info, loader, root.pk, first, after, last, before)

    looked_up.__annotations__["return"] = Connection[node_type]
    return strawberry.field(resolver=looked_up, description=f"{description} {PAGE_ARGS_HELP}")


def to_many_through(
    loader: type[ModelServed],
    target_loader: type[ModelServed],
    target_key: str | None,
    node_type: Any,
    description: str,
) -> Any:
    """A paged edge over link rows (memberships, or bare IDs when `target_key` is None)
    where only the targets of the requested page are looked up."""

    def resolve(
        root: strawberry.Parent[Any],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ):
        page = (first, after, last, before)
        links, targets = served_targets(info, loader, root.pk, page, target_loader, target_key)
        links.nodes = targets  # edges, when read, are built over the targets
        return links

    resolve.__annotations__["return"] = Connection[node_type]
    return strawberry.field(resolver=resolve, description=f"{description} {PAGE_ARGS_HELP}")
