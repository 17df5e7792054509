"""keyResultCreate, keyResultUpdate, keyResultArchive, keyResultCheckIn."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.enums import MeasureUnit
from schema.core.mutations import key_of, perform, target_of
from schema.goals.measured import KeyResultSourceInput
from schema.goals.mutations.payloads import (
    KeyResultCheckInPayload,
    KeyResultPayload,
    check_in_payload,
)
from schema.goals.mutations.sent import sent_fields, sent_key
from server.writes import key_results

CURRENCY_HELP = "ISO 4217 code; required when `unit` is CURRENCY, not allowed otherwise."
WEIGHT_HELP = "Weight among the goal's key results: more than 0, at most 1000."


@strawberry.input(description="A new key result of a goal.")
class KeyResultCreateInput:
    goal_id: strawberry.ID = strawberry.field(description="The goal it measures.")
    title: str = strawberry.field(description="At most 200 characters.")
    start_value: Decimal
    target_value: Decimal = strawberry.field(description="Must differ from `startValue`.")
    due_date: date
    description: str | None = strawberry.field(default=None, description="At most 10000 chars.")
    unit: MeasureUnit | None = strawberry.field(default=None, description="NUMBER if null.")
    currency: str | None = strawberry.field(default=None, description=CURRENCY_HELP)
    current_value: Decimal | None = strawberry.field(
        default=None, description="`startValue` if null; later values come from check-ins."
    )
    weight: Decimal | None = strawberry.field(default=None, description=f"{WEIGHT_HELP} 1 if null.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person accountable for it."
    )
    source: KeyResultSourceInput | None = strawberry.field(
        default=None, description="MANUAL (check-ins) if null."
    )


@strawberry.input(
    description="Changes to a key result; fields left out keep their value. The current "
    "value changes through `keyResultCheckIn`."
)
class KeyResultUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    goal_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Move it to another goal (you must be allowed to change both).",
    )
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    unit: MeasureUnit | None = strawberry.field(
        default=strawberry.UNSET, description="A unit other than CURRENCY drops the currency."
    )
    currency: str | None = strawberry.field(default=strawberry.UNSET, description=CURRENCY_HELP)
    start_value: Decimal | None = strawberry.UNSET
    target_value: Decimal | None = strawberry.UNSET
    due_date: date | None = strawberry.UNSET
    weight: Decimal | None = strawberry.field(default=strawberry.UNSET, description=WEIGHT_HELP)
    owner_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Null: nobody in particular."
    )
    source: KeyResultSourceInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="Measure it by check-ins (MANUAL) or by its campaigns' entries; recorded "
        "in its history. Null is refused: send `{kind: MANUAL}`.",
    )


@strawberry.input(description="The key result to archive and the version you last read.")
class KeyResultArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="A value of a key result, measured now or earlier.")
class KeyResultCheckInInput:
    id: strawberry.ID = strawberry.field(description="The key result.")
    version: int = strawberry.field(description="The key result's version you last read.")
    value: Decimal
    note: str | None = strawberry.field(default=None, description="At most 10000 characters.")
    checked_in_at: datetime | None = strawberry.field(
        default=None,
        description="When it was measured, with a time-zone offset; now if null. A "
        "back-dated check-in does not replace the value of a later one.",
    )


def _sent_source(source: KeyResultSourceInput | None) -> object:
    """The source as `update_key_result` takes it: left out stays UNSET; null is sent
    as a source without a kind (refused as REQUIRED)."""
    if source is strawberry.UNSET:
        return strawberry.UNSET
    return (None, None, None) if source is None else source.sent()


@strawberry.type
class KeyResultMutations:
    @strawberry.mutation(description="Create a key result measuring a goal.")
    async def key_result_create(self, info: Info, input: KeyResultCreateInput) -> KeyResultPayload:
        return await perform(
            info,
            KeyResultPayload,
            "key_result",
            lambda actor: key_results.create_key_result(
                actor,
                goal_id=key_of(input.goal_id, "Goal"),
                title=input.title,
                description=input.description,
                unit=input.unit,
                currency=input.currency,
                start_value=input.start_value,
                target_value=input.target_value,
                current_value=input.current_value,
                due_date=input.due_date,
                weight=input.weight,
                owner_id=key_of(input.owner_id, "User"),
                source=input.source.sent() if input.source is not None else None,
            ),
        )

    @strawberry.mutation(
        description="Change a key result's fields (CONFLICT if `version` is stale)."
    )
    async def key_result_update(self, info: Info, input: KeyResultUpdateInput) -> KeyResultPayload:
        changes = sent_fields(
            goal_id=sent_key(input.goal_id, "Goal"),
            title=input.title,
            description=input.description,
            unit=input.unit,
            currency=input.currency,
            start_value=input.start_value,
            target_value=input.target_value,
            due_date=input.due_date,
            weight=input.weight,
            owner_id=sent_key(input.owner_id, "User"),
            source=_sent_source(input.source),
        )
        return await perform(
            info,
            KeyResultPayload,
            "key_result",
            lambda actor: key_results.update_key_result(
                actor, target_of(input.id, "KeyResult"), input.version, changes
            ),
        )

    @strawberry.mutation(
        description="Archive a key result. Refused (HAS_DEPENDENTS) while live campaigns "
        "are aligned to it."
    )
    async def key_result_archive(
        self, info: Info, input: KeyResultArchiveInput
    ) -> KeyResultPayload:
        return await perform(
            info,
            KeyResultPayload,
            "key_result",
            lambda actor: key_results.archive_key_result(
                actor, target_of(input.id, "KeyResult"), input.version
            ),
        )

    @strawberry.mutation(
        description="Record a measured value of a key result; it becomes the current value "
        "unless a later check-in exists. Refused (MEASURED) on a key result whose source is "
        "not MANUAL: its value is computed."
    )
    async def key_result_check_in(
        self, info: Info, input: KeyResultCheckInInput
    ) -> KeyResultCheckInPayload:
        return await perform(
            info,
            check_in_payload,
            "recorded",
            lambda actor: key_results.check_in(
                actor,
                target_of(input.id, "KeyResult"),
                input.version,
                value=input.value,
                note=input.note,
                checked_in_at=input.checked_in_at,
            ),
        )
