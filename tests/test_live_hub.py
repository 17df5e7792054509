"""The per-process hub: each new event is read once for every subscriber, in ID order,
none lost between reads; a subscriber that does not keep up is dropped alone; a gap in
the IDs (PostgreSQL: an earlier ID committed later) is read again until it fills."""

from __future__ import annotations

import asyncio

from server import clock, models
from server.live.hub import Hub
from server.read_model import ReadModel


async def event(node_id: int, type: str = "task.updated") -> models.Event:
    return await models.Event.create(
        type=type, node_type="Task", node_id=node_id, at=clock.now(), changes={}
    )


def drained(queue: asyncio.Queue) -> list[int]:
    found = []
    while not queue.empty():
        found.append(queue.get_nowait().event.id)
    return found


async def started_hub(**options) -> Hub:
    hub = Hub(ReadModel(), **options)
    await event(0)  # from before anyone listened: never delivered
    return hub


async def test_each_event_is_read_once_for_every_subscriber_in_order(db: str) -> None:
    # given: two subscribers, one to node 1 only
    hub = await started_hub()
    everything = hub.subscribe(lambda e: True, lambda: None)
    node_one = hub.subscribe(lambda e: e.node_id == 1, lambda: None)
    await hub.read_new()  # starts from the newest event
    # when: three events, read in one round, then one more in the next
    first = [await event(1), await event(2), await event(1)]
    reads_before = hub.reads
    assert await hub.read_new() == 3
    assert hub.reads == reads_before + 1  # one statement for both subscribers
    later = await event(1)
    assert await hub.read_new() == 1
    assert await hub.read_new() == 0
    # then
    assert drained(everything.queue) == [e.id for e in first] + [later.id]
    assert drained(node_one.queue) == [first[0].id, first[2].id, later.id]


async def test_a_slow_subscriber_is_dropped_and_the_others_go_on(db: str) -> None:
    # given: queues of three; the slow subscriber reads nothing
    hub = await started_hub(queue_size=3)
    dropped: list[str] = []
    slow = hub.subscribe(lambda e: True, lambda: dropped.append("slow"))
    steady = hub.subscribe(lambda e: e.node_id == 7, lambda: dropped.append("steady"))
    await hub.read_new()
    # when: four events, two of them for node 7
    written = [await event(7), await event(8), await event(7), await event(8)]
    await hub.read_new()
    # then: the slow one overflowed once and got no more; the other got its two
    assert dropped == ["slow"]
    assert slow.dropped
    assert drained(slow.queue) == [e.id for e in written[:3]]
    assert drained(steady.queue) == [written[0].id, written[2].id]


async def test_an_id_committed_after_a_later_one_is_read_when_it_appears(db: str) -> None:
    # given: a hub that keeps gaps (PostgreSQL's order), having read up to some ID
    hub = await started_hub(ordered_ids=False)
    listener = hub.subscribe(lambda e: True, lambda: None)
    await hub.read_new()
    base = hub.cursor
    assert base is not None
    # when: the row after it is not there yet, the one after that is
    late = await models.Event.create(
        id=base + 2, type="task.updated", node_type="Task", node_id=1, at=clock.now(), changes={}
    )
    await hub.read_new()
    assert hub.holes.keys() == {base + 1}
    early = await models.Event.create(
        id=base + 1, type="task.updated", node_type="Task", node_id=1, at=clock.now(), changes={}
    )
    await hub.read_new()
    # then: both, in the order they became visible, and the hole is closed
    assert drained(listener.queue) == [late.id, early.id]
    assert hub.holes == {}


async def test_the_first_subscriber_starts_from_the_newest_event(db: str) -> None:
    hub = await started_hub()
    await event(1)
    subscriber = hub.subscribe(lambda e: True, lambda: None)
    await hub.read_new()  # finds where the log ends
    assert await hub.read_new() == 0
    assert drained(subscriber.queue) == []
