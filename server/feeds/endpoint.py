"""GET and HEAD /calendar/{secret}.ics: one feed for whoever holds its secret URL.

A wrong, malformed or revoked secret, or a feed whose owner was deactivated, all get
the same small 404 after the same work (a hash and one indexed lookup), so the answer
says nothing about which it was. Polling clients revalidate with If-None-Match or
If-Modified-Since and get a 304 without a body while the feed is unchanged.

The feed's row (the read model does not hold feeds) and the audit history's latest
entry are read with SQL; the entries and names come from the app's read model, brought
up to date first (one statement when nothing changed).
"""

from __future__ import annotations

from datetime import datetime, time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from server import clock, models
from server.feeds.conditional import http_date, not_modified, strong_etag
from server.feeds.content import feed_content
from server.feeds.criteria import FeedCriteria
from server.feeds.render import render_feed
from server.feeds.secrets import digest, well_formed
from server.read_model import ReadModel
from server.settings import Settings

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"


def not_found() -> Response:
    return PlainTextResponse(
        "No calendar feed here.\n",
        status_code=404,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


async def find_feed(secret: str) -> models.CalendarFeed | None:
    """The live feed of a live owner that `secret` opens, or None."""
    feed = (
        await models.CalendarFeed.filter(secret_hash=digest(secret), archived_at__isnull=True)
        .select_related("owner")
        .first()
    )
    if feed is None or not well_formed(secret) or feed.owner.archived_at is not None:
        return None
    return feed


async def last_change() -> datetime | None:
    """When anything in the organisation last changed, by the audit history: an entry
    that left the feed (archived, moved) shows up here though no longer in the feed."""
    latest = await models.HistoryEntry.all().order_by("-id").first().values_list("at", flat=True)
    return latest


def feed_endpoint(settings: Settings, read_model: ReadModel):
    """The endpoint; feeds are read from `read_model`, brought up to date per request."""

    async def calendar_feed(request: Request) -> Response:
        feed = await find_feed(request.path_params.get("secret", ""))
        if feed is None:
            return not_found()
        today = clock.today()
        snapshot = await read_model.current()
        content = feed_content(snapshot, FeedCriteria.from_json(feed.criteria or {}), today)
        body = render_feed(feed.name, content.description, content.entries, settings.public_url)
        # The window moves at midnight (UTC), which changes the feed without any edit.
        moments = [feed.updated_at, datetime.combine(today, time(0), tzinfo=clock.now().tzinfo)]
        moments += [entry.updated_at for entry in content.entries]
        changed = await last_change()
        if changed is not None:
            moments.append(changed)
        last_modified = min(max(moments), clock.now())
        etag = strong_etag(body)
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(last_modified),
            "Cache-Control": CACHE_CONTROL,
            "X-Content-Type-Options": "nosniff",
        }
        if not_modified(request.headers, etag, last_modified):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
            return Response(b"", headers=headers, media_type=CONTENT_TYPE)
        return Response(body, headers=headers, media_type=CONTENT_TYPE)

    return calendar_feed
