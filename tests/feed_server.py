"""A real HTTP server on 127.0.0.1 that serves calendars to the import tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.test_calendar_import_expand import CALENDAR, SECONDLY


class Feed:
    """What the test server answers, by path; `hits` counts requests per path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.documents: dict[str, tuple[int, str, bytes]] = {}
        self.redirects: dict[str, str] = {}
        self.hits: dict[str, int] = {}
        self.host = host
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


def handler_for(feed: Feed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed.hits[self.path] = feed.hits.get(self.path, 0) + 1
            if self.path == "/never":
                time.sleep(3)
                return
            location = "/loop" if self.path == "/loop" else feed.redirects.get(self.path)
            if location is not None:
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()
                return
            status, kind, body = feed.documents.get(self.path, (404, "text/plain", b"missing"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def serving(host: str = "127.0.0.1", port: int = 0) -> Iterator[Feed]:
    """A feed server on `host` and `port` (a free one by default), with the test documents."""
    feed = Feed(host)
    server = ThreadingHTTPServer((host, port), handler_for(feed))
    server.daemon_threads = True
    server.block_on_close = False
    feed.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    feed.documents["/holidays.ics"] = (200, "text/calendar", CALENDAR.encode())
    feed.documents["/page.html"] = (200, "text/html", b"<!DOCTYPE html><html>Hi</html>")
    feed.documents["/junk.bin"] = (200, "application/octet-stream", bytes(range(256)) * 4)
    feed.documents["/huge.ics"] = (200, "text/calendar", b"BEGIN:VCALENDAR\r\n" + b"X" * 30_000)
    feed.documents["/secondly.ics"] = (200, "text/calendar", SECONDLY.encode())
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed() -> Iterator[Feed]:
    with serving() as feed:
        yield feed
