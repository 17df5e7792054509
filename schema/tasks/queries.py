"""Root query for tasks."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.enums import OrderDirection, TaskStatus
from schema.core.inputs import DateRange, fiscal_of, ids_of, order_of, search_text, span
from schema.core.root_lists import served_connection
from schema.tasks.types import Task
from server.read_model import listing


@strawberry.input(description="Which tasks to list; every condition given must hold.")
class TaskFilter:
    assignees: list[strawberry.ID] | None = None
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Tasks of these teams: naming one, or taking it from their campaign "
        "or key result's goal.",
    )
    statuses: list[TaskStatus] | None = None
    campaigns: list[strawberry.ID] | None = None
    key_results: list[strawberry.ID] | None = None
    due: DateRange | None = strawberry.field(default=None, description="Due date in this range.")
    aligned: bool | None = strawberry.field(
        default=None, description="True: reaching a goal; false: unaligned work."
    )
    search: str | None = None
    include_archived: bool = False


@strawberry.enum
class TaskOrderField(Enum):
    CREATED = "id"
    TITLE = "title"
    DUE_DATE = "due_date"
    START_DATE = "start_date"
    STATUS = "status"
    UPDATED_AT = "updated_at"


@strawberry.input
class TaskOrder:
    field: TaskOrderField = TaskOrderField.CREATED
    direction: OrderDirection = OrderDirection.ASC


@strawberry.type
class TaskQueries:
    @strawberry.field(description="Tasks, filtered and ordered. Cursor pagination.")
    async def tasks(
        self,
        info: Info,
        filter: TaskFilter | None = None,
        order_by: TaskOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Task]:
        f = filter or TaskFilter()
        order = order_of(order_by, TaskOrderField.CREATED)
        listed = listing.tasks(
            info.context.require_snapshot(),
            assignee_ids=ids_of(f.assignees, "User"),
            team_ids=ids_of(f.teams, "Team"),
            statuses=f.statuses,
            campaign_ids=ids_of(f.campaigns, "Campaign"),
            key_result_ids=ids_of(f.key_results, "KeyResult"),
            due=span(f.due, "filter.due", fiscal_of(info)),
            aligned=f.aligned,
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order,
        )
        return served_connection(info, listed, first, after, last, before)
