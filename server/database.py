"""Opening, migrating and checking the database, on SQLite or PostgreSQL alike.

Migrating is a deliberate step (`throughline migrate`): opening a database whose schema
is behind the code is refused with a message that says what to run, so several server
processes never race to change the schema under each other.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as apply_migrations
from tortoise.migrations.executor import MigrationExecutor

from server.faults import describe
from server.private_files import private_folder
from server.settings import Settings, load_settings

log = logging.getLogger(__name__)

MODEL_MODULES = ["server.models", "server.currency.model"]
MIGRATIONS_MODULE = "server.migrations"
SQLITE_ENGINE = "server.sqlite_backend"
CONNECT_TIMEOUT_SECONDS = 10
APPS = {
    "models": {
        "models": MODEL_MODULES,
        "default_connection": "default",
        "migrations": MIGRATIONS_MODULE,
    }
}


class DatabaseNotReady(ValueError):
    """The database is missing or its schema is behind the code: nothing was served."""


async def keep_session(connection: object) -> None:
    """Return a PostgreSQL connection to the pool as it is. The pool first rolls back
    an open transaction itself; its default reset then also ran RESET ALL, UNLISTEN and
    an advisory-lock release, one more round trip after every statement, for session
    state this server never sets (its settings are transaction-local or fixed at
    connect)."""


def _connection(database_url: str, settings: Settings | None, create_missing: bool) -> dict:
    """Tortoise's connection settings, tuned from `settings` (defaults without them)."""
    options = settings or load_settings(env={}, overrides={"database_url": database_url})
    connection = expand_db_url(database_url)
    credentials = connection["credentials"]
    if connection["engine"] == "tortoise.backends.sqlite":
        connection["engine"] = SQLITE_ENGINE
        credentials["busy_timeout"] = round(options.busy_timeout_seconds * 1000)
        credentials["create_missing"] = create_missing
    else:
        credentials["minsize"] = 1
        credentials["maxsize"] = options.pool_size
        credentials["timeout"] = CONNECT_TIMEOUT_SECONDS
        credentials["reset"] = keep_session
        credentials["server_settings"] = {
            "statement_timeout": str(round(options.statement_timeout_seconds * 1000)),
            "application_name": "throughline",
        }
    return connection


def tortoise_config(
    database_url: str, settings: Settings | None = None, *, create_missing: bool = True
) -> dict:
    """Tortoise's configuration; `create_missing=False` refuses to create a SQLite file."""
    return {
        "connections": {"default": _connection(database_url, settings, create_missing)},
        "apps": APPS,
        "use_tz": True,
        "timezone": "UTC",
    }


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite file of `settings`, or None on PostgreSQL (and for an in-memory one)."""
    if settings.engine != "sqlite":
        return None
    path = settings.database_url.removeprefix("sqlite://")
    return None if path == ":memory:" else Path(path)


async def migrate_database(settings: Settings) -> list[str]:
    """Apply every pending migration (creating a SQLite file first); their names in order."""
    path = sqlite_path(settings)
    if path is not None:
        private_folder(path.parent)
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)
            log.debug("applied migration %s", name)

    EXECUTOR_CACHE.clear()
    try:
        await apply_migrations(
            config=tortoise_config(settings.database_url, settings), progress=progress
        )
    finally:
        await Tortoise.close_connections()
    return applied


async def pending_migrations() -> list[str]:
    """Migrations on disk not yet applied to the open database, in the order they apply."""
    connection = connections.get("default")
    # The recorder reads "no table" and "no connection" alike as "nothing applied":
    # a round trip first lets an unreachable database say so.
    await connection.execute_query("SELECT 1")
    executor = MigrationExecutor(connection, APPS)
    return [step.migration.name for step in await executor.plan() if not step.backward]


async def open_database(settings: Settings, *, global_fallback: bool = True) -> None:
    """Connect, refusing a missing database or one whose schema is behind the code."""
    path = sqlite_path(settings)
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"no database at {path}: run `throughline migrate` to create it")
    config = tortoise_config(settings.database_url, settings, create_missing=False)
    # Tortoise caches compiled statements per connection name for the whole process;
    # "default" may have named another engine before (tests, benchmarks). The global
    # fallback lets request tasks see the lifespan's connections.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=config, _enable_global_fallback=global_fallback)
    try:
        pending = await pending_migrations()
    except BaseException:
        await Tortoise.close_connections()
        raise
    if pending:
        await Tortoise.close_connections()
        raise DatabaseNotReady(
            f"the database schema is out of date ({len(pending)} migration(s) pending: "
            f"{', '.join(pending)}): run `throughline migrate` first"
        )


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_reachable() -> bool:
    """True when a statement that reads the database file or server round-trips."""
    try:
        await connections.get("default").execute_query(HEALTH_QUERY)
    except Exception as error:  # any driver error means "not reachable"
        log.warning("database health check failed: %s", describe(error))
        return False
    return True


# Reads the schema, so a SQLite file that vanished fails too (a bare SELECT 1 would not).
HEALTH_QUERY = "SELECT COUNT(*) FROM tortoise_migrations"
