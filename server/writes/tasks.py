"""Creating and changing tasks.

A task hangs under a campaign or directly under a key result, never both, so its path
to the objectives is unambiguous; with neither it is unaligned work, which is allowed
and reported as such. Who may write a task (its team, its campaign's or key result's
team, its assignee) is decided by `server.permissions` through `server.writes.unit`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server import models
from server.enums import TaskStatus
from server.permissions import Actor, authorize, require_writer
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import (
    OWNERSHIP_FIELDS,
    archive,
    check_version,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

MAX_TITLE = 200
MAX_ESTIMATE_HOURS = Decimal(10_000)
HOURS_STEP = Decimal("0.01")

# Column attribute -> the input field that sets it (user errors name the input field).
INPUT_FIELDS = {
    "title": "title",
    "description": "description",
    "campaign_id": "campaignId",
    "key_result_id": "keyResultId",
    "team_id": "teamId",
    "assignee_id": "assigneeId",
    "status": "status",
    "start_date": "startDate",
    "due_date": "dueDate",
    "estimate_hours": "estimateHours",
}
REFERENCES = {
    "campaign_id": models.Campaign,
    "key_result_id": models.KeyResult,
    "team_id": models.Team,
    "assignee_id": models.User,
}


def checked_status(check: Checker, value: Any) -> TaskStatus | None:
    if not check.required("status", value):
        return None
    try:
        return TaskStatus(value)
    except ValueError:
        known = ", ".join(TaskStatus)
        check.fail("status", UserErrorCode.INVALID, f"`status` must be one of {known}.")
        return None


async def validated(task: models.Task, sent: dict[str, Any]) -> dict[str, Any]:
    """The column values `sent` would give `task`, cleaned, keeping only real changes.

    Raises `Invalid` with every problem at once. References are checked only when they
    change, so re-sending a task's current (possibly since archived) campaign is fine.
    """
    unknown = sent.keys() - INPUT_FIELDS.keys()
    if unknown:
        raise TypeError(f"Not task fields: {', '.join(sorted(unknown))}")
    check = Checker()
    values = dict(sent)
    if "title" in sent:
        values["title"] = check.text("title", sent["title"], max_length=MAX_TITLE, required=True)
    if "description" in sent:
        text = check.text(
            "description", sent["description"], max_length=MAX_TEXT, required=False, multiline=True
        )
        values["description"] = text or ""
    if "status" in sent:
        values["status"] = checked_status(check, sent["status"])
    if "estimate_hours" in sent:
        hours = check.decimal(
            "estimateHours",
            sent["estimate_hours"],
            minimum=Decimal(0),
            maximum=MAX_ESTIMATE_HOURS,
            places=2,
        )
        # Stored with two places (and no "-0"): answer with the value as it will read back.
        values["estimate_hours"] = None if hours is None else hours.copy_abs().quantize(HOURS_STEP)
    for attr, model in REFERENCES.items():
        if attr in sent and sent[attr] != getattr(task, attr):
            await reference(check, INPUT_FIELDS[attr], model, sent[attr])

    def after(attr: str) -> Any:
        return values[attr] if attr in values else getattr(task, attr)

    if {"start_date", "due_date"} & sent.keys():
        check.date_order("startDate", after("start_date"), "dueDate", after("due_date"))
    if {"campaign_id", "key_result_id"} & sent.keys() and (
        after("campaign_id") is not None and after("key_result_id") is not None
    ):
        check.fail(
            "keyResultId" if "key_result_id" in sent else "campaignId",
            UserErrorCode.NOT_ALLOWED,
            "A task belongs to a campaign or directly to a key result, not both; "
            "set the other one to null.",
        )
    check.done()
    return {attr: value for attr, value in values.items() if value != getattr(task, attr)}


@transactional
async def create_task(actor: Actor, **sent: Any) -> models.Task:
    """A new task; `sent` holds column values by attribute (`title`, `campaign_id`, ...)."""
    require_writer(actor)
    task = models.Task(description="", status=TaskStatus.TODO)
    for attr, value in (await validated(task, {"title": None, **sent})).items():
        setattr(task, attr, value)
    return await save_new(actor, task)


async def change_task(
    actor: Actor, task_id: int, version: int, sent: dict[str, Any]
) -> models.Task:
    """The steps every task change shares: authorise, version-check, validate, save."""
    task = await fetch_for_write(actor, models.Task, task_id)
    check_version(task, version)
    changes = await validated(task, sent)
    if OWNERSHIP_FIELDS & changes.keys():
        # Being the assignee lets someone work on a task, not take it from its owners.
        await authorize(actor, task, as_assignee=False)
    return await save_changes(actor, task, version, changes)


@transactional
async def update_task(actor: Actor, task_id: int, version: int, **sent: Any) -> models.Task:
    """Change the fields in `sent` (those left out stay as they are)."""
    return await change_task(actor, task_id, version, sent)


@transactional
async def assign_task(
    actor: Actor, task_id: int, version: int, assignee_id: int | None
) -> models.Task:
    """Give the task to a live user, or to nobody with `None`."""
    return await change_task(actor, task_id, version, {"assignee_id": assignee_id})


@transactional
async def set_task_status(actor: Actor, task_id: int, version: int, status: Any) -> models.Task:
    return await change_task(actor, task_id, version, {"status": status})


@transactional
async def archive_task(actor: Actor, task_id: int, version: int) -> models.Task:
    task = await fetch_for_write(actor, models.Task, task_id, live=False)
    return await archive(actor, task, version)
