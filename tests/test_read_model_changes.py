"""The change record and the read model that follows it, on both engines.

Each test names the property it guards: every write to a held table is recorded after
the version a reader holds, nothing rolled back is seen, versions follow commit order
(PostgreSQL, where writers overlap), a current reader costs a statement with no row,
another database makes a reader rebuild, and `ReadModel.current()` moves to a new
snapshot while the old one keeps the state it had.
"""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

import asyncpg
import pytest
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server import models
from server.currency.model import ExchangeRate
from server.enums import Channel, ResultMetric
from server.read_model import ReadModel, Snapshot, store
from server.read_model.changes import Position, _since_sql, changes_since, position
from server.read_model.tables import HELD
from server.statements import count_statements
from tests import factories

MIGRATION = importlib.import_module("server.migrations.0006_data_changes")
TOKEN_MIGRATION = importlib.import_module("server.migrations.0007_api_tokens")
RATE_MIGRATION = importlib.import_module("server.migrations.0011_exchange_rates")
UPDATE_MIGRATION = importlib.import_module("server.migrations.0012_status_updates")
TRACKED_TABLES = (
    *MIGRATION.TRACKED_TABLES,
    *TOKEN_MIGRATION.TRACKED_TABLES,
    *RATE_MIGRATION.TRACKED_TABLES,
    *UPDATE_MIGRATION.TRACKED_TABLES,
)
ONLY_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

Made = dict[type[Model], Model]
BUILDERS: dict[type[Model], Callable[[Made], Awaitable[Model]]] = {
    models.Team: lambda made: factories.team(),
    models.User: lambda made: factories.user(),
    models.Membership: lambda made: models.Membership.create(
        team=made[models.Team], user=made[models.User]
    ),
    models.Goal: lambda made: factories.goal(made[models.Team]),
    models.KeyResult: lambda made: factories.key_result(made[models.Goal]),
    models.CheckIn: lambda made: factories.check_in(made[models.KeyResult], "5"),
    models.Campaign: lambda made: factories.campaign(made[models.Team]),
    models.CampaignChannel: lambda made: models.CampaignChannel.create(
        campaign=made[models.Campaign], channel=Channel.EMAIL
    ),
    models.Alignment: lambda made: factories.align(made[models.Campaign], made[models.KeyResult]),
    models.SpendEntry: lambda made: factories.spend(made[models.Campaign], "10"),
    models.ResultEntry: lambda made: factories.result(
        made[models.Campaign], ResultMetric.LEADS, "3"
    ),
    models.Task: lambda made: factories.task(campaign=made[models.Campaign]),
    models.Milestone: lambda made: factories.milestone(made[models.Team]),
    models.ExternalCalendar: lambda made: models.ExternalCalendar.create(name="Holidays"),
    models.ExternalEvent: lambda made: models.ExternalEvent.create(
        calendar=made[models.ExternalCalendar],
        uid="day-1",
        first_date=date(2026, 4, 1),
        source="BEGIN:VEVENT\r\nEND:VEVENT\r\n",
    ),
    models.ApiToken: lambda made: models.ApiToken.create(
        user=made[models.User], name="Sync", scopes="READ", digest="0" * 64, hint="tl_pat_…abcd"
    ),
    ExchangeRate: lambda made: ExchangeRate.create(
        currency="EUR", quote="USD", date=date(2027, 1, 4), rate=Decimal("1.1")
    ),
    models.StatusUpdate: lambda made: factories.status_update(goal=made[models.Goal]),
}
"""One row of each held table, in an order that creates parents first."""


class RolledBack(Exception):
    pass


@pytest.fixture
async def client(database_url: str) -> BaseDBAsyncClient:
    """The open database, with its `data_version` row as a fresh migration leaves it
    (the PostgreSQL fixture truncates every table, that row included)."""
    connection = connections.get("default")
    await connection.execute_script(
        "INSERT INTO data_version (id, epoch) VALUES (1, 'test') ON CONFLICT DO NOTHING"
    )
    return connection


def table(model: type[Model]) -> str:
    return model._meta.db_table


async def recorded(client: BaseDBAsyncClient, since: Position) -> dict[str, set[int]]:
    """Changed row ids by table after `since`, as a reader reads them."""
    changes = await changes_since(client, since)
    assert not changes.rebuild
    assert changes.none or changes.version > since.version
    return dict(changes.rows)


