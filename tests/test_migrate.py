"""`throughline migrate` brings a database made by the first migration, with data in
it, to the current schema without losing the data, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from server import models
from server.database import close_database, open_database, tortoise_config
from server.enums import Role
from server.settings import load_settings
from tests.conftest import run_in_thread
from tests.server_process import engine_database, process_env, throughline

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CREATED = "2026-01-05 09:30:00+00:00"


async def first_migration_with_data(url: str) -> None:
    """The schema of 0001 only, with a team and a user written in its own columns."""
    await migrate(config=tortoise_config(url), target="models.0001_initial")
    connection = connections.get("default")
    mark = "?" if url.startswith("sqlite") else "$"

    def places(count: int) -> str:
        return ", ".join("?" if mark == "?" else f"${n}" for n in range(1, count + 1))

    created = CREATED if mark == "?" else datetime.fromisoformat(CREATED)
    await connection.execute_query(
        "INSERT INTO team (version, created_at, updated_at, name, description, color) "
        f"VALUES ({places(6)})",
        [3, created, created, "Field Marketing", "Events and roadshows", "#123456"],
    )
    await connection.execute_query(
        "INSERT INTO app_user (version, created_at, updated_at, email, email_key, name, role, "
        f"weekly_capacity_hours) VALUES ({places(8)})",
        [1, created, created, "Ada@Example.com", "ada@example.com", "Ada", "EDITOR", "32.50"],
    )
    await Tortoise.close_connections()


async def current_schema_reads_and_writes(url: str, data_dir: str) -> tuple:
    settings = load_settings(env={}, overrides={"database_url": url, "data_dir": data_dir})
    await open_database(settings)
    try:
        team = await models.Team.get(name="Field Marketing")
        user = await models.User.get(email_key="ada@example.com")
        added = await models.Team.create(name="Added after migrating")
        return (
            (team.version, team.description, team.color, team.created_at.isoformat()),
            (user.email, user.name, user.role, user.weekly_capacity_hours),
            await models.Team.filter(pk=added.pk).exists(),
        )
    finally:
        await close_database()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_migrate_upgrades_a_first_migration_database_keeping_its_data(engine, tmp_path):
    with engine_database(engine, tmp_path) as url:
        # given
        if engine == "sqlite":
            (tmp_path / "data").mkdir()
        run_in_thread(first_migration_with_data, url)
        env = process_env(url, tmp_path / "data")

        # when
        refused = throughline(env, "serve", "--no-demo")
        done = throughline(env, "migrate")
        again = throughline(env, "migrate")

        # then
        assert refused.returncode == 2
        assert "run `throughline migrate` first" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("applied ")
        assert "0002_auth_history" in done.stdout
        assert "0001_initial" not in done.stdout
        assert again.stdout.strip() == "the database schema is up to date"
        team, user, added = run_in_thread(current_schema_reads_and_writes, url, str(tmp_path))
        assert team == (3, "Events and roadshows", "#123456", "2026-01-05T09:30:00+00:00")
        assert user == ("Ada@Example.com", "Ada", Role.EDITOR, Decimal("32.50"))
        assert added is True
