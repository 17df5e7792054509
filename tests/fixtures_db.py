"""A fresh, migrated database for the fixture tests (SQLite file or a scratch PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base import executor
from tortoise.migrations.api import migrate

from server.database import tortoise_config
from server.models import (
    Alignment,
    Campaign,
    CampaignChannel,
    CheckIn,
    Goal,
    KeyResult,
    Membership,
    Milestone,
    ResultEntry,
    SpendEntry,
    Task,
    Team,
    User,
)

TABLES = {
    "team": Team,
    "app_user": User,
    "membership": Membership,
    "goal": Goal,
    "key_result": KeyResult,
    "check_in": CheckIn,
    "campaign": Campaign,
    "campaign_channel": CampaignChannel,
    "alignment": Alignment,
    "spend_entry": SpendEntry,
    "result_entry": ResultEntry,
    "task": Task,
    "milestone": Milestone,
}


@asynccontextmanager
async def open_db(url: str) -> AsyncIterator[None]:
    """Open `url` through Tortoise, apply server/migrations, and close it afterwards.

    Tortoise.init comes first: `migrate` alone initialises the models without
    connections, which leaves querysets unusable. Tortoise caches each table's INSERT
    statement per connection *name* for the whole process, so switching the "default"
    connection from SQLite to PostgreSQL would reuse SQLite's SQL: clear that cache."""
    executor.EXECUTOR_CACHE.clear()
    config = tortoise_config(url)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    try:
        await migrate(config=config)
        yield
    finally:
        await Tortoise.close_connections()


async def table_counts() -> dict[str, int]:
    return {table: await model.all().count() for table, model in TABLES.items()}


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@asynccontextmanager
async def scratch_postgres(admin_url: str) -> AsyncIterator[str]:
    """A uniquely named PostgreSQL database on the server of `admin_url`, dropped after."""
    name = f"throughline_fx_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_dsn(admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield "postgres://" + admin_url.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
