"""Creating and changing milestones: the dated moments of the shared calendar.

A milestone always belongs to a team and may also hang under a campaign or a key
result, which is how a launch on the calendar traces up to the objective it serves.

A milestone is all-day (calendar dates only) or timed: `starts_at` and `ends_at` are
then both set, kept in UTC, the end after the start, and `start_date`/`end_date` stay
the dates the planner sees, so they must be the dates of those instants in some time
zone (UTC-12 to UTC+14).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from server import models
from server.dates import as_utc
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
    "starts_at": "startsAt",
    "ends_at": "endsAt",
}
REFERENCES = {
    "team_id": models.Team,
    "campaign_id": models.Campaign,
    "key_result_id": models.KeyResult,
}
REQUIRED = ("team_id", "start_date")
TIMING = {"start_date", "end_date", "starts_at", "ends_at"}

EARLIEST_OFFSET = timedelta(hours=14)
"""A day begins at most 14 hours before UTC midnight (UTC+14, Kiribati)..."""
LATEST_OFFSET = timedelta(hours=12)
"""...and ends at most 12 hours after the next UTC midnight (UTC-12)."""


def checked_instant(check: Checker, attr: str, value: Any) -> datetime | None:
    """An aware datetime in UTC; a time without an offset is ambiguous and refused."""
    if value is None:
        return None
    field = INPUT_FIELDS[attr]
    if not isinstance(value, datetime) or value.utcoffset() is None:
        check.fail(
            field,
            UserErrorCode.INVALID,
            f"`{field}` needs a UTC offset, as in 2026-05-04T16:00:00Z or "
            "2026-05-04T18:00:00+02:00.",
        )
        return None
    return value.astimezone(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _on_date(instant: datetime, day: date, *, end: bool = False) -> bool:
    """Whether `instant` falls on `day` in some time zone (an end may be the midnight
    that closes the day)."""
    first = datetime(day.year, day.month, day.day, tzinfo=UTC) - EARLIEST_OFFSET
    last = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1) + LATEST_OFFSET
    return first <= instant <= last if end else first <= instant < last


def check_times(check: Checker, after) -> None:
    """Both times or neither, the end after the start, each on its calendar date."""
    starts_at, ends_at = _aware(after("starts_at")), _aware(after("ends_at"))
    if check.failed("startsAt") or check.failed("endsAt"):
        return
    if (starts_at is None) != (ends_at is None):
        missing = "endsAt" if ends_at is None else "startsAt"
        check.fail(
            missing,
            UserErrorCode.REQUIRED,
            "A timed milestone needs both `startsAt` and `endsAt`; "
            "send both, or both as null for an all-day milestone.",
        )
        return
    if starts_at is None:
        return
    if ends_at <= starts_at:
        check.fail(
            "endsAt",
            UserErrorCode.END_BEFORE_START,
            f"`endsAt` ({ends_at.isoformat()}) must be after `startsAt` ({starts_at.isoformat()}).",
        )
        return
    start_date, end_date = after("start_date"), after("end_date")
    if start_date is not None and not _on_date(starts_at, start_date):
        check.fail(
            "startsAt",
            UserErrorCode.INVALID,
            f"`startsAt` ({starts_at.isoformat()}) is not on `startDate` "
            f"({start_date.isoformat()}) in any time zone.",
        )
    last_day = end_date or start_date
    if last_day is not None and not _on_date(ends_at, last_day, end=True):
        field = "`endDate`" if end_date else "`startDate` (the milestone has no `endDate`)"
        check.fail(
            "endsAt",
            UserErrorCode.INVALID,
            f"`endsAt` ({ends_at.isoformat()}) is not on {field} "
            f"({last_day.isoformat()}) in any time zone.",
        )


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
        text = check.text(
            "description", sent["description"], max_length=MAX_TEXT, required=False, multiline=True
        )
        values["description"] = text or ""
    if "kind" in sent:
        values["kind"] = checked_kind(check, sent["kind"])
    for attr in ("starts_at", "ends_at"):
        if attr in sent:
            values[attr] = checked_instant(check, attr, sent[attr])
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
    if TIMING & sent.keys() and not check.failed("endDate"):
        check_times(check, after)
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
