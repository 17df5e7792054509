"""Risks raised and cleared: the computed risk set compared with the one last recorded.

Risks are computed from the whole organisation (`server.rollups`), not written by any
one change, so no write can say which risks it raised. Instead a background step
compares, per data version (and day: some risks come with time alone), the risks of
the current state with the set recorded in `risk_state`, writes `risk.raised` and
`risk.cleared` events for the difference, and records the new set, in one transaction
under the `risks` step lock: each difference is written once, whichever process sees
it first. A risk is identified by its kind, its node and the other nodes involved; its
severity rising raises it again. The first run records the set without events.

What it guarantees: every risk present at some data version a process computed, and
absent at the last recorded one, gets one `risk.raised` (and the reverse one
`risk.cleared`). A risk that comes and goes between two computations (two writes in
quick succession) is not reported; the events of one step carry no actor.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tortoise.transactions import in_transaction

from server import clock, models
from server.events.catalogue import EventType
from server.events.log import append
from server.events.steps import ensure_step, handled, lock_step
from server.global_ids import encode_global_id
from server.read_model import Snapshot
from server.rollups.risks import SEVERITY_RANK, Risk, Severity
from server.rollups.shared import shared_rollups
from server.settings import Thresholds

STEP = "risks"


def risk_key(risk: Risk) -> str:
    """Kind, subject and the others involved; hashed when too long for the column."""
    nodes = ",".join(f"{model.__name__}:{pk}" for model, pk in risk.nodes)
    key = f"{risk.kind.value}|{nodes}"
    return (
        key if len(key) <= 200 else f"{risk.kind.value}|#{hashlib.sha256(key.encode()).hexdigest()}"
    )


def _shown(risk: Risk) -> dict[str, Any]:
    return {
        "kind": risk.kind.value,
        "severity": risk.severity.value,
        "message": risk.message,
        "related": [encode_global_id(model.__name__, pk) for model, pk in risk.related],
    }


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    names = (before or after or {}).keys()
    return {
        name: {
            "before": None if before is None else before[name],
            "after": None if after is None else after[name],
        }
        for name in names
    }


async def record_risk_changes(snapshot: Snapshot, thresholds: Thresholds) -> int:
    """Compare the risks of `snapshot` with those recorded and write the events; how
    many were written (0 when another process already handled this version)."""
    today = clock.today()
    await ensure_step(STEP)
    step = await models.EventStep.get(name=STEP)
    if handled(step, snapshot, today.isoformat()):
        return 0
    engine = await shared_rollups(snapshot, today, thresholds, calendar=True)
    current = {risk_key(risk): risk for risk in engine.all_risks}
    written = 0
    async with in_transaction():
        step = await lock_step(STEP)
        if handled(step, snapshot, today.isoformat()):
            return 0
        baseline = step.epoch == ""
        stored = {row.key: row for row in await models.RiskState.all()}
        now = clock.now()
        for key, risk in current.items():
            row = stored.get(key)
            before = None if row is None else {**_shown(risk), "severity": row.severity}
            rose = (
                row is not None
                and SEVERITY_RANK[risk.severity] > SEVERITY_RANK[Severity(row.severity)]
            )
            if not baseline and (row is None or rose):
                model, pk = risk.node
                await append(
                    EventType.RISK_RAISED, model.__name__, pk, _changes(before, _shown(risk)), now
                )
                written += 1
        for key, row in stored.items():
            if key not in current and not baseline:
                shown = {
                    "kind": row.kind,
                    "severity": row.severity,
                    "message": row.message,
                    "related": [],
                }
                await append(
                    EventType.RISK_CLEARED, row.node_type, row.node_id, _changes(shown, None), now
                )
                written += 1
        await models.RiskState.filter(key__in=list(stored.keys() - current.keys())).delete()
        for key, risk in current.items():
            row = stored.get(key)
            values = {
                "kind": risk.kind.value,
                "severity": risk.severity.value,
                "message": risk.message,
            }
            if row is None:
                model, pk = risk.node
                await models.RiskState.create(
                    key=key,
                    node_type=model.__name__,
                    node_id=pk,
                    kind=values["kind"],
                    severity=values["severity"],
                    message=values["message"],
                )
            elif (row.kind, row.severity, row.message) != tuple(values.values()):
                await models.RiskState.filter(key=key).update(**values)
        await models.EventStep.filter(name=STEP).update(
            epoch=snapshot.epoch, data_version=snapshot.version, day=today.isoformat()
        )
    return written
