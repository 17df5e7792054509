"""Key result writes: create, update, archive, and check in a new value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from server import clock, models
from server.enums import HistoryAction, KeyResultSource, MeasureUnit, ResultMetric
from server.measured.source import MANUAL, checked, columns_of, source_of
from server.permissions import Actor, authorize, require_writer
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.goals import (
    description_of,
    live_goal,
    lock_rows,
    number_of,
    owner_of,
    required_value,
    title_of,
    weight_of,
)
from server.writes.unit import (
    archive,
    check_version,
    fetch_for_write,
    save_changes,
    save_new,
    transactional,
)

Code = UserErrorCode
# How far ahead of the server's clock a check-in may be dated (clients' clocks drift).
CHECK_IN_CLOCK_TOLERANCE = timedelta(minutes=5)


def currency_of(check: Checker, unit: MeasureUnit | None, currency: str | None) -> str | None:
    """A known currency for a CURRENCY key result; none for any other unit."""
    currency = (currency or "").strip() or None
    if unit == MeasureUnit.CURRENCY:
        if currency is None:
            check.fail("currency", Code.REQUIRED, "`currency` is required when `unit` is CURRENCY.")
            return None
        return check.currency("currency", currency)
    if currency is not None and unit is not None:
        check.fail(
            "currency",
            Code.INVALID,
            f"`currency` applies only when `unit` is CURRENCY (`unit` is {unit.value}).",
        )
    return None


def target_differs(
    check: Checker, start: Decimal | None, target: Decimal | None, *, blame: str
) -> None:
    """Progress is measured from start to target, so they must differ."""
    if start is not None and target is not None and start == target:
        check.fail(
            blame,
            Code.TARGET_EQUALS_START,
            f"`targetValue` must differ from `startValue` (both are {target.normalize():f}).",
        )


def measure_of(check: Checker, field: str, value: Decimal | None) -> Decimal | None:
    return number_of(check, field, required_value(check, field, value))


SourceSent = tuple[KeyResultSource | None, ResultMetric | None, ResultMetric | None]
"""A source as sent: its kind, metric and base metric."""


def source_columns(check: Checker, sent: SourceSent | None) -> dict[str, Any]:
    """The source columns of what was sent (MANUAL when nothing was)."""
    found = MANUAL if sent is None else checked(check, *sent)
    return columns_of(found) if found is not None else {}


def refuse_measured(key_result: models.KeyResult, field: str = "id") -> UserError | None:
    """Why a check-in on `key_result` is refused, when its value is computed."""
    source = source_of(key_result)
    if not source.measured:
        return None
    return UserError(
        field,
        Code.MEASURED,
        f"This key result is measured from its campaigns' results ({source.describe()}, "
        f"source {source.kind.value}); its value is computed, so it takes no check-in. "
        "Record result or spend entries on its campaigns, or set its source to MANUAL.",
    )


@transactional
async def create_key_result(
    actor: Actor,
    *,
    goal_id: int | None,
    title: str | None,
    description: str | None,
    unit: MeasureUnit | None,
    currency: str | None,
    start_value: Decimal | None,
    target_value: Decimal | None,
    current_value: Decimal | None,
    due_date: date | None,
    weight: Decimal | None,
    owner_id: int | None,
    source: SourceSent | None = None,
) -> models.KeyResult:
    """A new key result of a live goal; its current value starts at `start_value`
    unless given (a measured one's is computed, and the stored value is kept for when it
    goes back to check-ins)."""
    require_writer(actor)
    check = Checker()
    goal = await live_goal(check, "goalId", goal_id, required=True)
    if goal is not None:
        # Refuse a goal the actor may not write for before judging the rest of the input.
        await authorize(actor, models.KeyResult(goal_id=goal.pk), as_assignee=False)
    unit = unit or MeasureUnit.NUMBER
    start = measure_of(check, "startValue", start_value)
    target = measure_of(check, "targetValue", target_value)
    target_differs(check, start, target, blame="targetValue")
    current = (
        number_of(check, "currentValue", current_value) if current_value is not None else start
    )
    fields = {
        "goal_id": goal.pk if goal is not None else None,
        "title": title_of(check, title),
        "description": description_of(check, description),
        "unit": unit,
        "currency": currency_of(check, unit, currency),
        "start_value": start,
        "target_value": target,
        "current_value": current,
        "due_date": required_value(check, "dueDate", due_date),
        "weight": weight_of(check, weight) if weight is not None else Decimal(1),
        "owner_id": await owner_of(check, owner_id),
        **source_columns(check, source),
    }
    check.done()
    return await save_new(actor, models.KeyResult(**fields))


KEY_RESULT_UPDATE_FIELDS = frozenset(
    {
        "goal_id",
        "title",
        "description",
        "unit",
        "currency",
        "start_value",
        "target_value",
        "due_date",
        "weight",
        "owner_id",
        "source",
    }
)


@transactional
async def update_key_result(
    actor: Actor, key_result_id: int, version: int, sent: Mapping[str, Any]
) -> models.KeyResult:
    """Change the fields in `sent` (attribute name -> value; absent means unchanged).

    The rules hold for the result of the change: start and target combine the sent and
    the stored values; a unit other than CURRENCY drops the stored currency. Moving it
    to another goal is authorised on that goal's team as well (by `save_changes`). The
    current value moves only through check-ins."""
    unknown = sent.keys() - KEY_RESULT_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"not key result fields: {sorted(unknown)}")
    key_result = await fetch_for_write(actor, models.KeyResult, key_result_id)
    check_version(key_result, version)
    check = Checker()
    changes: dict[str, Any] = {}
    if "goal_id" in sent:
        goal = await live_goal(check, "goalId", sent["goal_id"], required=True)
        changes["goal_id"] = goal.pk if goal is not None else None
    if "title" in sent:
        changes["title"] = title_of(check, sent["title"])
    if "description" in sent:
        changes["description"] = description_of(check, sent["description"])
    if "unit" in sent:
        changes["unit"] = required_value(check, "unit", sent["unit"])
    if "unit" in sent or "currency" in sent:
        unit = changes.get("unit", key_result.unit)
        kept = key_result.currency if unit == MeasureUnit.CURRENCY else None
        changes["currency"] = currency_of(check, unit, sent.get("currency", kept))
    for name, field in (("start_value", "startValue"), ("target_value", "targetValue")):
        if name in sent:
            changes[name] = measure_of(check, field, sent[name])
    if not check.failed("startValue") and not check.failed("targetValue"):
        target_differs(
            check,
            changes.get("start_value", key_result.start_value),
            changes.get("target_value", key_result.target_value),
            blame="targetValue" if "target_value" in sent else "startValue",
        )
    if "due_date" in sent:
        changes["due_date"] = required_value(check, "dueDate", sent["due_date"])
    if "weight" in sent:
        changes["weight"] = weight_of(check, required_value(check, "weight", sent["weight"]))
    if "owner_id" in sent:
        changes["owner_id"] = await owner_of(check, sent["owner_id"])
    if "source" in sent:
        # Recorded in history as its three columns, like any other change.
        changes.update(source_columns(check, sent["source"]))
    check.done()
    return await save_changes(actor, key_result, version, changes)


@transactional
async def archive_key_result(actor: Actor, key_result_id: int, version: int) -> models.KeyResult:
    """Archive a key result that no live campaign is aligned to any more."""
    key_result = await fetch_for_write(actor, models.KeyResult, key_result_id, live=False)
    check_version(key_result, version)
    if key_result.archived_at is None:
        await lock_rows(models.KeyResult, [key_result.pk])
        campaigns = await models.Alignment.filter(
            key_result_id=key_result.pk, archived_at=None, campaign__archived_at=None
        ).count()
        if campaigns:
            plural = "s are" if campaigns != 1 else " is"
            raise Invalid(
                [
                    UserError(
                        "id",
                        Code.HAS_DEPENDENTS,
                        f"{campaigns} live campaign{plural} aligned to this key result; "
                        "first align them elsewhere (campaignSetAlignments) or archive them.",
                    )
                ]
            )
    return await archive(actor, key_result, version)


def checked_in_at_of(check: Checker, at: datetime | None) -> datetime | None:
    """When the value was measured: now by default, never (much) later than now."""
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None or at.utcoffset() is None:
        check.fail(
            "checkedInAt",
            Code.INVALID,
            "`checkedInAt` must include a time-zone offset, e.g. 2026-03-01T09:00:00Z.",
        )
        return None
    if at > now + CHECK_IN_CLOCK_TOLERANCE:
        check.fail(
            "checkedInAt",
            Code.OUT_OF_RANGE,
            f"`checkedInAt` ({at.isoformat()}) is in the future; a check-in records a "
            "value already measured.",
        )
        return None
    try:
        return at.astimezone(UTC)
    except OverflowError:  # within hours of year 1, where UTC has no date
        check.fail("checkedInAt", Code.OUT_OF_RANGE, "`checkedInAt` is out of range.")
        return None


@transactional
async def check_in(
    actor: Actor,
    key_result_id: int,
    version: int,
    *,
    value: Decimal | None,
    note: str | None,
    checked_in_at: datetime | None,
) -> tuple[models.KeyResult, models.CheckIn]:
    """Record a measured value. It becomes the key result's current value unless a
    check-in dated later already exists (a back-dated check-in fills in history)."""
    key_result = await fetch_for_write(actor, models.KeyResult, key_result_id)
    check_version(key_result, version)
    measured = refuse_measured(key_result)
    if measured is not None:
        raise Invalid([measured])
    check = Checker()
    fields = {
        "key_result_id": key_result.pk,
        "value": measure_of(check, "value", value),
        "note": check.text("note", note, max_length=MAX_TEXT, required=False, multiline=True) or "",
        "author_id": actor.user_id,
        "checked_in_at": checked_in_at_of(check, checked_in_at),
    }
    check.done()
    entry = models.CheckIn(**fields)
    later = await models.CheckIn.filter(
        key_result_id=key_result.pk, archived_at=None, checked_in_at__gt=entry.checked_in_at
    ).exists()
    await save_new(actor, entry)
    current = key_result.current_value if later else entry.value
    # The new check-in counts as a change of the key result even when the value stays,
    # so its version moves and its history shows every check-in.
    await save_changes(
        actor,
        key_result,
        version,
        {"current_value": current},
        HistoryAction.CHECKED_IN,
        related={"check_in_id": {"before": None, "after": entry.pk}},
    )
    return key_result, entry
