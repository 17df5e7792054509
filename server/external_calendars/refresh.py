"""Replacing a calendar's events with a new document, and refreshing feeds on a schedule.

A document replaces the events only when it parses completely; a failed refresh keeps
the old events and records why in `last_error`. Several server processes may run the
scheduler: each claims a due calendar with a conditional UPDATE before fetching it, so one
calendar is never fetched by two of them at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from server import clock, models
from server.external_calendars.errors import ImportFailure
from server.external_calendars.fetch import fetch_calendar
from server.external_calendars.parse import ParsedCalendar, parse_calendar
from server.periodic import Periodic
from server.settings import CalendarImports

log = logging.getLogger(__name__)

POLL_SECONDS = 60.0
CLAIMS_PER_POLL = 10


async def load_document(
    limits: CalendarImports, *, url: str | None = None, content: bytes | None = None
) -> ParsedCalendar:
    """The parsed calendar at `url` or in `content`; `ImportFailure` if it cannot be had."""
    data = await fetch_calendar(url, limits) if url is not None else content or b""
    return parse_calendar(data, max_bytes=limits.max_bytes, max_events=limits.max_events)


def next_refresh(calendar: models.ExternalCalendar, now: datetime) -> datetime | None:
    """When a feed is next due; an uploaded file never is."""
    if not calendar.url:
        return None
    return now + timedelta(minutes=calendar.refresh_minutes)


async def store_events(calendar: models.ExternalCalendar, parsed: ParsedCalendar) -> None:
    """Replace the calendar's events (call inside a transaction)."""
    await models.ExternalEvent.filter(calendar_id=calendar.pk).delete()
    await models.ExternalEvent.bulk_create(
        [
            models.ExternalEvent(
                calendar_id=calendar.pk,
                uid=event.uid,
                sequence=event.sequence,
                summary=event.summary,
                description=event.description,
                location=event.location,
                all_day=event.all_day,
                first_date=event.first_date,
                last_date=event.last_date,
                source=event.source,
            )
            for event in parsed.events
        ],
        batch_size=500,
    )


async def refresh_calendar(
    calendar_id: int, limits: CalendarImports
) -> tuple[models.ExternalCalendar, ImportFailure | None]:
    """Fetch and re-import one calendar now; the failure, if any, is returned, not raised.

    Only the columns a refresh owns are written (by conditional UPDATEs), so an
    administrator's concurrent edit of the name or colour is never overwritten.
    """
    calendar = await models.ExternalCalendar.get(id=calendar_id)
    failure = None
    parsed = None
    if calendar.url:
        try:
            parsed = await load_document(limits, url=calendar.url)
        except ImportFailure as error:
            failure = error
    now = clock.now()
    fields: dict = {"next_refresh_at": next_refresh(calendar, now)}
    if failure is not None:
        fields["last_error"] = f"{failure.code}: {failure.message}"
        await models.ExternalCalendar.filter(id=calendar.pk).update(**fields)
    elif parsed is not None:
        fields |= {"refreshed_at": now, "last_error": "", "content_hash": parsed.content_hash}
        async with in_transaction():
            if parsed.content_hash != calendar.content_hash:
                await store_events(calendar, parsed)
            await models.ExternalCalendar.filter(id=calendar.pk).update(**fields)
    else:
        await models.ExternalCalendar.filter(id=calendar.pk).update(**fields)
    await calendar.refresh_from_db()
    return calendar, failure


async def claim(calendar_id: int, now: datetime, lease: timedelta) -> bool:
    """Take a due calendar for this process: true for exactly one of racing claimers."""
    taken = await models.ExternalCalendar.filter(
        id=calendar_id, next_refresh_at__lte=now, archived_at__isnull=True
    ).update(next_refresh_at=now + lease)
    return taken == 1


async def refresh_due(limits: CalendarImports) -> list[int]:
    """Refresh the feeds that are due and this process claims; their ids."""
    now = clock.now()
    due = await (
        models.ExternalCalendar.filter(
            next_refresh_at__lte=now, archived_at__isnull=True, url__isnull=False
        )
        .order_by("next_refresh_at", "id")
        .limit(CLAIMS_PER_POLL)
        .values_list("id", flat=True)
    )
    done = []
    # The lease outlasts any fetch, so a process that dies mid-refresh delays the
    # calendar by a few minutes instead of blocking it.
    lease = timedelta(seconds=limits.fetch_seconds * 3 + 60)
    for calendar_id in due:
        if not await claim(calendar_id, now, lease):
            continue
        _, failure = await refresh_calendar(calendar_id, limits)
        if failure is not None:
            log.warning("calendar %s not refreshed: %s", calendar_id, failure.message)
        done.append(calendar_id)
    return done


class RefreshScheduler(Periodic):
    """A background task that refreshes due feeds every `POLL_SECONDS`."""

    def __init__(self, limits: CalendarImports, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__("calendar-refresh", lambda: refresh_due(limits), poll_seconds)
        self.limits = limits
