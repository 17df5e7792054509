"""Task mutations: inputs converted to plain values for `server.writes.tasks`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.enums import TaskStatus
from schema.core.mutations import UserError, key_of, perform, target_of
from schema.tasks.types import Task
from server.writes import tasks

REFERENCE_TYPES = {
    "campaign_id": "Campaign",
    "key_result_id": "KeyResult",
    "team_id": "Team",
    "assignee_id": "User",
}


def sent_values(input: Any) -> dict[str, Any]:
    """The task fields the client sent (left-out ones omitted), IDs decoded to keys."""
    values = {}
    for attr in tasks.INPUT_FIELDS:
        value = getattr(input, attr, strawberry.UNSET)
        if value is strawberry.UNSET:
            continue
        type_name = REFERENCE_TYPES.get(attr)
        values[attr] = key_of(value, type_name) if type_name else value
    return values


@strawberry.input(
    description="A new task. It belongs to a campaign or directly to a key result (not "
    "both); with neither it is unaligned work, which only its team's editors may create."
)
class TaskCreateInput:
    title: str
    description: str | None = None
    campaign_id: strawberry.ID | None = None
    key_result_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = None
    status: TaskStatus = TaskStatus.TODO
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    estimate_hours: Decimal | None = strawberry.field(
        default=None, description="Between 0 and 10000, at most two decimal places."
    )


@strawberry.input(description="Changes to a task: only the fields sent are changed.")
class TaskUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    campaign_id: strawberry.ID | None = strawberry.UNSET
    key_result_id: strawberry.ID | None = strawberry.UNSET
    team_id: strawberry.ID | None = strawberry.UNSET
    assignee_id: strawberry.ID | None = strawberry.UNSET
    status: TaskStatus | None = strawberry.UNSET
    start_date: dt.date | None = strawberry.UNSET
    due_date: dt.date | None = strawberry.UNSET
    estimate_hours: Decimal | None = strawberry.UNSET


@strawberry.input(description="Give a task to someone, or to nobody with a null `assigneeId`.")
class TaskAssignInput:
    id: strawberry.ID
    version: int
    assignee_id: strawberry.ID | None = strawberry.field(
        description="A live (unarchived) user; null unassigns the task."
    )


@strawberry.input
class TaskSetStatusInput:
    id: strawberry.ID
    version: int
    status: TaskStatus


@strawberry.input
class TaskArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.type(description="The task written, or null with `userErrors` saying why not.")
class TaskPayload:
    task: Task | None
    user_errors: list[UserError]


@strawberry.type
class TaskMutations:
    @strawberry.mutation(description="Create a task.")
    async def task_create(self, info: Info, input: TaskCreateInput) -> TaskPayload:
        values = sent_values(input)
        return await perform(
            info, TaskPayload, "task", lambda actor: tasks.create_task(actor, **values)
        )

    @strawberry.mutation(
        description="Change a task. Moving it to another team's campaign or key result "
        "needs the right to write there too."
    )
    async def task_update(self, info: Info, input: TaskUpdateInput) -> TaskPayload:
        task_id, values = target_of(input.id, "Task"), sent_values(input)
        return await perform(
            info,
            TaskPayload,
            "task",
            lambda actor: tasks.update_task(actor, task_id, input.version, **values),
        )

    @strawberry.mutation(description="Assign a task to a user, or unassign it.")
    async def task_assign(self, info: Info, input: TaskAssignInput) -> TaskPayload:
        task_id, assignee_id = target_of(input.id, "Task"), key_of(input.assignee_id, "User")
        return await perform(
            info,
            TaskPayload,
            "task",
            lambda actor: tasks.assign_task(actor, task_id, input.version, assignee_id),
        )

    @strawberry.mutation(description="Change a task's status (its assignee may too).")
    async def task_set_status(self, info: Info, input: TaskSetStatusInput) -> TaskPayload:
        task_id = target_of(input.id, "Task")
        return await perform(
            info,
            TaskPayload,
            "task",
            lambda actor: tasks.set_task_status(actor, task_id, input.version, input.status),
        )

    @strawberry.mutation(description="Archive a task: it leaves lists but keeps its history.")
    async def task_archive(self, info: Info, input: TaskArchiveInput) -> TaskPayload:
        task_id = target_of(input.id, "Task")
        return await perform(
            info,
            TaskPayload,
            "task",
            lambda actor: tasks.archive_task(actor, task_id, input.version),
        )
