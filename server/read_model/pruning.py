"""Deleting changes too old for any reader to still need, so the record stays small.

The newest `keep` versions stay; `data_version.pruned_through` says where the record
now starts, and a reader older than that rebuilds its model instead of applying
changes one by one (`changes.changes_since`). Any worker may prune: the UPDATE only
ever moves the mark forward, so two pruning at once agree.
"""

from __future__ import annotations

from tortoise import connections
from tortoise.transactions import in_transaction

from server.read_model.changes import position


async def prune(keep: int) -> int:
    """Delete change rows older than the newest `keep` versions; how many went."""
    latest = await position(connections.get("default"))
    through = latest.version - keep
    if through <= 0:
        return 0
    postgres = connections.get("default").capabilities.dialect == "postgres"
    mark = "$1" if postgres else "?"
    async with in_transaction() as client:
        await client.execute_query(
            f"UPDATE data_version SET pruned_through = {mark} "
            f"WHERE id = 1 AND pruned_through < {mark}",
            [through] if postgres else [through, through],
        )
        deleted, _ = await client.execute_query(
            f"DELETE FROM data_change WHERE version <= {mark}", [through]
        )
    return int(deleted or 0)


KEEP_VERSIONS = 100_000
"""Enough for a worker that slept through minutes of heavy writing to catch up change
by change; one further behind rebuilds, which is always correct, just slower."""

PRUNE_SECONDS = 300.0
