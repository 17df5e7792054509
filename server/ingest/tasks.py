"""Tasks kept in another tool (a project tracker, a spreadsheet), as bulk entries.

Each entry is the task's whole state: an optional field left empty is cleared. The
same rules hold as for a task written through the API (`server.writes.tasks`): a task
hangs under a campaign or a key result, not both; its start is not after its due date.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server import models
from server.enums import TaskStatus
from server.ingest.kind import Kind, supported_date
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.tasks import HOURS_STEP, INPUT_FIELDS, MAX_ESTIMATE_HOURS, MAX_TITLE


def _clean(check: Checker, sent: Mapping[str, Any]) -> dict[str, Any]:
    hours = check.decimal(
        "estimateHours",
        sent.get("estimate_hours"),
        minimum=Decimal(0),
        maximum=MAX_ESTIMATE_HOURS,
        places=2,
    )
    start = supported_date(check, "startDate", sent.get("start_date"))
    due = supported_date(check, "dueDate", sent.get("due_date"))
    check.date_order("startDate", start, "dueDate", due)
    columns = {
        "title": check.text("title", sent.get("title"), max_length=MAX_TITLE, required=True),
        "description": check.text(
            "description",
            sent.get("description") or "",
            max_length=MAX_TEXT,
            required=False,
            multiline=True,
        ),
        "campaign_id": sent.get("campaign_id"),
        "key_result_id": sent.get("key_result_id"),
        "team_id": sent.get("team_id"),
        "assignee_id": sent.get("assignee_id"),
        "status": TaskStatus(sent.get("status") or TaskStatus.TODO),
        "start_date": start,
        "due_date": due,
        "estimate_hours": None if hours is None else hours.copy_abs().quantize(HOURS_STEP),
    }
    if columns["campaign_id"] is not None and columns["key_result_id"] is not None:
        check.fail(
            "keyResultId",
            UserErrorCode.NOT_ALLOWED,
            "A task belongs to a campaign or directly to a key result, not both; "
            "leave one of them empty.",
        )
    return columns


TASKS = Kind(
    name="tasks",
    model=models.Task,
    fields=INPUT_FIELDS,
    references={
        "campaign_id": models.Campaign,
        "key_result_id": models.KeyResult,
        "team_id": models.Team,
        "assignee_id": models.User,
    },
    clean=_clean,
    required=frozenset({"title"}),
    assignee="assignee_id",
)
