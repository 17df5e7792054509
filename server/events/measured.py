"""Measured key results' values moved: the computed values compared with those last
reported, as `keyResult.updated` events.

A measured key result's value (`server.measured`) is computed from its campaigns'
entries through the alignment shares, the exchange rates and the day, so the write that
moves it (a result recorded, a share or a rate changed) is about something else and
records no change of the key result. As for risks (`server.events.risks`), a background
step compares, per data version and day (an entry dated ahead starts counting on its
day), each live measured key result's value and progress, as the API shows them, with
those recorded in `measured_state`, and writes one `keyResult.updated` per key result
whose value changed (`currentValue`, and `progress` when it moved too), with no actor,
in one transaction under the `measured` step lock: once, whichever process sees it first.

The first run records without events; so does a key result's first sighting (created
measured, switched to a formula, restored: its own event says so), and one that is
archived or goes back to check-ins drops out silently. A value that moves and moves back
between two computations is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from server import clock, models
from server.events.catalogue import EventType
from server.events.log import append_all
from server.events.steps import ensure_step, handled, lock_step
from server.read_model import Snapshot
from server.rollups.arithmetic import amount, fraction
from server.rollups.engine import Rollups
from server.rollups.shared import shared_rollups
from server.settings import Thresholds

STEP = "measured"


@dataclass(frozen=True, slots=True)
class Shown:
    """A key result's value and progress as the API shows them (value None: a ratio
    without value)."""

    value: str | None
    progress: str


def shown_values(rollups: Rollups) -> dict[int, Shown]:
    """Every live measured key result's value and progress, by key result ID."""
    graph = rollups.graph
    found: dict[int, Shown] = {}
    for key_result_id in sorted(graph.key_results):
        kr = graph.key_results[key_result_id]
        if not kr.source.measured or not graph.key_result_live(key_result_id):
            continue
        value = rollups.key_result_value(key_result_id)
        progress = rollups.key_result_progress(key_result_id).progress
        found[key_result_id] = Shown(
            None if value is None else str(amount(value)), str(fraction(progress))
        )
    return found


def changes_of(before: models.MeasuredState, after: Shown) -> dict[str, dict[str, str | None]]:
    """`currentValue` before and after, and `progress` when it moved too."""
    changes = {"currentValue": {"before": before.value, "after": after.value}}
    if before.progress != after.progress:
        changes["progress"] = {"before": before.progress, "after": after.progress}
    return changes


async def record_measured_changes(snapshot: Snapshot, thresholds: Thresholds) -> int:
    """Compare the measured values of `snapshot` with those recorded and write the
    events; how many were written (0 when another process handled this version)."""
    day = clock.today()
    await ensure_step(STEP)
    step = await models.EventStep.get(name=STEP)
    if handled(step, snapshot, day.isoformat()):
        return 0
    current = shown_values(await shared_rollups(snapshot, day, thresholds, calendar=False))
    async with in_transaction():
        step = await lock_step(STEP)
        if handled(step, snapshot, day.isoformat()):
            return 0
        baseline = step.epoch == ""
        stored = {row.key_result_id: row for row in await models.MeasuredState.all()}
        now = clock.now()
        moved = [
            (key_result_id, stored[key_result_id], shown)
            for key_result_id, shown in current.items()
            if key_result_id in stored and stored[key_result_id].value != shown.value
        ]
        if not baseline:
            await append_all(
                [
                    models.Event(
                        type=EventType.KEY_RESULT_UPDATED.value,
                        node_type="KeyResult",
                        node_id=key_result_id,
                        actor_id=None,
                        at=now,
                        changes=changes_of(before, after),
                    )
                    for key_result_id, before, after in moved
                ]
            )
        await _record(stored, current)
        await models.EventStep.filter(name=STEP).update(
            epoch=snapshot.epoch, data_version=snapshot.version, day=day.isoformat()
        )
    return 0 if baseline else len(moved)


async def _record(stored: dict[int, models.MeasuredState], current: dict[int, Shown]) -> None:
    """Make `measured_state` hold `current`: gone rows deleted, new ones added, the
    changed ones updated (a few statements, whatever the number of key results)."""
    gone = sorted(stored.keys() - current.keys())
    if gone:
        await models.MeasuredState.filter(key_result_id__in=gone).delete()
    added = [
        models.MeasuredState(key_result_id=pk, value=shown.value, progress=shown.progress)
        for pk, shown in current.items()
        if pk not in stored
    ]
    if added:
        await models.MeasuredState.bulk_create(added, batch_size=1000)
    changed = []
    for pk, shown in current.items():
        row = stored.get(pk)
        if row is not None and (row.value, row.progress) != (shown.value, shown.progress):
            row.value, row.progress = shown.value, shown.progress
            changed.append(row)
    if changed:
        await models.MeasuredState.bulk_update(changed, ["value", "progress"], batch_size=1000)
