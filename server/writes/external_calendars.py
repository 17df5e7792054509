"""Adding, changing, refreshing and archiving imported calendars (administrators only).

A calendar is fetched and parsed before anything is written, and outside the
transaction, so a slow feed holds no database lock and a bad one stores nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server import clock, models
from server.enums import HistoryAction
from server.external_calendars.errors import ImportFailure
from server.external_calendars.fetch import normalise_url
from server.external_calendars.refresh import (
    load_document,
    next_refresh,
    refresh_calendar,
    store_events,
)
from server.history import record
from server.permissions import Actor, require_admin
from server.settings import CalendarImports
from server.writes.checks import Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.unit import archive, check_version, fetch_for_write, save_changes, save_new

MAX_NAME = 120
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_REFRESH, MAX_REFRESH = 15, 7 * 24 * 60
INPUT_FIELDS = {
    "name": "name",
    "url": "url",
    "blocking": "blocking",
    "color": "color",
    "refresh_minutes": "refreshMinutes",
}


def refused(field: str, failure: ImportFailure) -> Invalid:
    return Invalid([UserError(field, UserErrorCode(failure.code), failure.message)])


def _validated(check: Checker, sent: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in sent:
        values["name"] = check.text("name", sent["name"], max_length=MAX_NAME, required=True)
    if "color" in sent:
        color = sent["color"]
        if color is None or not COLOR.match(color.strip()):
            check.fail("color", UserErrorCode.INVALID, "`color` must look like #1a2b3c.")
        else:
            values["color"] = color.strip().lower()
    if "blocking" in sent:
        if sent["blocking"] is None:
            check.required("blocking", None)
        values["blocking"] = bool(sent["blocking"])
    if "refresh_minutes" in sent:
        minutes = sent["refresh_minutes"]
        if minutes is None:
            check.required("refreshMinutes", None)
        elif not MIN_REFRESH <= minutes <= MAX_REFRESH:
            check.fail(
                "refreshMinutes",
                UserErrorCode.OUT_OF_RANGE,
                f"`refreshMinutes` must be between {MIN_REFRESH} and {MAX_REFRESH}.",
            )
        else:
            values["refresh_minutes"] = minutes
    if "url" in sent:
        if sent["url"] is None:
            check.required("url", None)
        elif check.single_line("url", sent["url"].strip()):
            try:
                values["url"] = normalise_url(sent["url"])
            except ImportFailure as failure:
                check.fail("url", UserErrorCode(failure.code), failure.message)
    return values


async def add_external_calendar(
    actor: Actor,
    limits: CalendarImports,
    *,
    name: str | None,
    url: str | None = None,
    content: str | None = None,
    blocking: bool = False,
    color: str = "#6b7280",
    refresh_minutes: int = 360,
) -> models.ExternalCalendar:
    """Import a calendar from `url` or from uploaded `content` (exactly one)."""
    require_admin(actor)
    check = Checker()
    sent = {"name": name, "blocking": blocking, "color": color, "refresh_minutes": refresh_minutes}
    if (url is None) == (content is None):
        check.fail(None, UserErrorCode.INVALID, "Give exactly one of `url` and `content`.")
    elif url is not None:
        sent["url"] = url
    values = _validated(check, sent)
    check.done()
    try:
        if content is not None:
            parsed = await load_document(limits, content=content.encode("utf-8", "replace"))
        else:
            parsed = await load_document(limits, url=values["url"])
    except ImportFailure as failure:
        raise refused("content" if content is not None else "url", failure) from None
    now = clock.now()
    calendar = models.ExternalCalendar(
        **values, refreshed_at=now, content_hash=parsed.content_hash, last_error=""
    )
    calendar.next_refresh_at = next_refresh(calendar, now)
    async with in_transaction():
        await save_new(actor, calendar)
        await store_events(calendar, parsed)
    return calendar


async def update_external_calendar(
    actor: Actor, limits: CalendarImports, calendar_id: int, version: int, **sent: Any
) -> models.ExternalCalendar:
    """Change the fields in `sent`; a new `url` must import before anything changes."""
    require_admin(actor)
    unknown = sent.keys() - INPUT_FIELDS.keys()
    if unknown:
        raise TypeError(f"Not calendar fields: {', '.join(sorted(unknown))}")
    calendar = await fetch_for_write(actor, models.ExternalCalendar, calendar_id)
    check_version(calendar, version)
    check = Checker()
    if "url" in sent and calendar.url is None:
        check.fail(
            "url", UserErrorCode.NOT_ALLOWED, "An uploaded calendar has no address to change."
        )
    values = _validated(check, sent)
    check.done()
    changes = {attr: value for attr, value in values.items() if value != getattr(calendar, attr)}
    parsed = None
    if "url" in changes:
        try:
            parsed = await load_document(limits, url=changes["url"])
        except ImportFailure as failure:
            raise refused("url", failure) from None
    now = clock.now()
    if parsed is not None:
        changes |= {"refreshed_at": now, "content_hash": parsed.content_hash, "last_error": ""}
    if parsed is not None or "refresh_minutes" in changes:
        minutes = changes.get("refresh_minutes", calendar.refresh_minutes)
        changes["next_refresh_at"] = now + timedelta(minutes=minutes)
    async with in_transaction():
        calendar = await save_changes(actor, calendar, version, changes)
        if parsed is not None:
            await store_events(calendar, parsed)
    return calendar


async def refresh_external_calendar(
    actor: Actor, limits: CalendarImports, calendar_id: int
) -> models.ExternalCalendar:
    """Fetch a feed now; on failure the old events stay and the error is reported."""
    require_admin(actor)
    calendar = await fetch_for_write(actor, models.ExternalCalendar, calendar_id)
    if calendar.url is None:
        raise Invalid(
            [UserError("id", UserErrorCode.NOT_ALLOWED, "An uploaded calendar has no feed.")]
        )
    before = {"refreshed_at": calendar.refreshed_at, "last_error": calendar.last_error}
    calendar, failure = await refresh_calendar(calendar.pk, limits)
    after = {"refreshed_at": calendar.refreshed_at, "last_error": calendar.last_error}
    changes = {
        name: {"before": _plain(before[name]), "after": _plain(after[name])}
        for name in before
        if before[name] != after[name]
    }
    if changes:
        await record(actor.user_id, calendar, HistoryAction.UPDATED, changes)
    if failure is not None:
        raise refused("id", failure)
    return calendar


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def archive_external_calendar(
    actor: Actor, calendar_id: int, version: int
) -> models.ExternalCalendar:
    """Archive a calendar: its events leave the shared calendar, the row stays for history."""
    require_admin(actor)
    calendar = await fetch_for_write(actor, models.ExternalCalendar, calendar_id, live=False)
    async with in_transaction():
        return await archive(actor, calendar, version)
