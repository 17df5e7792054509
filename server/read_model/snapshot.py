"""One immutable state of the organisation, as of one data version.

A request reads a single snapshot from start to end, so it never sees half of a write
that another request applies meanwhile: applying changes makes a new snapshot, which
shares every untouched table and every index that reads nothing that changed. An index
names what it reads as tables ("task") or as columns ("goal.owner_team_id"): one that
reads only some columns of a table survives a write that changes others (a check-in
changes a key result's value, not the goal it belongs to), but not a row added to or
removed from the table.
Indexes are built on first use, at most once per snapshot (two threads asking at once
may both build one; either result is the same). Whole answers kept for later requests
(filtered lists, calendars) are indexes too, naming everything they read; an index
holding rows names their table whole, since any column of a row it hands on may be
read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from tortoise.models import Model

from server.read_model.tables import Table

M = TypeVar("M", bound=Model)
IndexBuilder = Callable[["Snapshot"], Any]


class Snapshot:
    def __init__(
        self,
        epoch: str,
        version: int,
        tables: Mapping[str, Mapping[int, Model]],
        *,
        nulls_first: bool,
        inherited: dict[str, tuple[frozenset[str], Any]] | None = None,
    ) -> None:
        self.epoch, self.version = epoch, version
        self.nulls_first = nulls_first
        """SQLite sorts NULL first in ascending order, PostgreSQL last: the snapshot
        orders rows as the engine it was read from would."""
        self._tables = tables
        self._indexes: dict[str, tuple[frozenset[str], Any]] = dict(inherited or {})

    # --- rows ------------------------------------------------------------------------

    def table(self, model: type[M]) -> Mapping[int, M]:
        return self._tables[model._meta.db_table]  # type: ignore[return-value]

    def row(self, model: type[M], pk: int) -> M | None:
        return self.table(model).get(pk)

    def live(self, model: type[M], pk: int | None) -> M | None:
        """The row, unless it is missing or archived."""
        row = None if pk is None else self.table(model).get(pk)
        return None if row is None or getattr(row, "archived_at", None) is not None else row

    # --- indexes ---------------------------------------------------------------------

    def index(self, name: str, reads: Iterable[str], build: IndexBuilder) -> Any:
        """The index `name`, built by `build(self)` from the tables and columns named
        in `reads`."""
        cached = self._indexes.get(name)
        if cached is None:
            cached = self._indexes[name] = (frozenset(reads), build(self))
        return cached[1]

    def ordered(self, model: type[M], rows: Iterable[M]) -> list[M]:
        return sorted(rows, key=Table.of(model).sort_key(self.nulls_first))

    def groups(self, model: type[M], key_field: str) -> dict[Any, list[M]]:
        """Live rows of `model` grouped by `key_field`, each group in the model's order."""
        table = model._meta.db_table

        def build(snapshot: Snapshot) -> dict[Any, list[M]]:
            grouped: dict[Any, list[M]] = defaultdict(list)
            for row in snapshot.ordered(model, snapshot.table(model).values()):
                if getattr(row, "archived_at", None) is None:
                    key = getattr(row, key_field)
                    if key is not None:
                        grouped[key].append(row)
            return dict(grouped)

        return self.index(f"{table}.{key_field}", (table,), build)

    def children(self, model: type[M], key_field: str, key: Any) -> list[M]:
        return self.groups(model, key_field).get(key, [])

    # --- the next version ------------------------------------------------------------

    def changed(self, version: int, changes: Mapping[str, Mapping[int, Model | None]]) -> Snapshot:
        """A new snapshot at `version` with `changes` (table -> row id -> row, None
        for a deleted row) applied; this one is left as it was."""
        tables = dict(self._tables)
        for table, rows in changes.items():
            updated = dict(tables[table])
            for pk, row in rows.items():
                if row is None:
                    updated.pop(pk, None)
                else:
                    updated[pk] = row
            tables[table] = updated
        # Copied in one step first: the rollups' worker thread may add an index to this
        # snapshot meanwhile, and iterating a dict that grows fails.
        indexes = tuple(self._indexes.items())
        watched: dict[str, set[str]] = {}  # of each changed table, the columns indexes read
        for reads, _ in (entry for _, entry in indexes):
            for read in reads:
                table, _, column = read.partition(".")
                if column and table in changes:
                    watched.setdefault(table, set()).add(column)
        touched = {
            table: self._changed_columns(table, changes[table], watched[table])
            if table in watched
            else None
            for table in changes
        }
        kept = {name: entry for name, entry in indexes if not _stale(entry[0], touched)}
        return Snapshot(self.epoch, version, tables, nulls_first=self.nulls_first, inherited=kept)

    def _changed_columns(
        self, table: str, rows: Mapping[int, Model | None], columns: set[str]
    ) -> frozenset[str] | None:
        """Which of `columns` `rows` change in `table`; None when a row is added or
        removed. Only columns an index reads are compared: a bulk write to a table no
        index reads by column costs no comparison."""
        held = self._tables.get(table, {})
        found: set[str] = set()
        for pk, new in rows.items():
            old = held.get(pk)
            if old is None or new is None:
                return None
            found.update(
                column
                for column in columns - found
                # repr, not ==: Decimal("1.0") == Decimal("1.00"), but they read apart
                if repr(getattr(old, column)) != repr(getattr(new, column))
            )
        return frozenset(found)

    def size(self) -> int:
        return sum(len(rows) for rows in self._tables.values())


def _stale(reads: frozenset[str], touched: Mapping[str, frozenset[str] | None]) -> bool:
    """Whether an index reading `reads` may differ after changes to `touched` (table ->
    the columns read by indexes that changed, None when every column counts as changed:
    rows added or removed, or no index reads the table by column)."""
    for read in reads:
        table, _, column = read.partition(".")
        if table in touched:
            columns = touched[table]
            if not column or columns is None or column in columns:
                return True
    return False
