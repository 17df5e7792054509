"""Downloading a calendar over http(s), within a time limit, a size limit and a few redirects.

Connections go only to public addresses (`guarded_transport.py`). Every way a download can
fail to connect or to finish (refused, closed or filtered port, time limit, unknown host,
an address that is not allowed) is the same `UNREACHABLE` with the same sentence, so the
answers cannot be used to map the network behind the server. What a reachable server
says (an HTTP status, too large, too many redirects) keeps its own code.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit, urlunsplit

import httpx

from server.external_calendars.errors import ImportFailure
from server.external_calendars.guarded_transport import CheckedTransport
from server.settings import CalendarImports

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
HEADERS = {
    "User-Agent": "Throughline calendar import",
    "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
}


def normalise_url(raw: str) -> str:
    """An http(s) address (a webcal:// address is its https:// twin), else `ImportFailure`."""
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ImportFailure("BAD_URL", f"{text[:200]!r} is not a valid address.") from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise ImportFailure(
            "BAD_URL",
            f"{text[:200]!r} is not an http(s) address such as https://example.com/holidays.ics.",
        )
    if len(text) > 2000:
        raise ImportFailure("BAD_URL", "The address is longer than 2,000 characters.")
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


async def fetch_calendar(url: str, limits: CalendarImports) -> bytes:
    """The body of `url`, or `ImportFailure` naming why it could not be had."""
    url = normalise_url(url)
    seconds = limits.fetch_seconds
    timeout = httpx.Timeout(seconds, connect=seconds)
    try:
        async with asyncio.timeout(seconds):
            return await _download(url, limits, timeout)
    except ImportFailure:
        raise
    except httpx.TooManyRedirects:
        raise ImportFailure(
            "TOO_MANY_REDIRECTS", f"The address redirected more than {MAX_REDIRECTS} times."
        ) from None
    except httpx.UnsupportedProtocol:
        raise ImportFailure(
            "BAD_URL", "The address redirected to one that is not http(s)."
        ) from None
    except (TimeoutError, httpx.HTTPError, OSError) as error:
        log.info("calendar import from %s failed: %r", urlsplit(url).hostname, error)
        raise unreachable() from None


def unreachable() -> ImportFailure:
    return ImportFailure(
        "UNREACHABLE",
        "The calendar could not be fetched: the address did not answer in time, refused, "
        "is unknown, or is not one imports may reach.",
    )


async def _download(url: str, limits: CalendarImports, timeout: httpx.Timeout) -> bytes:
    max_bytes = limits.max_bytes
    async with (
        httpx.AsyncClient(
            transport=CheckedTransport(limits.allow_networks),
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers=HEADERS,
            trust_env=False,
        ) as client,
        client.stream("GET", url) as response,
    ):
        if not 200 <= response.status_code < 300:
            reason = response.reason_phrase or ""
            raise ImportFailure(
                "HTTP_STATUS",
                f"The server answered HTTP {response.status_code} {reason}".rstrip() + ".",
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(max_bytes)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise _too_large(max_bytes)
        return bytes(body)


def _too_large(max_bytes: int) -> ImportFailure:
    return ImportFailure("TOO_LARGE", f"The calendar is over the limit of {max_bytes:,} bytes.")
