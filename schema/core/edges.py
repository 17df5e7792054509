"""Field factories for the graph's edges, so every edge pages and batches the same way.

This module deliberately avoids `from __future__ import annotations`: the resolvers
built here carry real annotations that Strawberry reads at schema build time.
"""

from typing import Any

import strawberry

from schema.core.batching import BatchLoader
from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.loaders import ModelServed

PAGE_ARGS_HELP = "Cursor pagination: `first`/`after` forwards, `last`/`before` backwards."


def to_one(loader: type[BatchLoader], key: str, node_type: Any, description: str) -> Any:
    """An edge to at most one node, through the foreign key attribute `key`; a plain
    lookup when the read model serves the loader."""

    def looked_up(root: strawberry.Parent[Any], info: Info):
        fk = getattr(root, key)
        return None if fk is None else info.context.served(loader, fk)

    async def resolve(root: strawberry.Parent[Any], info: Info):
        fk = getattr(root, key)
        return None if fk is None else await info.context.loader(loader).load(fk)

    chosen = looked_up if issubclass(loader, ModelServed) else resolve
    chosen.__annotations__["return"] = node_type
    return strawberry.field(resolver=chosen, description=description)


async def paged(info: Info, loader: type[BatchLoader], key: Any, first, after, last, before):
    """Validate paging arguments, then page the rows the loader fetched for `key`."""
    page = page_args(first, after, last, before)
    rows = await info.context.loader(loader).load(key)
    return connection_from_list(rows, page)


def paged_served(info: Info, loader: type[BatchLoader], key: Any, first, after, last, before):
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


def to_many(loader: type[BatchLoader], node_type: Any, description: str) -> Any:
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

    if issubclass(loader, ModelServed):
        looked_up.__annotations__["return"] = Connection[node_type]
        return strawberry.field(resolver=looked_up, description=f"{description} {PAGE_ARGS_HELP}")

    async def resolve(
        root: strawberry.Parent[Any],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ):
        return await paged(info, loader, root.pk, first, after, last, before)

    resolve.__annotations__["return"] = Connection[node_type]
    return strawberry.field(resolver=resolve, description=f"{description} {PAGE_ARGS_HELP}")


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
        for edge, target in zip(links.edges, targets, strict=True):
            edge.node = target
        links.nodes = targets
        return links

    resolve.__annotations__["return"] = Connection[node_type]
    return strawberry.field(resolver=resolve, description=f"{description} {PAGE_ARGS_HELP}")
