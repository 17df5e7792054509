"""Validators for polling clients: a strong ETag from the body, Last-Modified, and the
conditional-request rules of RFC 9110 (section 13) that turn an unchanged feed into a
304 without a body."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(text: str) -> datetime | None:
    """An HTTP date as an aware datetime; None for anything unparseable."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks: `W/"x"` matches `"x"`; `*` matches all."""
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def not_modified(headers, etag: str, last_modified: datetime) -> bool:
    """Whether the client's copy is current. If-None-Match, when sent, decides alone;
    If-Modified-Since is compared at whole seconds, as HTTP dates are."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    since = parse_http_date(if_modified_since)
    if since is None:
        return False
    return last_modified.astimezone(UTC).replace(microsecond=0) <= since
