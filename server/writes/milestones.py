"""Creating and changing milestones: the dated moments of the shared calendar.

A milestone always belongs to a team and may also hang under a campaign or a key
result, which is how a launch on the calendar traces up to the objective it serves.
"""

from __future__ import annotations

from typing import Any

from server import models
from server.enums import MilestoneKind
from server.permissions import Actor, require_writer
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import (
    archive,
    check_version,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

MAX_TITLE = 200

# Column attribute -> the input field that sets it (user errors name the input field).
INPUT_FIELDS = {
    "title": "title",
    "description": "description",
    "team_id": "teamId",
    "kind": "kind",
    "start_date": "startDate",
    "end_date": "endDate",
    "campaign_id": "campaignId",
    "key_result_id": "keyResultId",
}
REFERENCES = {
    "team_id": models.Team,
    "campaign_id": models.Campaign,
    "key_result_id": models.KeyResult,
}
REQUIRED = ("team_id", "start_date")


def checked_kind(check: Checker, value: Any) -> MilestoneKind | None:
    if not check.required("kind", value):
        return None
    try:
        return MilestoneKind(value)
    except ValueError:
        known = ", ".join(MilestoneKind)
        check.fail("kind", UserErrorCode.INVALID, f"`kind` must be one of {known}.")
        return None


async def validated(milestone: models.Milestone, sent: dict[str, Any]) -> dict[str, Any]:
    """The column values `sent` would give `milestone`, cleaned, keeping only real changes.

    Raises `Invalid` with every problem at once; references are checked when they change.
    """
    unknown = sent.keys() - INPUT_FIELDS.keys()
    if unknown:
        raise TypeError(f"Not milestone fields: {', '.join(sorted(unknown))}")
    check = Checker()
    values = dict(sent)
    if "title" in sent:
        values["title"] = check.text("title", sent["title"], max_length=MAX_TITLE, required=True)
    if "description" in sent:
        text = check.text("description", sent["description"], max_length=MAX_TEXT, required=False)
        values["description"] = text or ""
    if "kind" in sent:
        values["kind"] = checked_kind(check, sent["kind"])
    for attr in REQUIRED:
        if attr in sent:
            check.required(INPUT_FIELDS[attr], sent[attr])
    for attr, model in REFERENCES.items():
        if attr in sent and sent[attr] != getattr(milestone, attr):
            await reference(check, INPUT_FIELDS[attr], model, sent[attr])

    def after(attr: str) -> Any:
        return values[attr] if attr in values else getattr(milestone, attr)

    if {"start_date", "end_date"} & sent.keys():
        check.date_order("startDate", after("start_date"), "endDate", after("end_date"))
    check.done()
    return {attr: value for attr, value in values.items() if value != getattr(milestone, attr)}


@transactional
async def create_milestone(actor: Actor, **sent: Any) -> models.Milestone:
    """A new milestone; `sent` holds column values by attribute (`title`, `team_id`, ...)."""
    require_writer(actor)
    milestone = models.Milestone(description="", kind=MilestoneKind.OTHER)
    defaults = {"title": None, "team_id": None, "start_date": None}
    for attr, value in (await validated(milestone, {**defaults, **sent})).items():
        setattr(milestone, attr, value)
    return await save_new(actor, milestone)


@transactional
async def update_milestone(
    actor: Actor, milestone_id: int, version: int, **sent: Any
) -> models.Milestone:
    """Change the fields in `sent` (those left out stay as they are)."""
    milestone = await fetch_for_write(actor, models.Milestone, milestone_id)
    check_version(milestone, version)
    return await save_changes(actor, milestone, version, await validated(milestone, sent))


@transactional
async def archive_milestone(actor: Actor, milestone_id: int, version: int) -> models.Milestone:
    milestone = await fetch_for_write(actor, models.Milestone, milestone_id, live=False)
    return await archive(actor, milestone, version)
