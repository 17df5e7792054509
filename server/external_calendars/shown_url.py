"""How an imported calendar's address is shown. Feed addresses often are the credential
(Google's and iCloud's private addresses, a token in the query), so only administrators
see the address, and never whole: without user name and password, with query values
and secret-looking path segments shortened."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from server.permissions import Actor
from server.redaction import mask

SECRET_SEGMENT = re.compile(r"(?=.*[0-9])(?=.*[A-Za-z])[^/]{16,}")
"""A path segment of 16 characters or more mixing letters and digits (a token, a GUID,
an encoded address); ordinary names such as `holidays-2026.ics` are shorter."""


def masked_url(url: str) -> str:
    """`https://me:pw@host/private-0123456789abcdef/basic.ics?token=abc123`
    -> `https://host/priv…/basic.ics?token=abc1…`."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    path = "/".join(_masked_segment(segment) for segment in parts.path.split("/"))
    query = "&".join(
        f"{quote(name, safe='')}={mask(value) if value else ''}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _masked_segment(segment: str) -> str:
    stem, dot, extension = segment.rpartition(".") if "." in segment else (segment, "", "")
    if SECRET_SEGMENT.fullmatch(stem):
        return mask(stem) + dot + extension
    return segment


def shown_url(url: str | None, actor: Actor | None) -> str | None:
    """The address as `actor` may see it: masked for an administrator, else None."""
    if url is None or actor is None or not actor.is_admin:
        return None
    return masked_url(url)
