"""Downloading a calendar over http(s), within a time limit, a size limit and a few redirects.

Each way a download can fail becomes an `ImportFailure` with its own code, so an
administrator reads "the server answered HTTP 404" rather than a stack of socket errors.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import httpx

from server.external_calendars.errors import ImportFailure
from server.settings import CalendarImports

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
    host = urlsplit(url).netloc
    seconds = limits.fetch_seconds
    timeout = httpx.Timeout(seconds, connect=seconds)
    try:
        async with asyncio.timeout(seconds):
            return await _download(url, limits.max_bytes, timeout)
    except ImportFailure:
        raise
    except (TimeoutError, httpx.TimeoutException):
        raise ImportFailure(
            "TIMEOUT", f"{host} did not send the calendar within {seconds:g} seconds."
        ) from None
    except httpx.TooManyRedirects:
        raise ImportFailure(
            "TOO_MANY_REDIRECTS", f"{host} redirected more than {MAX_REDIRECTS} times."
        ) from None
    except httpx.ConnectError as error:
        if _refused(error):
            raise ImportFailure("REFUSED", f"{host} refused the connection.") from None
        raise ImportFailure("UNREACHABLE", f"{host} could not be reached: {error}") from None
    except httpx.UnsupportedProtocol:
        raise ImportFailure(
            "BAD_URL", f"{host} redirected to an address that is not http(s)."
        ) from None
    except (httpx.HTTPError, OSError) as error:
        detail = str(error) or type(error).__name__
        raise ImportFailure("UNREACHABLE", f"{host} could not be read: {detail[:200]}") from None


async def _download(url: str, max_bytes: int, timeout: httpx.Timeout) -> bytes:
    async with (
        httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers=HEADERS,
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


def _refused(error: BaseException) -> bool:
    """Whether a connection error was a refusal (httpx wraps it a few layers deep)."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _too_large(max_bytes: int) -> ImportFailure:
    return ImportFailure("TOO_LARGE", f"The calendar is over the limit of {max_bytes:,} bytes.")
