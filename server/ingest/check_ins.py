"""Check-ins sent by a metric source, as bulk entries.

A key result's current value is the value of its latest live check-in (by measuring
time, then by key), as a single check-in makes it. Every key result with a created or
changed check-in moves to a new version and records CHECKED_IN with the check-ins of
the batch; one re-sent unchanged changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server import clock, models
from server.enums import HistoryAction
from server.history import plain
from server.ingest.containers import Containers
from server.ingest.kind import Kind, Written
from server.permissions import Actor
from server.writes.checks import MAX_TEXT, Checker
from server.writes.key_results import checked_in_at_of, measure_of, refuse_measured


def _clean(check: Checker, sent: Mapping[str, Any]) -> dict[str, Any]:
    check.required("keyResultId", sent.get("key_result_id"))
    at = sent.get("checked_in_at")
    note = sent.get("note") or ""
    return {
        "key_result_id": sent.get("key_result_id"),
        "value": measure_of(check, "value", sent.get("value")),
        "note": check.text("note", note, max_length=MAX_TEXT, required=False, multiline=True),
        # Required here: a measurement sent again must name the same moment.
        "checked_in_at": checked_in_at_of(check, at) if check.required("checkedInAt", at) else None,
    }


def _not_measured(check: Checker, columns: dict[str, Any], containers: Containers) -> None:
    """A key result measured from its campaigns' results takes no check-in."""
    key_result = containers.get(models.KeyResult, columns["key_result_id"])
    if not isinstance(key_result, models.KeyResult):
        return
    refused = refuse_measured(key_result, "keyResultId")
    if refused is not None:
        check.fail(refused.field, refused.code, refused.message)


def _author(actor: Actor) -> dict[str, Any]:
    return {"author_id": actor.user_id}


async def _current_values(
    actor: Actor, written: Written, containers: Containers
) -> list[models.HistoryEntry]:
    """Bring each touched key result's current value to its latest check-in."""
    check_ins: dict[int, list[int]] = {}
    for row, _ in [(row, None) for row in written.created] + written.updated:
        check_ins.setdefault(row.key_result_id, []).append(row.pk)  # type: ignore[attr-defined]
    for _, before in written.updated:
        check_ins.setdefault(before["key_result_id"], [])
    if not check_ins:
        return []
    latest: dict[int, Any] = {}
    rows = (
        await models.CheckIn.filter(key_result_id__in=sorted(check_ins), archived_at=None)
        .order_by("key_result_id", "-checked_in_at", "-id")
        .values_list("key_result_id", "value")
    )
    for key_result_id, value in rows:
        latest.setdefault(key_result_id, value)
    now = clock.now()
    changed: list[models.KeyResult] = []
    history = []
    for key_result_id, ids in sorted(check_ins.items()):
        key_result = containers.get(models.KeyResult, key_result_id)
        if not isinstance(key_result, models.KeyResult):
            continue
        changes: dict[str, Any] = {"check_in_ids": {"before": None, "after": sorted(ids)}}
        current = latest.get(key_result_id, key_result.current_value)
        if plain(current) != plain(key_result.current_value):
            changes["current_value"] = {
                "before": plain(key_result.current_value),
                "after": plain(current),
            }
        key_result.current_value = current
        key_result.version += 1
        key_result.updated_at = now
        changed.append(key_result)
        history.append(
            models.HistoryEntry(
                node_type="KeyResult",
                node_id=key_result.pk,
                actor_id=actor.user_id,
                at=now,
                action=HistoryAction.CHECKED_IN,
                changes=changes,
            )
        )
    if changed:
        await models.KeyResult.bulk_update(changed, ["current_value", "version", "updated_at"])
    return history


CHECK_INS = Kind(
    name="check-ins",
    model=models.CheckIn,
    fields={
        "key_result_id": "keyResultId",
        "value": "value",
        "checked_in_at": "checkedInAt",
        "note": "note",
    },
    references={"key_result_id": models.KeyResult},
    clean=_clean,
    required=frozenset({"key_result_id", "value", "checked_in_at"}),
    fit=_not_measured,
    new_columns=_author,
    effects=_current_values,
)
