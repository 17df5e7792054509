"""Work shared per snapshot (`server.rollups.shared.Shared`): started once for all who
ask, forgotten when it fails, left running when a waiter gives up (no database)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from server.rollups.shared import Shared

TODAY, TOMORROW = date(2026, 1, 5), date(2026, 1, 6)


class Work:
    """Work that counts its starts and finishes when released (or fails when told)."""

    def __init__(self, *, failures: int = 0) -> None:
        self.started = 0
        self.failures = failures
        self.release = asyncio.Event()

    async def __call__(self) -> str:
        self.started += 1
        await self.release.wait()
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the database went away")
        return f"result {self.started}"


async def test_work_starts_once_for_everyone_who_asks():
    # given
    shared, work = Shared(None), Work()  # type: ignore[arg-type]
    waiters = [asyncio.create_task(shared.get(TODAY, "engine", work)) for _ in range(3)]
    await asyncio.sleep(0)

    # when
    work.release.set()

    # then
    assert await asyncio.gather(*waiters) == ["result 1"] * 3
    assert await shared.get(TODAY, "engine", work) == "result 1"
    assert work.started == 1


async def test_a_failed_attempt_is_forgotten():
    # given
    shared, work = Shared(None), Work(failures=1)  # type: ignore[arg-type]
    work.release.set()
    with pytest.raises(RuntimeError):
        await shared.get(TODAY, "engine", work)

    # when
    result = await shared.get(TODAY, "engine", work)

    # then
    assert result == "result 2"


async def test_a_waiter_giving_up_leaves_the_work_running():
    # given
    shared, work = Shared(None), Work()  # type: ignore[arg-type]
    impatient = asyncio.create_task(shared.get(TODAY, "engine", work))
    await asyncio.sleep(0)

    # when
    impatient.cancel()
    work.release.set()

    # then
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert await shared.get(TODAY, "engine", work) == "result 1"
    assert work.started == 1


async def test_a_new_day_starts_afresh():
    # given
    shared, work = Shared(None), Work()  # type: ignore[arg-type]
    work.release.set()
    await shared.get(TODAY, "engine", work)

    # when
    tomorrow = await shared.get(TOMORROW, "engine", work)

    # then
    assert tomorrow == "result 2"
    assert await shared.get(TOMORROW, "engine", work) == "result 2"
