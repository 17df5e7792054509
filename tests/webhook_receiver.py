"""A real HTTP server on 127.0.0.1 that receives webhooks for the tests: it keeps every
request (headers and raw body) and answers with the statuses it is told to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def message(self) -> dict:
        return orjson.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """`answers` are the statuses of the next requests, in order; once used up every
    request gets `status` (200 unless changed)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.status = 200
        self.port = 0
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.released.set()
        self.abandon = False
        self.refuse: Callable[[bytes], bool] = lambda body: False
        """Bodies answered 500 whatever else is set."""
        self.arrived = 0
        """Requests that have come in, answered or not."""

    def hold(self) -> None:
        """Keep the next requests waiting, unanswered, until `release`."""
        self.abandon = False
        self.released.clear()

    def release(self, *, abandon: bool = False) -> None:
        """Let held requests go on; with `abandon`, they are dropped without an answer
        (recorded with status 0), as when the sender died meanwhile."""
        self.abandon = abandon
        self.released.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.status

    def delivered(self) -> list[Received]:
        """Requests answered 2xx, in arrival order."""
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def first_of_each(self) -> list[Received]:
        """Successful requests, deduplicated by `webhook-id` as a receiver would."""
        seen: set[str] = set()
        found = []
        for request in self.delivered():
            if request.webhook_id not in seen:
                seen.add(request.webhook_id)
                found.append(request)
        return found

    def wait_for(self, condition: Callable[[Receiver], bool], seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not condition(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; received {len(self.received)} requests")
            time.sleep(0.05)


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.arrived += 1
            receiver.released.wait(30)
            if receiver.abandon:
                with receiver.lock:
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, 0)
                    )
                self.close_connection = True
                return
            status = 500 if receiver.refuse(body) else receiver.answer()
            with receiver.lock:
                receiver.received.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, body, status)
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(receiver))
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
