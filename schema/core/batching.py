"""Request-wide batching: every loader's pending keys are fetched in rounds.

A plain DataLoader dispatches its batch on the next turn of the event loop, so how
loads group into batches depends on timing: a cached row, or one query finishing
sooner than another, lets some resolvers run ahead and split the next batch in two.
Then the number of SQL statements would depend on the data. Here one scheduler per
request waits until every resolver of the request is blocked on a load (several turns
of the loop pass with no new load from the request), then runs all pending batches
together as one round; loads of already cached keys also resolve at the next round.
Resolvers therefore advance in lock-step, and the statements a query sends depend only
on its shape.

The quiet turns are counted on this request's own activity alone. Looking at the
loop's shared ready queue instead would let two requests settling at the same time
see each other's turns forever and never start a round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

# Consecutive turns of the loop without a new load before a round starts: more than
# the turns graphql-core takes from a filled future to the next resolver's load.
QUIET_TURNS = 12


class BatchScheduler:
    """Collects pending loads of one request and runs them round by round."""

    def __init__(self) -> None:
        self._pending: dict[BatchLoader, None] = {}
        self._deferred: list[tuple[asyncio.Future, asyncio.Future]] = []
        self._activity = 0
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._runner: asyncio.Task | None = None
        self.rounds = 0

    def enqueue(self, loader: BatchLoader) -> None:
        self._pending[loader] = None
        self._wake()

    def defer(self, waiter: asyncio.Future, cached: asyncio.Future) -> None:
        """Resolve `waiter` like `cached`, but only at the next round."""
        self._deferred.append((waiter, cached))
        self._wake()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark database work done outside loaders (root lists, traces); rounds wait
        until it is done, so it must not itself wait for a load."""
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            self._activity += 1
            if self._busy == 0:
                self._idle.set()

    def _wake(self) -> None:
        self._activity += 1
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._run())

    async def _settle(self) -> None:
        quiet = 0
        while quiet < QUIET_TURNS:
            if self._busy:
                await self._idle.wait()
                quiet = 0
                continue
            seen = self._activity
            await asyncio.sleep(0)
            quiet = quiet + 1 if self._activity == seen else 0

    async def _run(self) -> None:
        while self._pending or self._deferred:
            await self._settle()
            loaders, self._pending = list(self._pending), {}
            deferred, self._deferred = self._deferred, []
            self.rounds += 1
            await asyncio.gather(*(loader.dispatch() for loader in loaders))
            for waiter, cached in deferred:
                _copy_outcome(cached, waiter)


def _copy_outcome(source: asyncio.Future, target: asyncio.Future) -> None:
    """Settle `target` as `source` was settled (following it if it is still pending)."""
    if target.done():
        return
    if not source.done():
        source.add_done_callback(lambda done: _copy_outcome(done, target))
    elif source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


class BatchLoader:
    """A per-request loader: `load(key)` returns a future filled by `batch_load(keys)`,
    which must return one value per key, in key order."""

    def __init__(self, scheduler: BatchScheduler) -> None:
        self.scheduler = scheduler
        self._cache: dict[Hashable, asyncio.Future] = {}
        self._queue: list[Hashable] = []

    async def batch_load(self, keys: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    def load(self, key: Hashable) -> Awaitable[Any]:
        loop = asyncio.get_running_loop()
        cached = self._cache.get(key)
        if cached is None:
            future = self._cache[key] = loop.create_future()
            self._queue.append(key)
            self.scheduler.enqueue(self)
            return future
        waiter = loop.create_future()
        self.scheduler.defer(waiter, cached)
        return waiter

    async def load_many(self, keys: Sequence[Hashable]) -> list[Any]:
        return list(await asyncio.gather(*(self.load(key) for key in keys)))

    async def dispatch(self) -> None:
        keys, self._queue = self._queue, []
        if not keys:
            return
        futures = [self._cache[key] for key in keys]
        try:
            values = await self.batch_load(keys)
            if len(values) != len(keys):
                raise RuntimeError(
                    f"{type(self).__name__}.batch_load returned {len(values)} values "
                    f"for {len(keys)} keys"
                )
        except Exception as error:  # every waiting resolver sees the failure
            for key, future in zip(keys, futures, strict=True):
                self._cache.pop(key, None)
                if not future.done():
                    future.set_exception(error)
            return
        for future, value in zip(futures, values, strict=True):
            if not future.done():
                future.set_result(value)


LoaderFactory = Callable[[BatchScheduler], BatchLoader]
