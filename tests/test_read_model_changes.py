"""The change record and the read model that follows it, on both engines."""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server import models
from tests import factories


@pytest.fixture
async def client(database_url: str) -> BaseDBAsyncClient:
    """The open database, with its `data_version` row as a fresh migration leaves it
    (the PostgreSQL fixture truncates every table, that row included)."""
    connection = connections.get("default")
    await connection.execute_script(
        "INSERT INTO data_version (id, epoch) VALUES (1, 'test') ON CONFLICT DO NOTHING"
    )
    return connection


@pytest.mark.parametrize("nested", [False, True])
async def test_a_write_reports_the_rows_it_changed_not_the_change_rows_its_trigger_added(
    client, nested
):
    """A versioned update expects exactly one row (`save_changes`); on SQLite the stock
    client counted the trigger's `data_change` row too and every update was a conflict."""
    # given
    team = await factories.team(name="Before")

    # when
    async with in_transaction() as outer:
        if nested:
            async with in_transaction() as inner:
                updated = await models.Team.filter(id=team.pk).using_db(inner).update(name="A")
        else:
            updated = await models.Team.filter(id=team.pk).using_db(outer).update(name="A")
    deleted = await models.Team.filter(id=team.pk).delete()

    # then
    assert (updated, deleted) == (1, 1)
