"""Opening, migrating and checking the database, on SQLite or PostgreSQL alike."""

from __future__ import annotations

import logging
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as apply_migrations

from server.settings import Settings

log = logging.getLogger(__name__)

MODEL_MODULES = ["server.models"]
MIGRATIONS_MODULE = "server.migrations"


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(settings: Settings, *, global_fallback: bool = True) -> None:
    """Connect and bring the schema up to date (creating the SQLite folder if needed)."""
    if settings.engine == "sqlite":
        path = settings.database_url.removeprefix("sqlite://")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = tortoise_config(settings.database_url)
    # Tortoise caches compiled statements per connection name for the whole process;
    # "default" may have named another engine before (tests, benchmarks).
    EXECUTOR_CACHE.clear()
    # Migrating initialises Tortoise on its own, so the serving initialisation comes
    # second; the global fallback lets request tasks see the lifespan's connections.
    await apply_migrations(config=config)
    await Tortoise.init(config=config, _enable_global_fallback=global_fallback)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_reachable() -> bool:
    """True when a trivial statement round-trips to the database."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any driver error means "not reachable"
        log.warning("database health check failed", exc_info=True)
        return False
    return True
