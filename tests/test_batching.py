"""Request-wide batch rounds: loads group by the query's shape, not by timing."""

from __future__ import annotations

import asyncio

import pytest

from schema.core.batching import BatchLoader, BatchScheduler


class Recorder(BatchLoader):
    """Returns key * 10 and records every batch it was asked for."""

    def __init__(self, scheduler: BatchScheduler, delay: float = 0.0) -> None:
        super().__init__(scheduler)
        self.batches: list[list[int]] = []
        self.delay = delay

    async def batch_load(self, keys):
        self.batches.append(sorted(keys))
        await asyncio.sleep(self.delay)
        return [key * 10 for key in keys]


async def after_turns(turns: int, loader: BatchLoader, key: int):
    """A resolver that reaches its load after `turns` turns of the event loop."""
    for _ in range(turns):
        await asyncio.sleep(0)
    return await loader.load(key)


async def test_loads_reached_at_different_times_share_one_batch():
    # given
    scheduler = BatchScheduler()
    loader = Recorder(scheduler)

    # when: resolvers arrive 0 to 20 loop turns apart
    values = await asyncio.gather(*(after_turns(turns, loader, turns) for turns in range(21)))

    # then
    assert values == [turns * 10 for turns in range(21)]
    assert loader.batches == [list(range(21))]
    assert scheduler.rounds == 1


async def test_a_cached_key_resolves_with_the_next_round_not_before():
    # given: key 1 is already cached
    scheduler = BatchScheduler()
    first, second = Recorder(scheduler), Recorder(scheduler)
    await first.load(1)

    # when: one path hits the cache, the other misses, and both then load from `second`
    async def path(key: int) -> int:
        value = await first.load(key)
        return await second.load(value)

    results = await asyncio.gather(path(1), path(2))

    # then: the cached path did not run ahead, so `second` was asked once
    assert results == [100, 200]
    assert second.batches == [[10, 20]]


async def test_next_level_loads_wait_for_slow_batches_of_the_same_round():
    # given: a slow and a fast loader in the same round
    scheduler = BatchScheduler()
    slow, fast, children = (
        Recorder(scheduler, delay=0.05),
        Recorder(scheduler),
        Recorder(scheduler),
    )

    async def path(loader: Recorder, key: int) -> int:
        return await children.load(await loader.load(key))

    # when
    await asyncio.gather(path(slow, 1), path(fast, 2))

    # then: the fast path's child load waited for the slow one's: one batch
    assert children.batches == [[10, 20]]


async def test_work_marked_busy_holds_the_round():
    # given
    scheduler = BatchScheduler()
    loader = Recorder(scheduler)

    async def root_list() -> int:
        with scheduler.busy():
            await asyncio.sleep(0.05)
        return await loader.load(2)

    # when
    await asyncio.gather(loader.load(1), root_list())

    # then
    assert loader.batches == [[1, 2]]


async def test_a_failing_batch_fails_every_waiter_and_is_retried_later():
    # given
    scheduler = BatchScheduler()

    class Flaky(Recorder):
        failures = 1

        async def batch_load(self, keys):
            if self.failures:
                self.failures -= 1
                raise RuntimeError("database went away")
            return await super().batch_load(keys)

    loader = Flaky(scheduler)

    # when
    outcomes = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
    retried = await loader.load(1)

    # then
    assert [str(outcome) for outcome in outcomes] == ["database went away"] * 2
    assert retried == 10


async def test_a_batch_with_the_wrong_number_of_values_is_an_error():
    # given
    scheduler = BatchScheduler()

    class Short(BatchLoader):
        async def batch_load(self, keys):
            return [1]

    loader = Short(scheduler)

    # then
    with pytest.raises(RuntimeError, match="returned 1 values for 2 keys"):
        await asyncio.gather(loader.load("a"), loader.load("b"))


async def test_two_requests_settling_at_the_same_time_both_get_their_round():
    # given: two requests, each with its own scheduler, loading in the same event loop
    first, second = BatchScheduler(), BatchScheduler()
    first_loader, second_loader = Recorder(first), Recorder(second)

    # when
    values = await asyncio.wait_for(
        asyncio.gather(first_loader.load(1), second_loader.load(2)), timeout=5
    )

    # then: neither waited for the other's turns to stop
    assert values == [10, 20]
    assert (first.rounds, second.rounds) == (1, 1)
