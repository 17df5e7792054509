"""The real server as a subprocess on a free port, and databases of a test's own.

Used by the tests that start processes (`slow`): each gets its own SQLite file or its
own PostgreSQL database, created for the test and dropped after it, so the shared
test databases are never disturbed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from server.settings import normalise_database_url
from tests.conftest import POSTGRES_ENV, POSTGRES_SKIP, run_in_thread
from tests.pinned_time import server_clock_setting

ROOT = Path(__file__).resolve().parent.parent
SECRET = "process-test-signing-secret-" + "y" * 32
ADMIN = "operator@throughline.test"
PASSWORD = "a long enough password"
STARTUP_SECONDS = 60
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { accessToken } }"
CREATE_TEAM = """
mutation($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { id name } userErrors { code message } }
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "THROUGHLINE_DATA_DIR": str(data_dir),
        "THROUGHLINE_JWT_SECRET": SECRET,
        "THROUGHLINE_CLOCK": server_clock_setting(),
        **extra,
    }


def throughline(env: dict[str, str], *args: str, stdin: str = "", timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def prepare(env: dict[str, str]) -> None:
    """Migrate the database and add an administrator who can sign in."""
    for args, stdin in (
        (("migrate",), ""),
        (("create-user", "--email", ADMIN, "--name", "Operator", "--role", "ADMIN"), PASSWORD),
    ):
        done = throughline(env, *args, stdin=stdin + "\n")
        assert done.returncode == 0, done.stderr


class Server:
    """`throughline serve` in its own process group, with its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path, *flags: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--no-demo", *flags],
                cwd=ROOT,
                env={**env, "THROUGHLINE_PORT": str(self.port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_healthy()

    def output(self) -> str:
        return self.log.read_text()

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the server did not answer within {STARTUP_SECONDS}s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as on a crash or an out-of-memory kill."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def sign_in(self) -> str:
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": LOGIN, "variables": {"input": {"email": ADMIN, "password": PASSWORD}}},
            timeout=10,
        )
        return answer.json()["data"]["login"]["accessToken"]


def create_team(client: httpx.Client, url: str, token: str, name: str) -> dict:
    """One write through the API; raises on a transport error (no answer received)."""
    answer = client.post(
        f"{url}/graphql",
        json={"query": CREATE_TEAM, "variables": {"input": {"name": name}}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    return answer.json()


@contextmanager
def running(env: dict[str, str], log: Path, *flags: str) -> Iterator[Server]:
    server = Server(env, log, *flags)
    try:
        yield server
    finally:
        server.stop()


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _admin(admin_url: str, sql: str) -> None:
    connection = await asyncpg.connect(_dsn(admin_url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(POSTGRES_SKIP)
    admin_url = normalise_database_url(admin_url)
    name = f"throughline_proc_{uuid.uuid4().hex[:12]}"
    run_in_thread(_admin, admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        run_in_thread(_admin, admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def engine_database(engine: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on `engine`: a SQLite file path not yet created, or a new
    PostgreSQL database."""
    if engine == "sqlite":
        yield f"sqlite://{tmp_path / 'data' / 'throughline.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


async def team_names(url: str) -> set[str]:
    """Team names read straight from the database, without the server."""
    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as connection:
            return {row[0] for row in connection.execute("SELECT name FROM team")}
    connection = await asyncpg.connect(_dsn(url))
    try:
        return {row["name"] for row in await connection.fetch("SELECT name FROM team")}
    finally:
        await connection.close()


def read_team_names(url: str) -> set[str]:
    return run_in_thread(team_names, url)
