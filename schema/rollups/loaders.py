"""The request's rollup rows: whole-organisation sections, each loaded at most once.

Fields name the sections they need; every field asking in the same round shares one
batch, so a request sends one statement per section it uses, whatever the data.

What is computed over the whole organisation (every goal's progress, every risk) is
computed with the batch, on a worker thread: the event loop serves other requests
meanwhile, and the request's time limit can stop waiting for it. No field of the
request reads the rollups while that runs, since each is waiting for the batch.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from schema.core.batching import BatchLoader, BatchScheduler
from schema.core.context import Info
from schema.core.node import NODE_TYPES, TYPE_NAME_OF_MODEL
from server import clock
from server.rollups.engine import Rollups
from server.rollups.graph import OrgGraph
from server.rollups.loading import load_section
from server.rollups.progress import NodeKey
from server.rollups.sections import Section
from server.settings import Thresholds


class RollupSectionsLoader(BatchLoader):
    def __init__(self, scheduler: BatchScheduler) -> None:
        super().__init__(scheduler)
        self.graph = OrgGraph()
        self.thresholds = Thresholds()
        self._rollups: Rollups | None = None

    async def batch_load(self, keys: Sequence[Section]) -> list[bool]:
        loaded = await asyncio.gather(*(load_section(section) for section in keys))
        for section, rows in zip(keys, loaded, strict=True):
            self.graph.add(section, rows)
        await asyncio.to_thread(self.rollups().compute_organisation)
        return [True] * len(keys)

    def rollups(self) -> Rollups:
        """One engine per request: the date is read once, so every figure agrees."""
        if self._rollups is None:
            self._rollups = Rollups(self.graph, clock.today(), self.thresholds)
        return self._rollups


def thresholds_of(info: Info) -> Thresholds:
    settings = info.context.settings
    return settings.thresholds if settings is not None else Thresholds()


async def rollups(info: Info, sections: Iterable[Section]) -> Rollups:
    loader = info.context.loader(RollupSectionsLoader)
    loader.thresholds = thresholds_of(info)
    await loader.load_many(list(sections))
    return loader.rollups()


async def load_rows(info: Info, keys: Sequence[NodeKey]) -> list[Any]:
    """The model rows the computations point at (contributors, risk subjects, tasks),
    through each type's by-ID loader: one statement per type of node per round."""
    if len(keys) == 1:
        model, pk = keys[0]
        return [await info.context.loader(NODE_TYPES[TYPE_NAME_OF_MODEL[model]].loader).load(pk)]
    wanted: dict[type, list[int]] = defaultdict(list)
    for model, pk in keys:
        wanted[model].append(pk)
    found: dict[NodeKey, Any] = {}

    async def fetch(model: type, pks: list[int]) -> None:
        loader = info.context.loader(NODE_TYPES[TYPE_NAME_OF_MODEL[model]].loader)
        for pk, row in zip(pks, await loader.load_many(pks), strict=True):
            found[(model, pk)] = row

    await asyncio.gather(*(fetch(model, pks) for model, pks in wanted.items()))
    return [found[key] for key in keys]
