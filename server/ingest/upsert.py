"""Writing a batch of entries by their external keys: create, update or leave alone.

Every entry is checked (its fields, the rows it names, the writer's rights) before
anything is written; with any problem the batch writes nothing and reports each one
with the entry's position. A batch costs a bounded number of statements whatever its
size: the existing entries, the rows they hang under, the inserts, the re-read of the
created keys, the updates and the history, each one statement (or one `executemany`)
per `CHUNK` entries. The caller runs it inside a transaction (`upsert` does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from server import clock, models
from server.enums import HistoryAction
from server.events.log import append_for_entries
from server.history import created, diff, snapshot
from server.ingest.containers import Containers
from server.ingest.keys import Key, key_of
from server.ingest.kind import Kind, Written
from server.permissions import Actor, BatchPolicy, batch_policy
from server.writes.checks import Checker
from server.writes.errors import Conflict, Invalid, UserError, UserErrorCode, WriteRefused
from server.writes.unit import transactional

MAX_ENTRIES = 1000
"""Entries one API call may send."""
CHUNK = 500
"""Entries per statement (SQLite binds at most 32 766 values to one statement)."""

HISTORY_CHUNK = 2 * CHUNK
"""History rows per statement: an entry records at most two (on itself and on its
campaign or key result), so a chunk of entries writes its history in one statement."""

Code = UserErrorCode


@dataclass(frozen=True)
class EntryError:
    """A problem of the entry at `index` of its batch; `error.field` names its field."""

    index: int
    error: UserError


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[Model] = field(default_factory=list)
    """The entries as stored, in the order sent (kept only when asked for)."""

    def add(self, other: Outcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


class SentMeanwhile(Conflict):
    """Another write created an entry with one of these keys after this one looked."""

    def __init__(self, what: str) -> None:
        WriteRefused.__init__(
            self,
            f"Another write recorded {what} entries with some of these keys meanwhile; "
            "send the entries again to update them.",
        )
        self.sent = self.current = 0


class BatchRefused(Exception):
    def __init__(self, errors: list[EntryError]) -> None:
        super().__init__(f"{len(errors)} entries refused")
        self.errors = errors


@dataclass
class _Entry:
    index: int
    key: Key
    columns: dict[str, Any]
    existing: Model | None = None


def _digest(key: Key) -> bytes:
    source, external_id = key
    return hashlib.blake2b(f"{source}\n{external_id}".encode(), digest_size=16).digest()


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


async def _existing(model: type[Model], keys: Sequence[Key]) -> dict[Key, Model]:
    """The stored rows with these keys (read with a lock where the engine locks rows)."""
    found: dict[Key, Model] = {}
    wanted = set(keys)
    for chunk in _chunks(sorted(wanted)):
        rows = await model.filter(
            source__in=sorted({source for source, _ in chunk}),
            external_id__in=[external_id for _, external_id in chunk],
        ).select_for_update()
        for row in rows:
            key = (row.source, row.external_id)  # type: ignore[attr-defined]
            if key in wanted:
                found[key] = row
    return found


class Upsert:
    """One bulk write of `kind` by `actor`, in one transaction, fed one batch at a time.

    The write remembers a 16-byte digest of every key it was sent (about 80 bytes per
    entry in all), so an entry sent again later in the same write (a file's later line)
    is refused as a duplicate, whether or not its first batch was written."""

    def __init__(self, actor: Actor, kind: Kind, policy: BatchPolicy) -> None:
        self.actor = actor
        self.kind = kind
        self.policy = policy
        self.containers = Containers()
        self.seen: set[bytes] = set()

    @classmethod
    async def start(cls, actor: Actor, kind: Kind) -> Upsert:
        """A bulk write inside the caller's transaction.

        On PostgreSQL every statement is planned for its own values: a plan cached while
        the table was small (a seq scan of a few rows) would otherwise be kept as the
        write adds thousands of rows to it, and each batch would read the whole table."""
        policy = await batch_policy(actor)
        client = connections.get("default")
        if client.capabilities.dialect == "postgres":
            await client.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        return cls(actor, kind, policy)

    async def batch(
        self,
        sent: Sequence[Mapping[str, Any]],
        *,
        keep_rows: bool = False,
        places: Sequence[str] | None = None,
    ) -> Outcome:
        """Write `sent` (typed values by attribute, with `source` and `external_id`), or
        raise `BatchRefused` with every problem, having written nothing of it. `places`
        names where each entry was sent (`line 12`), for messages; `entry <index>` if not."""
        errors: list[EntryError] = []
        first: dict[Key, int] = {}
        try:
            return await self._batch(sent, errors, first, keep_rows, places)
        finally:
            self.seen.update(_digest(key) for key in first)

    async def _batch(
        self,
        sent: Sequence[Mapping[str, Any]],
        errors: list[EntryError],
        first: dict[Key, int],
        keep_rows: bool,
        places: Sequence[str] | None,
    ) -> Outcome:
        entries = self._cleaned(sent, errors, first, places)
        existing = await _existing(self.kind.model, [entry.key for entry in entries])
        for entry in entries:
            entry.existing = existing.get(entry.key)
        await self.containers.load(self._named(entries))
        for entry in entries:
            self._check(entry, errors)
        if errors:
            raise BatchRefused(sorted(errors, key=lambda error: error.index))
        return await self._write(entries, keep_rows)

    def _cleaned(
        self,
        sent: Sequence[Mapping[str, Any]],
        errors: list[EntryError],
        first: dict[Key, int],
        places: Sequence[str] | None,
    ) -> list[_Entry]:
        entries = []
        for index, values in enumerate(sent):
            check = Checker()
            key = key_of(check, values.get("source"), values.get("external_id"))
            columns = self.kind.clean(check, values)
            if key is not None and key in first:
                check.fail(
                    "externalId",
                    Code.DUPLICATE,
                    "This source and externalId were already sent in "
                    f"{places[first[key]] if places else f'entry {first[key]}'}; "
                    "send each entry once.",
                )
            elif key is not None and _digest(key) in self.seen:
                check.fail(
                    "externalId",
                    Code.DUPLICATE,
                    "This source and externalId were already sent earlier; send each entry once.",
                )
            elif key is not None:
                first[key] = index
            errors += [EntryError(index, error) for error in check.errors]
            if not check.errors and key is not None:
                entries.append(_Entry(index, key, columns))
        return entries

    def _named(self, entries: list[_Entry]) -> dict[type[Model], set[int]]:
        wanted: dict[type[Model], set[int]] = {}
        for entry in entries:
            for name, model in self.kind.references.items():
                for row in (entry.columns, entry.existing and snapshot(entry.existing)):
                    if row and row.get(name) is not None:
                        wanted.setdefault(model, set()).add(row[name])
        return wanted

    def _owners(self, values: Mapping[str, Any]) -> set[int]:
        owners: set[int] = set()
        for name, model in self.kind.placed.items():
            if values.get(name) is not None:
                owners |= self.containers.owners(model, values[name])
        return owners

    def _check(self, entry: _Entry, errors: list[EntryError]) -> None:
        """The rows the entry names, the writer's rights over it, and what it fits."""
        check = Checker()
        before = snapshot(entry.existing) if entry.existing is not None else None
        if entry.existing is not None and entry.existing.archived_at is not None:  # type: ignore[attr-defined]
            check.fail(
                "externalId",
                Code.ARCHIVED,
                f"The {self.kind.model.__name__} with this source and externalId was "
                "archived; it can no longer be changed.",
            )
        moved = {
            name
            for name in self.kind.references
            if before is None or before.get(name) != entry.columns.get(name)
        }
        if before is not None and not check.errors:
            assignee = None
            if self.kind.assignee and not (moved & self.kind.placed.keys()):
                assignee = before.get(self.kind.assignee)
            if not self.policy.may_write(self._owners(before), assignee):
                check.fail(
                    "externalId",
                    Code.NOT_ALLOWED,
                    f"You may not change this {self.kind.model.__name__}: it belongs to "
                    "teams whose plans you do not edit.",
                )
        for name, model in self.kind.references.items():
            pk = entry.columns.get(name)
            if pk is None or name not in moved:
                continue
            field_name = self.kind.fields[name]
            row = self.containers.get(model, pk)
            if row is None:
                check.fail(field_name, Code.NOT_FOUND, f"`{field_name}` names no {model.__name__}.")
            elif getattr(row, "archived_at", None) is not None:
                check.fail(
                    field_name, Code.ARCHIVED, f"`{field_name}` names an archived {model.__name__}."
                )
            elif name in self.kind.placed and not self.policy.may_write(
                self.containers.owners(model, pk)
            ):
                check.fail(
                    field_name,
                    Code.NOT_ALLOWED,
                    f"You may not add to this {model.__name__}: it belongs to a team whose "
                    "plans you do not edit.",
                )
        if not check.errors:
            self.kind.fit(check, entry.columns, self.containers)
        errors += [EntryError(entry.index, error) for error in check.errors]

    async def _write(self, entries: list[_Entry], keep_rows: bool) -> Outcome:
        now = clock.now()
        outcome = Outcome()
        new = [entry for entry in entries if entry.existing is None]
        written = Written(created=[], updated=[])
        for entry in entries:
            row = entry.existing
            if row is None:
                continue
            before = snapshot(row)
            for name, value in entry.columns.items():
                setattr(row, name, value)
            if diff(before, snapshot(row)):
                row.version += 1  # type: ignore[attr-defined]
                row.updated_at = now
                written.updated.append((row, before))
        model = self.kind.model
        rows = [
            model(
                **entry.columns,
                **self.kind.new_columns(self.actor),
                source=entry.key[0],
                external_id=entry.key[1],
            )
            for entry in new
        ]
        try:
            if rows:
                await model.bulk_create(rows, batch_size=CHUNK)
        except IntegrityError:
            raise SentMeanwhile(model.__name__) from None
        stored = await _existing(model, [entry.key for entry in new]) if new else {}
        written.created = [stored[entry.key] for entry in new]
        if written.updated:
            columns = [*self.kind.fields, "version", "updated_at"]
            await model.bulk_update([row for row, _ in written.updated], columns, batch_size=CHUNK)
        history = [self._entry(row, HistoryAction.CREATED, created(row)) for row in written.created]
        history += [
            self._entry(row, HistoryAction.UPDATED, diff(before, snapshot(row)))
            for row, before in written.updated
        ]
        history += await self.kind.effects(self.actor, written, self.containers)
        if history:
            await models.HistoryEntry.bulk_create(history, batch_size=HISTORY_CHUNK)
            await append_for_entries(history, batch_size=HISTORY_CHUNK)
        outcome.created = len(written.created)
        outcome.updated = len(written.updated)
        outcome.unchanged = len(entries) - outcome.created - outcome.updated
        if keep_rows:
            by_key = {entry.key: entry.existing for entry in entries if entry.existing is not None}
            by_key |= stored
            outcome.rows = [by_key[entry.key] for entry in entries]
        return outcome

    def _entry(
        self, row: Model, action: HistoryAction, changes: dict[str, Any]
    ) -> models.HistoryEntry:
        return models.HistoryEntry(
            node_type=type(row).__name__,
            node_id=row.pk,
            actor_id=self.actor.user_id,
            at=clock.now(),
            action=action,
            changes=changes,
        )


@transactional
async def upsert(actor: Actor, kind: Kind, sent: Sequence[Mapping[str, Any]]) -> Outcome:
    """One API call's entries, all or nothing; the outcome keeps the rows as stored.

    Refusals are `Invalid` user errors whose field is `entries.<index>.<field>`."""
    if len(sent) > MAX_ENTRIES:
        raise Invalid(
            [
                UserError(
                    "entries",
                    Code.OUT_OF_RANGE,
                    f"Send at most {MAX_ENTRIES} entries per call (got {len(sent)}).",
                )
            ]
        )
    writer = await Upsert.start(actor, kind)
    try:
        return await writer.batch(sent, keep_rows=True)
    except BatchRefused as refused:
        raise Invalid(
            [
                UserError(
                    f"entries.{error.index}.{error.error.field}",
                    error.error.code,
                    error.error.message,
                )
                for error in refused.errors
            ]
        ) from None