def shares(snapshot: Snapshot, campaign: models.Campaign) -> list[tuple[int, Decimal]]:
    """A campaign's live alignments as the grouped index of `snapshot` lists them."""
    rows = snapshot.children(models.Alignment, "campaign_id", campaign.pk)
    return [(row.pk, row.share) for row in rows]


async def rename_both(database_url: str, team: models.Team, goal: models.Goal, name: str):
    """Rename a team and a goal in one transaction of another connection (PostgreSQL)."""
    other = await asyncpg.connect(database_url)
    try:
        async with other.transaction():
            await other.execute("UPDATE team SET name = $1 WHERE id = $2", name, team.pk)
            await other.execute("UPDATE goal SET title = $1 WHERE id = $2", name, goal.pk)
    finally:
        await other.close()


async def rename(database_url: str, pk: int, name: str) -> None:
    """Rename a team through a connection of its own, as another process would."""
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as other:
            other.execute("UPDATE team SET name = ? WHERE id = ?", (name, pk))
        return
    other = await asyncpg.connect(database_url)
    try:
        await other.execute("UPDATE team SET name = $1 WHERE id = $2", name, pk)
    finally:
        await other.close()


def test_the_triggers_record_exactly_the_tables_the_read_model_holds():
    # then
    assert set(TRACKED_TABLES) == {table(model) for model in HELD}
    assert list(BUILDERS) == list(HELD)


async def test_every_insert_update_and_delete_of_a_held_table_is_recorded(client):
    # given
    made: Made = {}
    missed: dict[str, dict[str, set[int]]] = {}

    async def step(name: str, model: type[Model], write: Callable[[], Awaitable[object]]):
        before = await position(client)
        await write()
        found = await recorded(client, before)
        if found != {table(model): {made[model].pk}}:
            missed[f"{name} {table(model)}"] = found

    # when
    for model, build in BUILDERS.items():

        async def insert(model=model, build=build) -> None:
            made[model] = await build(made)

        await step("insert", model, insert)
    for model in HELD:
        sql = f"UPDATE {table(model)} SET id = id WHERE id = {made[model].pk}"
        await step("update", model, lambda sql=sql: client.execute_query(sql))
    for model in reversed(HELD):
        await step("delete", model, made[model].delete)

    # then
    assert missed == {}


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


async def test_a_rolled_back_write_leaves_no_change_to_see(client):
    # given
    team = await factories.team(name="Kept")
    before = await position(client)
    rows_before = await client.execute_query_dict("SELECT count(*) AS n FROM data_change")

    # when
    with pytest.raises(RolledBack):
        async with in_transaction():
            await factories.team(name="Never")
            await models.Team.filter(id=team.pk).update(name="Renamed")
            raise RolledBack

    # then
    assert await recorded(client, before) == {}
    assert await client.execute_query_dict("SELECT count(*) AS n FROM data_change") == rows_before


@ONLY_POSTGRES
async def test_overlapping_transactions_get_versions_in_commit_order(client, database_url):
    """The transaction that writes first but commits second must come after: a reader
    that has applied the first commit would otherwise never see it."""
    # given
    early, late = await factories.team(name="Early"), await factories.team(name="Late")
    reader = ReadModel()
    await reader.current()
    before = await position(client)
    first, second = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        writes_first, writes_second = first.transaction(), second.transaction()
        await writes_first.start()
        await first.execute(
            "UPDATE team SET name = 'Early, written first' WHERE id = $1", early.pk, timeout=10
        )
        await writes_second.start()
        await second.execute(
            "UPDATE team SET name = 'Late, written second' WHERE id = $1", late.pk, timeout=10
        )
        await second.execute(
            "UPDATE team SET description = 'twice' WHERE id = $1", late.pk, timeout=10
        )

        # when
        unseen = await recorded(client, before)
        await writes_second.commit()
        committed_first = await changes_since(client, before)
        snapshot = await reader.current()
        await writes_first.commit()
        committed_second = await changes_since(client, Position(before.epoch, snapshot.version))
        latest = await reader.current()
    finally:
        await first.close()
        await second.close()

    # then
    assert unseen == {}
    assert dict(committed_first.rows) == {"team": {late.pk}}
    assert dict(committed_second.rows) == {"team": {early.pk}}
    assert before.version < committed_first.version < committed_second.version
    assert snapshot.row(models.Team, early.pk).name == "Early"
    assert snapshot.row(models.Team, late.pk).name == "Late, written second"
    assert latest.row(models.Team, early.pk).name == "Early, written first"
    assert latest.row(models.Team, late.pk).description == "twice"
    unstamped = await client.execute_query_dict(
        "SELECT count(*) AS n FROM data_change WHERE version IS NULL"
    )
    assert unstamped == [{"n": 0}]


