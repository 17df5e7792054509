"""Loaders of the read model: each answers a key from the request's snapshot at once.

One instance of each loader class per request (`LoaderRegistry`), bound to the
request's snapshot, so every field of a response reads the same state and no row of one
request reaches another. Fields call `served` (a plain lookup); `load` answers a settled
future for code that awaits. What is still read with SQL per request (a node's history)
goes through Strawberry's `DataLoader`, created per request here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable, Sequence
from typing import Any, ClassVar, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from server.read_model import Snapshot

L = TypeVar("L", bound="ModelServed")


class ModelServed:
    """A loader answered from the request's snapshot of the read model."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        raise NotImplementedError

    def served(self, key: Any) -> Any:
        """The value for `key`, looked up at once."""
        return self.from_snapshot(self.snapshot, key)

    def load(self, key: Hashable) -> Awaitable[Any]:
        future = asyncio.get_running_loop().create_future()
        future.set_result(self.from_snapshot(self.snapshot, key))
        return future

    async def load_many(self, keys: Sequence[Hashable]) -> list[Any]:
        return [self.from_snapshot(self.snapshot, key) for key in keys]


class ByIdLoader(ModelServed):
    """Rows by primary key (archived rows included: they still exist)."""

    model: ClassVar[type[Model]]

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return snapshot.row(self.model, key)


class RowsByKeyLoader(ModelServed):
    """Live (unarchived) rows grouped by a foreign key, in the model's default order.

    A subclass that keeps fewer rows (or orders them otherwise) overrides
    `from_snapshot`."""

    model: ClassVar[type[Model]]
    key_field: ClassVar[str]

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return snapshot.children(self.model, self.key_field, key)


class LoaderRegistry:
    """Creates each loader class at most once per request, on first use, bound to the
    request's snapshot; and the request's `DataLoader`s for what SQL still serves."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.snapshot = snapshot
        self._loaders: dict[type[ModelServed], ModelServed] = {}
        self._data_loaders: dict[Any, DataLoader] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            if self.snapshot is None:
                raise RuntimeError("loaders read the read model; this request has none")
            loader = self._loaders[loader_class] = loader_class(self.snapshot)
        return loader  # type: ignore[return-value]

    def data_loader(self, load_fn: Any) -> DataLoader:
        """The request's `DataLoader` batching `load_fn` (one per function)."""
        loader = self._data_loaders.get(load_fn)
        if loader is None:
            loader = self._data_loaders[load_fn] = DataLoader(load_fn=load_fn)
        return loader
