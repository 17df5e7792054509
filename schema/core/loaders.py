"""Loader bases: one SELECT per batch of keys, whatever the number of keys.

Loaders are created per request by `LoaderRegistry`, never shared between requests,
so no cached row can leak from one user's request into another's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeVar

from tortoise.models import Model

from schema.core.batching import BatchLoader, BatchScheduler
from schema.core.ids import MAX_DATABASE_ID

L = TypeVar("L", bound=BatchLoader)


class ByIdLoader(BatchLoader):
    """Rows by primary key (archived rows included: they still exist)."""

    model: ClassVar[type[Model]]

    async def batch_load(self, keys: Sequence[int]) -> list[Any]:
        possible = [key for key in set(keys) if 0 < key <= MAX_DATABASE_ID]
        rows = await self.model.filter(id__in=possible) if possible else []
        by_id = {row.pk: row for row in rows}
        return [by_id.get(key) for key in keys]


class RowsByKeyLoader(BatchLoader):
    """Live (unarchived) rows grouped by a foreign key, in the model's default order."""

    model: ClassVar[type[Model]]
    key_field: ClassVar[str]
    archivable: ClassVar[bool] = True

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
    share the request's batch scheduler."""

    def __init__(self) -> None:
        self.scheduler = BatchScheduler()
        self._loaders: dict[type[BatchLoader], BatchLoader] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self.scheduler)
        return loader  # type: ignore[return-value]
