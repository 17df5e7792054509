"""What goal and key result mutations return: the object as it is now, or user errors."""

from __future__ import annotations

import strawberry

from schema.core.mutations import UserError
from schema.goals.types import CheckIn, Goal, KeyResult
from server import models


@strawberry.type(description="The outcome of a goal mutation.")
class GoalPayload:
    goal: Goal | None = strawberry.field(
        description="The goal after the change; null when it was refused."
    )
    user_errors: list[UserError]


@strawberry.type(description="The outcome of a key result mutation.")
class KeyResultPayload:
    key_result: KeyResult | None = strawberry.field(
        description="The key result after the change; null when it was refused."
    )
    user_errors: list[UserError]


@strawberry.type(description="The outcome of a check-in.")
class KeyResultCheckInPayload:
    key_result: KeyResult | None = strawberry.field(
        description="The key result with its new current value; null when refused."
    )
    check_in: CheckIn | None = strawberry.field(
        description="The check-in recorded; null when refused."
    )
    user_errors: list[UserError]


def check_in_payload(
    recorded: tuple[models.KeyResult, models.CheckIn] | None, user_errors: list[UserError]
) -> KeyResultCheckInPayload:
    """Build the payload from what `server.writes.key_results.check_in` returns."""
    key_result, check_in = recorded or (None, None)
    return KeyResultCheckInPayload(
        key_result=key_result, check_in=check_in, user_errors=user_errors
    )
