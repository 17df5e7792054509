"""`ReadModel`: this process's copy of the organisation, kept current per request.

`current()` is what every request calls first. It costs one statement when nothing
changed (`changes_since` returns no row). When something did, the changed rows are
read again inside one transaction (a consistent snapshot on both engines) and a new
`Snapshot` replaces the old one; requests already reading the old one finish on it.
Reading a row again rather than trusting the change record's order makes applying a
change idempotent: a row read "too new" is simply read again at the next version.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.read_model.changes import Changes, Position, changes_since, position
from server.read_model.snapshot import Snapshot
from server.read_model.tables import BY_TABLE, HELD

log = logging.getLogger(__name__)

CHUNK = 500
"""Row ids per statement when changed rows are read again (below SQLite's limit on
parameters)."""


def _reading() -> TransactionContext:
    """A transaction that neither waits for writers nor holds them up: on SQLite the
    backend's `in_transaction()` begins IMMEDIATE and so takes the write lock."""
    client = connections.get("default")
    read_transaction = getattr(client, "read_transaction", None)
    return read_transaction() if read_transaction is not None else in_transaction()


async def _consistent(client: BaseDBAsyncClient) -> None:
    """Make the open transaction read one snapshot from its first statement on."""
    if client.capabilities.dialect == "postgres":
        await client.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


async def _rows(model: type[Model], client: BaseDBAsyncClient, ids: Iterable[int]) -> list[Model]:
    wanted = sorted(ids)
    found: list[Model] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.extend(await model.filter(id__in=chunk).using_db(client))
    return found


def _retrieved(check: asyncio.Future) -> None:
    """Marks a shared check's failure as seen even when every caller went away."""
    if not check.cancelled():
        check.exception()


class ReadModel:
    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()
        self._next_check: asyncio.Future[Snapshot] | None = None
        self.builds = 0
        self.checks = 0
        self.last_build_seconds = 0.0

    @property
    def snapshot(self) -> Snapshot | None:
        """The latest snapshot, without checking the database (None before the first)."""
        return self._snapshot

    async def current(self) -> Snapshot:
        """A snapshot holding every change committed before this call.

        Calls that arrive while no check has been sent share the next one: it is sent
        after every one of them arrived, so it sees every change any of them must see,
        and a busy worker sends one statement for many requests, not one each."""
        if self._snapshot is None:
            return await self._catch_up(None)
        check = self._next_check
        if check is None:
            check = self._next_check = asyncio.ensure_future(self._check())
            check.add_done_callback(_retrieved)
        return await asyncio.shield(check)

    async def _check(self) -> Snapshot:
        self._next_check = None  # from here on, callers wait for a check sent later
        snapshot = self._snapshot
        assert snapshot is not None
        self.checks += 1
        changes = await changes_since(
            connections.get("default"), Position(snapshot.epoch, snapshot.version)
        )
        if changes.none:
            return snapshot
        return await self._catch_up(changes)

    async def _catch_up(self, seen: Changes | None) -> Snapshot:
        async with self._lock:
            snapshot = self._snapshot
            applied_meanwhile = (
                snapshot is not None
                and seen is not None
                and not seen.rebuild
                and snapshot.version >= seen.version
            )
            if applied_meanwhile:
                return snapshot  # type: ignore[return-value]
            async with _reading() as client:
                await _consistent(client)
                if snapshot is None or seen is None or seen.rebuild:
                    snapshot = await self._build(client)
                else:
                    snapshot = await self._apply(client, snapshot)
            self._snapshot = snapshot
            return snapshot

    async def _build(self, client: BaseDBAsyncClient) -> Snapshot:
        started = time.perf_counter()
        at = await position(client)
        tables = {}
        for model in HELD:
            rows = await model.all().using_db(client)
            tables[model._meta.db_table] = {row.pk: row for row in rows}
        snapshot = Snapshot(
            at.epoch,
            at.version,
            tables,
            nulls_first=client.capabilities.dialect != "postgres",
        )
        self.builds += 1
        self.last_build_seconds = time.perf_counter() - started
        log.info(
            "read model built: %d rows at version %d in %.2f s",
            snapshot.size(),
            at.version,
            self.last_build_seconds,
        )
        return snapshot

    async def _apply(self, client: BaseDBAsyncClient, snapshot: Snapshot) -> Snapshot:
        changes = await changes_since(client, Position(snapshot.epoch, snapshot.version))
        if changes.rebuild:
            return await self._build(client)
        if changes.none:
            return snapshot
        updated: dict[str, dict[int, Model | None]] = {}
        for table, ids in changes.rows.items():
            model = BY_TABLE.get(table)
            if model is None:
                continue
            rows: dict[int, Model | None] = dict.fromkeys(ids)
            for row in await _rows(model, client, ids):
                rows[row.pk] = row
            updated[table] = rows
        return snapshot.changed(changes.version, updated)
