"""Fresh databases per test, on SQLite always and on PostgreSQL when configured.

The schema is migrated once per session into a template (a SQLite file that each test
copies, or a PostgreSQL database that each test truncates), so tests stay fast while
every test starts from an empty, fully migrated database.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from pathlib import Path

import asyncpg
import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate

from server import clock
from server.app import create_app
from server.database import tortoise_config
from server.settings import Settings, load_settings, normalise_database_url
from server.tokens import TokenSigner
from tests.feed_server import feed  # noqa: F401 (a fixture of the import tests)
from tests.graphql import GraphQLClient
from tests.pinned_time import pinned_start, suite_started

POSTGRES_ENV = "THROUGHLINE_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1/postgres)"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "date_sensitive: reads the clock; CI runs these again with THROUGHLINE_TEST_NOW "
        "on awkward days (.ci/run)",
    )


@pytest.fixture(autouse=True, scope="session")
def pinned_clock() -> Iterator[None]:
    """Every test sees the suite's pinned day (tests/pinned_time.py), not the day it runs
    on; a test that needs another day pins `server.clock` itself."""
    clock.start_at(pinned_start(), suite_started())
    yield
    clock.start_at(None)


def run_in_thread(coroutine_function, *args):
    """Run a coroutine to completion on its own loop, even from inside a running loop
    (session fixtures are first requested from within async tests)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()


async def _migrate(url: str) -> None:
    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    run_in_thread(_migrate, f"sqlite://{path}")
    return path


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test session's own, created and finally dropped."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(POSTGRES_SKIP)
    admin_url = normalise_database_url(admin_url)
    name = f"throughline_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_dsn(admin_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    run_in_thread(admin, f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        run_in_thread(_migrate, url)
        yield url
    finally:
        run_in_thread(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _truncate_all() -> None:
    connection = connections.get("default")
    rows = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'tortoise_migrations'"
    )
    tables = ", ".join(f'"{row["tablename"]}"' for row in rows)
    await connection.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty, migrated database, open through Tortoise for the test's duration."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite://{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    # Tortoise caches compiled statements per connection name ("default" on both
    # engines): a SQLite statement must not be reused on PostgreSQL.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    if request.param == "postgres":
        await _truncate_all()
    try:
        yield url
    finally:
        await Tortoise.close_connections()


@pytest.fixture
async def db(database_url: str) -> str:
    return database_url


TEST_SECRET = "test-signing-secret-" + "x" * 32


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        env={},
        overrides={
            "database_url": database_url,
            "data_dir": str(tmp_path),
            "jwt_secret": TEST_SECRET,
        },
    )


@pytest.fixture
def signer(settings: Settings) -> TokenSigner:
    return TokenSigner(TEST_SECRET, settings.access_token_minutes)


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the ASGI app (database opened by the fixture above)."""
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def anonymous(http: httpx.AsyncClient, signer: TokenSigner) -> GraphQLClient:
    """A client that has not signed in."""
    return GraphQLClient(http, signer)


@pytest.fixture
def gql(anonymous: GraphQLClient) -> GraphQLClient:
    """A client signed in as an administrator (created on first request)."""
    return anonymous.as_admin()


def custom_settings(settings: Settings, **overrides: object) -> Settings:
    """The test's settings with some changed, through the same validation as the CLI."""
    return load_settings(
        env={},
        overrides={
            "database_url": settings.database_url,
            "data_dir": str(settings.data_dir),
            "jwt_secret": TEST_SECRET,
            **overrides,
        },
    )


async def client_for(stack: AsyncExitStack, settings: Settings) -> GraphQLClient:
    """An administrator's client of an app built with `settings` (database already open)."""
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    http = await stack.enter_async_context(
        httpx.AsyncClient(transport=transport, base_url="http://testserver")
    )
    return GraphQLClient(http, TokenSigner(TEST_SECRET)).as_admin()


@pytest.fixture
async def client_with(
    settings: Settings,
) -> AsyncIterator[Callable[..., Awaitable[GraphQLClient]]]:
    """Builds clients of apps whose settings differ from the defaults."""
    async with AsyncExitStack() as stack:

        async def build(**overrides: object) -> GraphQLClient:
            return await client_for(stack, custom_settings(settings, **overrides))

        yield build