@ONLY_POSTGRES
async def test_changes_are_applied_from_one_state_of_the_database(
    client, database_url, monkeypatch
):
    """A write committed while the model re-reads changed rows waits for the next call:
    a snapshot never holds one table from before that write and another from after."""
    # given
    team = await factories.team(name="zero")
    goal = await factories.goal(team, title="zero")
    model = ReadModel()
    await model.current()
    read_rows, interrupted = store._rows, []

    async def rows_then_another_write(*args):
        found = await read_rows(*args)
        if not interrupted:
            interrupted.append(True)
            await rename_both(database_url, team, goal, "two")
        return found

    monkeypatch.setattr(store, "_rows", rows_then_another_write)
    await rename_both(database_url, team, goal, "one")

    # when
    applied = await model.current()
    latest = await model.current()

    # then
    assert interrupted
    assert (applied.row(models.Team, team.pk).name, applied.row(models.Goal, goal.pk).title) == (
        "one",
        "one",
    )
    assert (latest.row(models.Team, team.pk).name, latest.row(models.Goal, goal.pk).title) == (
        "two",
        "two",
    )


@ONLY_SQLITE
async def test_catching_up_on_sqlite_reads_past_another_process_s_open_write(client, database_url):
    """In WAL mode a reader never waits for a writer. The model caught up inside the
    backend's write transaction (`BEGIN IMMEDIATE`), so while any other process was in
    the middle of a write it waited out the busy timeout and failed ("database is
    locked"), and while it rebuilt, every writer waited for it."""
    # given
    team = await factories.team(name="Before")
    model = ReadModel()
    await model.current()
    await models.Team.filter(id=team.pk).update(name="Committed")
    other = sqlite3.connect(database_url.removeprefix("sqlite://"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE team SET name = 'Not yet committed' WHERE id = ?", (team.pk,))

        # when
        started = time.monotonic()
        snapshot = await model.current()
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()

    # then
    assert snapshot.row(models.Team, team.pk).name == "Committed"
    assert waited < 1


async def test_a_current_reader_is_answered_by_a_statement_returning_no_row(client):
    # given
    await factories.team()
    at = await position(client)
    sql, order = _since_sql(client)
    named = {"version": at.version, "epoch": at.epoch}

    # when
    _, rows = await client.execute_query(sql, [named[name] for name in order])

    # then
    assert list(rows) == []
    assert (await changes_since(client, at)).none


async def test_callers_arriving_together_share_one_check_sent_after_all_of_them(client):
    # given: a model at the current version
    team = await factories.team(name="Before")
    model = ReadModel()
    await model.current()
    checks = model.checks

    # when: three callers arrive before any check is sent, after a write
    await models.Team.filter(id=team.pk).update(name="After")
    with count_statements() as counter:
        together = await asyncio.gather(*(model.current() for _ in range(3)))

    # then: one statement answered all three, and it saw the write
    assert model.checks == checks + 1
    assert together[0] is together[1] is together[2]
    assert together[0].row(models.Team, team.pk).name == "After"
    assert counter.statements[0].startswith("SELECT version, tbl, row_id FROM")


async def test_a_caller_arriving_after_a_check_was_sent_waits_for_the_next_one(client):
    # given: a check already on its way (its statement sent, no answer read yet)
    team = await factories.team(name="Before")
    model = ReadModel()
    await model.current()
    checks = model.checks
    early = asyncio.ensure_future(model.current())
    while model.checks == checks:  # until the shared check has sent its statement
        await asyncio.sleep(0)

    # when: a write commits, then a second caller arrives
    await models.Team.filter(id=team.pk).update(name="After")
    late = await model.current()

    # then: the late caller did not take the early answer; it has the write
    await early
    assert model.checks == checks + 2
    assert late.row(models.Team, team.pk).name == "After"


async def test_a_caller_going_away_leaves_the_shared_check_to_the_others(client):
    # given
    team = await factories.team(name="Before")
    model = ReadModel()
    await model.current()
    await models.Team.filter(id=team.pk).update(name="After")

    # when: one of two callers sharing a check is cancelled
    leaving = asyncio.ensure_future(model.current())
    staying = asyncio.ensure_future(model.current())
    await asyncio.sleep(0)
    leaving.cancel()

    # then
    assert (await staying).row(models.Team, team.pk).name == "After"
    assert leaving.cancelled()


async def test_another_epoch_makes_the_next_current_rebuild(client):
    # given
    team = await factories.team(name="Held")
    model = ReadModel()
    first = await model.current()
    assert await model.current() is first

    # when
    await client.execute_script("UPDATE data_version SET epoch = 'other' WHERE id = 1")
    rebuilt = await model.current()

    # then
    assert model.builds == 2
    assert rebuilt.epoch == "other" and first.epoch != "other"
    assert rebuilt.row(models.Team, team.pk).name == "Held"
    assert await model.current() is rebuilt


async def test_current_after_a_write_has_it_and_the_older_snapshot_does_not(client):
    # given
    growth = await factories.team(name="Growth")
    goal = await factories.goal(growth)
    kr_a, kr_b = await factories.key_result(goal), await factories.key_result(goal)
    campaign = await factories.campaign(growth)
    only = await factories.align(campaign, kr_a)
    model = ReadModel()
    old = await model.current()
    assert shares(old, campaign) == [(only.pk, Decimal(1))]  # the index, built on the old one

    # when
    added = await factories.team(name="Added")
    await models.Team.filter(id=growth.pk).update(name="Growth, renamed")
    await models.Alignment.filter(id=only.pk).update(share=Decimal("0.5"))
    second = await factories.align(campaign, kr_b, share="0.5")
    new = await model.current()

    # then
    assert model.builds == 1 and new.version > old.version
    assert new.row(models.Team, added.pk).name == "Added"
    assert new.row(models.Team, growth.pk).name == "Growth, renamed"
    assert shares(new, campaign) == [(only.pk, Decimal("0.5")), (second.pk, Decimal("0.5"))]
    assert old.row(models.Team, added.pk) is None
    assert old.row(models.Team, growth.pk).name == "Growth"
    assert shares(old, campaign) == [(only.pk, Decimal(1))]


async def test_a_deleted_row_leaves_the_next_snapshot_only(client):
    # given
    team = await factories.team(name="Short-lived")
    model = ReadModel()
    before = await model.current()

    # when
    await team.delete()
    after = await model.current()

    # then
    assert after.row(models.Team, team.pk) is None
    assert before.row(models.Team, team.pk).name == "Short-lived"
    assert model.builds == 1


async def test_rows_changed_by_a_foreign_key_action_reach_the_model(client):
    """The database itself deletes a calendar's events and clears a deleted person from
    their tasks (ON DELETE CASCADE / SET NULL); those rows change too."""
    # given
    person = await factories.user()
    task = await factories.task(assignee=person)
    made: Made = {models.ExternalCalendar: await BUILDERS[models.ExternalCalendar]({})}
    event = await BUILDERS[models.ExternalEvent](made)
    model = ReadModel()
    await model.current()

    # when
    await client.execute_query(f"DELETE FROM app_user WHERE id = {person.pk}")
    await client.execute_query(f"DELETE FROM external_calendar WHERE id = {event.calendar_id}")
    snapshot = await model.current()

    # then
    assert snapshot.row(models.Task, task.pk).assignee_id is None
    assert snapshot.row(models.ExternalEvent, event.pk) is None


async def test_a_write_through_another_connection_reaches_the_model(client, database_url):
    # given
    team = await factories.team(name="Here")
    model = ReadModel()
    await model.current()

    # when
    await rename(database_url, team.pk, "Renamed elsewhere")
    snapshot = await model.current()

    # then
    assert snapshot.row(models.Team, team.pk).name == "Renamed elsewhere"
    assert model.builds == 1
