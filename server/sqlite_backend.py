"""Tortoise's SQLite engine, made safe for several server processes on one file.

Six changes to the stock client: a write transaction starts with `BEGIN IMMEDIATE`,
so it waits (up to the busy timeout) for another process's writer instead of failing
with "database is locked" when it upgrades from reading to writing; and an existing
file is opened read-write without creating it, so a database that has gone missing is
reported as unreachable instead of being silently replaced by an empty one; and a
failed attempt to open it releases the client's lock, so the next request tries again
instead of waiting forever; and the file it creates, with its -wal and -shm, is readable
by its owner only (`private_files.py`); and a statement reports the rows it changed
itself, not those its triggers wrote as well (`OwnChanges`); and a reader that must not
wait for writers can have a transaction that reads without the write lock
(`read_transaction`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite
from tortoise.backends.base.client import (
    ConnectionWrapper,
    NestedTransactionContext,
    TransactionalDBClient,
    TransactionContext,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError, TransactionManagementError

from server.private_files import private_file, private_folder, restrict_database


class OwnChanges:
    """Counts the rows a statement changed itself (`sqlite3_changes`), as PostgreSQL
    does. The stock client counts `total_changes`, which includes the `data_change` rows
    the change-record triggers (migration 0006) insert, so a versioned UPDATE of one row
    reported 2 and was taken for a lost race (`save_changes` expects exactly 1)."""

    @translate_exceptions
    async def execute_query(
        self: Any, query: str, values: list | None = None
    ) -> tuple[int, Sequence[dict]]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            cursor = await connection.execute(query, values)
            try:
                rows = await cursor.fetchall()
            finally:
                await cursor.close()
            return max(cursor.rowcount, 0) or len(rows), rows


class RetryingConnectionWrapper(ConnectionWrapper):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


class RetryingTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            await self.connection.begin()
        except BaseException:
            if hasattr(self, "token"):
                get_connections().reset(self.token)
            self._trxlock.release()
            raise
        return self.connection


class ImmediateTransactionWrapper(OwnChanges, SqliteTransactionWrapper):
    def _in_transaction(self) -> TransactionContext:
        """A savepoint inside a write counts rows as its transaction does (the stock
        nested wrapper is the stock class)."""
        return NestedTransactionContext(ImmediateTransactionWrapper(self))

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ReadTransactionWrapper(OwnChanges, SqliteTransactionWrapper):
    """The stock deferred `BEGIN`: in WAL mode it reads one state of the file from its
    first statement to its end, neither waiting for a writer nor holding one up."""


class ThroughlineSqliteClient(OwnChanges, SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        self.create_missing = bool(kwargs.pop("create_missing", False))
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return RetryingTransactionContext(ImmediateTransactionWrapper(self), self._lock)

    def acquire_connection(self) -> ConnectionWrapper:
        return RetryingConnectionWrapper(self._lock, self)

    def read_transaction(self) -> TransactionContext:
        """A transaction for reading only (the read model catching up)."""
        return RetryingTransactionContext(ReadTransactionWrapper(self), self._lock)

    async def create_connection(self, with_db: bool) -> None:
        if self._connection:
            return
        target: str = self.filename
        uri = False
        if self.filename != ":memory:" and self.create_missing:
            private_folder(Path(self.filename).parent)
            private_file(Path(self.filename))
        if self.filename != ":memory:" and not self.create_missing:
            path = Path(self.filename).resolve()
            if not path.is_file():
                # Checked first: a failed aiosqlite connect leaves its thread behind.
                raise OperationalError(sqlite3.OperationalError("unable to open database file"))
            target = f"{path.as_uri()}?mode=rw"
            uri = True
        connection = await aiosqlite.connect(target, isolation_level=None, uri=uri)
        try:
            connection._conn.row_factory = sqlite3.Row
            for pragma, value in self.pragmas.items():
                cursor = await connection.execute(f"PRAGMA {pragma}={value}")
                await cursor.close()
        except BaseException:
            await connection.close()
            raise
        if self.filename != ":memory:":
            restrict_database(Path(self.filename))
        self._connection = connection
        await self._post_connect()


client_class = ThroughlineSqliteClient
