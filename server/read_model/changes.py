"""Reading the change record: where the database stands, and what changed since.

The freshness check is one statement that returns nothing at all when the reader is
current, so the common case costs one round trip and no rows. See
`server/migrations/0006_data_changes.py` for how the record is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

REBUILD_AFTER = 20_000
"""A reader this many changes behind rebuilds instead of re-reading each changed row."""


@dataclass(frozen=True)
class Position:
    epoch: str
    version: int


@dataclass
class Changes:
    """What changed after a reader's version: row ids by table, and the new version.
    `rebuild` means the changes cannot be applied one by one (another database, pruned
    history, or too many of them)."""

    version: int
    rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rebuild: bool = False

    @property
    def none(self) -> bool:
        return not self.rebuild and not self.rows


def _postgres(client: BaseDBAsyncClient) -> bool:
    return client.capabilities.dialect == "postgres"


async def position(client: BaseDBAsyncClient) -> Position:
    """The database's epoch and latest data version (inside the caller's snapshot)."""
    latest = (
        "version"
        if _postgres(client)
        else "(SELECT coalesce(max(version), 0) FROM data_change)"
    )
    rows = await client.execute_query_dict(
        f"SELECT epoch, pruned_through, {latest} AS latest FROM data_version WHERE id = 1"
    )
    if not rows:  # the row is recreated by the next write, with a new epoch
        return Position("", 0)
    row = rows[0]
    return Position(str(row["epoch"]), max(int(row["latest"]), int(row["pruned_through"])))


def _since_sql(client: BaseDBAsyncClient) -> tuple[str, list[str]]:
    """The statement, and the order its parameters take (named: version, epoch)."""
    if _postgres(client):
        version, epoch, pruned_version, order = "$1", "$2", "$1", ["version", "epoch"]
    else:
        version, epoch, pruned_version = "?", "?", "?"
        order = ["version", "epoch", "version"]
    sql = (
        "SELECT version, tbl, row_id FROM (SELECT version, tbl, row_id FROM data_change "
        f"WHERE version > {version} ORDER BY version LIMIT {REBUILD_AFTER + 1}) AS recent "
        "UNION ALL SELECT -1, epoch, pruned_through FROM data_version "
        f"WHERE id = 1 AND (epoch <> {epoch} OR pruned_through > {pruned_version})"
    )
    return sql, order


async def changes_since(client: BaseDBAsyncClient, at: Position) -> Changes:
    """Every change after `at.version`, in one statement."""
    sql, order = _since_sql(client)
    named: dict[str, Any] = {"version": at.version, "epoch": at.epoch}
    _, rows = await client.execute_query(sql, [named[name] for name in order])
    changes = Changes(at.version)
    if len(rows) > REBUILD_AFTER:  # the statement stopped reading: more may follow
        changes.rebuild = True
    for row in rows:
        version, table, row_id = int(row[0]), str(row[1]), int(row[2])
        if version < 0:
            changes.rebuild = True
            continue
        changes.rows[table].add(row_id)
        changes.version = max(changes.version, version)
    return changes
