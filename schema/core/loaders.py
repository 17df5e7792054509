"""Loader bases: one SELECT per batch of keys, whatever the number of keys.

Loaders are created per request by `LoaderRegistry`, never shared between requests,
so no cached row can leak from one user's request into another's.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, TypeVar

from tortoise.models import Model

from schema.core.batching import BatchLoader, BatchScheduler
from schema.core.ids import MAX_DATABASE_ID
from server.read_model import Snapshot

L = TypeVar("L", bound=BatchLoader)


class ModelServed(BatchLoader):
    """A loader answered from the request's snapshot of the read model, when it has
    one, with no statement and no waiting for a batch; from SQL otherwise."""

    snapshot: Snapshot | None = None

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        raise NotImplementedError

    def served(self, key: Any) -> Any:
        """The value for `key`, looked up at once (only with a snapshot)."""
        assert self.snapshot is not None
        return self.from_snapshot(self.snapshot, key)

    def load(self, key: Hashable) -> Awaitable[Any]:
        if self.snapshot is None:
            return super().load(key)
        future = asyncio.get_running_loop().create_future()
        future.set_result(self.from_snapshot(self.snapshot, key))
        return future

    async def load_many(self, keys: Sequence[Hashable]) -> list[Any]:
        if self.snapshot is None:
            return await super().load_many(keys)
        return [self.from_snapshot(self.snapshot, key) for key in keys]


class ByIdLoader(ModelServed):
    """Rows by primary key (archived rows included: they still exist)."""

    model: ClassVar[type[Model]]

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return snapshot.row(self.model, key)

    async def batch_load(self, keys: Sequence[int]) -> list[Any]:
        possible = [key for key in set(keys) if 0 < key <= MAX_DATABASE_ID]
        rows = await self.model.filter(id__in=possible) if possible else []
        by_id = {row.pk: row for row in rows}
        return [by_id.get(key) for key in keys]


class RowsByKeyLoader(ModelServed):
    """Live (unarchived) rows grouped by a foreign key, in the model's default order.

    A subclass that narrows `query` must narrow `from_snapshot` the same way."""

    model: ClassVar[type[Model]]
    key_field: ClassVar[str]
    archivable: ClassVar[bool] = True

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return snapshot.children(self.model, self.key_field, key)

    def query(self, keys: Iterable[int]):
        queryset = self.model.filter(**{f"{self.key_field}__in": list(set(keys))})
        if self.archivable:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    async def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in await self.query(keys):
            grouped[getattr(row, self.key_field)].append(row)
        return [grouped.get(key, []) for key in keys]


class LoaderRegistry:
    """Creates each loader class at most once per request, on first use; all of them
    share the request's batch scheduler and its snapshot of the read model."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.scheduler = BatchScheduler()
        self.snapshot = snapshot
        self._loaders: dict[type[BatchLoader], BatchLoader] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self.scheduler)
            if isinstance(loader, ModelServed):
                loader.snapshot = self.snapshot
        return loader  # type: ignore[return-value]
