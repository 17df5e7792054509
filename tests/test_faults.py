"""With the database unreachable, /healthz answers 503 and GraphQL answers
SERVICE_UNAVAILABLE (never a 500 or a traceback); service resumes by itself when the
database is back. PostgreSQL is cut off through a TCP proxy the test controls; a SQLite
file is moved away, as when its volume goes missing."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from tortoise import connections
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from server import models
from server.app import create_app
from server.database import close_database, migrate_database, open_database
from server.enums import Role
from server.faults import database_unavailable
from server.settings import load_settings
from server.tokens import TokenSigner
from tests.conftest import TEST_SECRET

TEAMS = "{ teams { nodes { name } } }"
LOGIN = 'mutation { login(input: {email: "a@b.co", password: "wrong password"}) { accessToken } }'


class Proxy:
    """Forwards 127.0.0.1:<port> to a target; `cut` drops every connection and refuses
    new ones, `restore` accepts them again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers |= {client_writer, upstream_writer}
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer)
        )

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    def start(self) -> None:
        self.call(self._start())

    def cut(self) -> None:
        self.call(self._cut())

    def close(self) -> None:
        if self.server is not None and self.server.is_serving():
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


async def admin_token() -> str:
    user = await models.User.create(
        email="admin@faults.test", email_key="admin@faults.test", name="Admin", role=Role.ADMIN
    )
    await models.Team.create(name="Lifecycle")
    return TokenSigner(TEST_SECRET).issue(user.pk).token


async def exchange(client: httpx.AsyncClient, token: str) -> tuple:
    health = await client.get("/healthz")
    signed_in = await client.post(
        "/graphql", json={"query": TEAMS}, headers={"Authorization": f"Bearer {token}"}
    )
    signed_out = await client.post("/graphql", json={"query": LOGIN})
    return health, signed_in, signed_out


def assert_unavailable(health, signed_in, signed_out) -> None:
    assert health.status_code == 503
    assert health.json() == {"status": "error", "database": "unreachable"}
    for answer in (signed_in, signed_out):
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"
        errors = answer.json()["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"]
        assert "Traceback" not in answer.text
        assert "cannot be reached" in errors[0]["message"]


def assert_serving(health, signed_in, signed_out) -> None:
    assert health.status_code == 200
    assert signed_in.json()["data"] == {"teams": {"nodes": [{"name": "Lifecycle"}]}}
    assert signed_out.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def client_for(settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.postgres
async def test_postgres_cut_off_answers_503_and_recovers(postgres_url, tmp_path):
    # given: the server reaches PostgreSQL only through the proxy
    target = urlsplit(postgres_url)
    proxy = Proxy((target.hostname or "127.0.0.1", target.port or 5432))
    proxy.start()
    proxied = postgres_url.replace(target.netloc, f"{target.username}@127.0.0.1:{proxy.port}")
    settings = load_settings(
        env={},
        overrides={"database_url": proxied, "data_dir": str(tmp_path), "jwt_secret": TEST_SECRET},
    )
    try:
        await open_database(settings)
        await connections.get("default").execute_script(
            "TRUNCATE team, app_user RESTART IDENTITY CASCADE"
        )
        token = await admin_token()
        async for client in client_for(settings):
            before = await exchange(client, token)

            # when: the database becomes unreachable, then comes back
            proxy.cut()
            during = await exchange(client, token)
            proxy.start()
            after = await exchange(client, token)
    finally:
        await close_database()
        proxy.close()

    # then
    assert_serving(*before)
    assert_unavailable(*during)
    assert_serving(*after)


async def test_sqlite_file_gone_answers_503_and_recovers(tmp_path):
    # given
    folder = tmp_path / "volume"
    database = folder / "throughline.sqlite3"
    settings = load_settings(
        env={},
        overrides={
            "database_url": f"sqlite://{database}",
            "data_dir": str(tmp_path),
            "jwt_secret": TEST_SECRET,
        },
    )
    await migrate_database(settings)
    await open_database(settings)
    try:
        token = await admin_token()
        async for client in client_for(settings):
            before = await exchange(client, token)

            # when: the file's folder disappears (the server reopens its connection)
            await connections.get("default").close()
            folder.rename(tmp_path / "away")
            during = await exchange(client, token)
            (tmp_path / "away").rename(folder)
            after = await exchange(client, token)
    finally:
        await close_database()

    # then
    assert_serving(*before)
    assert_unavailable(*during)
    assert_serving(*after)
    assert not (folder / "away").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["volume"]


def driver_errors() -> list[BaseException]:
    refused = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1)")
    wrapped = OperationalError(asyncpg.ConnectionDoesNotExistError("connection was closed"))
    return [
        refused,
        OSError("Multiple exceptions: [Errno 111] Connect call failed"),
        socket.gaierror(-2, "Name or service not known"),
        DBConnectionError("can't connect"),
        wrapped,
        OperationalError(sqlite3.OperationalError("unable to open database file")),
        OperationalError(sqlite3.OperationalError("database is locked")),
        asyncpg.CannotConnectNowError("the database system is starting up"),
    ]


@pytest.mark.parametrize("error", driver_errors(), ids=lambda e: type(e).__name__)
def test_connection_failures_count_as_unavailable(error):
    assert database_unavailable(error) is True


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("UNIQUE constraint failed: team.name"),
        OperationalError(sqlite3.OperationalError("no such column: team.nickname")),
        ValueError("bad value"),
        FileNotFoundError(2, "No such file", "web/missing.js"),
        ZeroDivisionError("division by zero"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_bugs_and_bad_data_are_not_unavailability(error):
    assert database_unavailable(error) is False
