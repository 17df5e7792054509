"""Background steps over the event log that one process at a time may run.

Each step has a row in `event_step`; a process takes its lock for the length of one
transaction (SELECT ... FOR UPDATE on PostgreSQL; on SQLite a write transaction holds
the database's write lock from its start), so two processes never run it at once.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import models
from server.read_model import Snapshot


async def ensure_step(name: str) -> None:
    """The step's row exists (made by the first process that needs it)."""
    if await models.EventStep.filter(name=name).exists():
        return
    try:
        async with in_transaction():
            await models.EventStep.create(name=name)
    except IntegrityError:
        pass  # another process made it meanwhile


async def lock_step(name: str) -> models.EventStep:
    """The step's row, locked until the surrounding transaction ends."""
    return await models.EventStep.filter(name=name).select_for_update().get()


def handled(step: models.EventStep, snapshot: Snapshot, day: str) -> bool:
    """Whether this version (or a later one of the same database) was recorded on `day`,
    for a step that compares each data version and day with what it recorded."""
    return (
        step.epoch == snapshot.epoch and step.data_version >= snapshot.version and step.day >= day
    )
