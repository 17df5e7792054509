"""Importing a CSV file of one kind of entry, all or nothing, in bounded memory.

The file is read as a stream, `BATCH` lines at a time, each batch written through the
bulk upsert inside one transaction for the whole file; nothing of a batch is kept once
written but a digest of each key (to find an entry sent twice). Any bad line (and any
problem with the file itself: its encoding, its header, a NUL byte) rolls everything
back; the report
names each problem by line and column (the first `MAX_ERRORS`, and how many in all).
A dry run does the same work and rolls it back, so it reports exactly what a real
import would create, update or leave unchanged.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from tortoise.transactions import in_transaction

from server.ingest.cells import DecodeId, values_of
from server.ingest.kind import Kind
from server.ingest.upsert import BatchRefused, Outcome, Upsert
from server.permissions import Actor
from server.writes.errors import UserError, UserErrorCode

BATCH = 500
MAX_ERRORS = 100
MAX_LINE_BYTES = 1 << 20
KEY_COLUMNS = ("source", "external_id")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LineError:
    line: int
    """1 is the header."""
    column: str | None
    code: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[LineError] = field(default_factory=list)
    written: bool = False

    def fail(self, line: int, column: str | None, code: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(LineError(line, column, code, message))

    def as_json(self) -> dict[str, Any]:
        """The report as the HTTP import answers it (camelCase keys)."""
        return {
            "kind": self.kind,
            "dryRun": self.dry_run,
            "written": self.written,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errorCount": self.error_count,
            "errors": [asdict(error) for error in self.errors],
        }


class FileRefused(Exception):
    """The file itself cannot be read from `line` on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _RollBack(Exception):
    pass


def columns_of(kind: Kind) -> list[str]:
    return [*KEY_COLUMNS, *kind.fields]


def _column_of(kind: Kind, input_field: str | None) -> str | None:
    """The file's column for an input field named in an error (`externalId`)."""
    by_field = {name: attr for attr, name in kind.fields.items()}
    by_field |= {"source": "source", "externalId": "external_id"}
    return by_field.get(input_field or "", input_field)


class _Lines:
    """The records of a CSV stream with the line each starts on; problems of the file
    itself become `FileRefused` naming the line. Bytes are decoded line by line (UTF-8
    never puts a newline byte inside a character), so a bad byte is found on its line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.physical = 0
        self.reader = csv.reader(self._decoded(), strict=True)

    def _decoded(self) -> Iterator[str]:
        for raw in iter(lambda: self.stream.readline(MAX_LINE_BYTES + 1), b""):
            self.physical += 1
            if len(raw) > MAX_LINE_BYTES:
                raise FileRefused(
                    self.physical, f"This line is longer than {MAX_LINE_BYTES} bytes."
                )
            if self.physical == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if b"\x00" in raw:
                raise FileRefused(self.physical, "This line holds a NUL byte; CSV text cannot.")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileRefused(
                    self.physical, "This line is not UTF-8 text; save the file as CSV UTF-8."
                ) from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self.physical + 1
            try:
                record = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                detail = "it holds a NUL byte" if "NUL" in str(error) else str(error)
                raise FileRefused(
                    start, f"The file cannot be read as CSV here: {detail}."
                ) from None
            if record and any(cell.strip() for cell in record):
                yield start, record


def _header(kind: Kind, record: list[str], report: ImportReport) -> list[str]:
    names = [cell.strip() for cell in record]
    known = columns_of(kind)
    for name in names:
        if name not in known:
            report.fail(
                1,
                name,
                UserErrorCode.INVALID,
                f"Unknown column `{name}`; a {kind.name} file has the columns {', '.join(known)}.",
            )
    for name in {name for name in names if names.count(name) > 1}:
        report.fail(1, name, UserErrorCode.DUPLICATE, f"The column `{name}` appears twice.")
    for name in [*KEY_COLUMNS, *sorted(kind.required)]:
        if name not in names:
            report.fail(1, name, UserErrorCode.REQUIRED, f"The column `{name}` is missing.")
    return names


async def import_csv(
    actor: Actor,
    kind: Kind,
    stream: IO[bytes],
    decode_id: DecodeId,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the CSV `stream` (bytes) as `actor`; see the module's docstring."""
    report = ImportReport(kind=kind.name, dry_run=dry_run)
    try:
        async with in_transaction():
            writer = await Upsert.start(actor, kind)
            await _import(writer, kind, stream, decode_id, report, progress)
            if report.error_count or dry_run:
                raise _RollBack
    except _RollBack:
        pass
    report.written = not dry_run and report.error_count == 0
    report.errors.sort(key=lambda error: error.line)
    return report


async def _import(
    writer: Upsert,
    kind: Kind,
    stream: IO[bytes],
    decode_id: DecodeId,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    lines = _Lines(stream)
    names: list[str] | None = None
    batch: list[tuple[int, dict[str, Any]]] = []
    try:
        for line, record in lines:
            if names is None:
                names = _header(kind, record, report)
                if report.error_count:
                    return
                continue
            report.rows += 1
            if len(record) != len(names):
                report.fail(
                    line,
                    None,
                    UserErrorCode.INVALID,
                    f"This line has {len(record)} cells; the header has {len(names)}.",
                )
                continue
            values, errors = values_of(kind, dict(zip(names, record, strict=True)), decode_id)
            for error in errors:
                report.fail(line, error.field, error.code, error.message)
            if not errors:
                batch.append((line, values))
            if len(batch) >= BATCH:
                await _write(writer, kind, batch, report)
                batch = []
                if progress is not None:
                    progress(report.rows)
    except FileRefused as refused:
        report.fail(refused.line, None, UserErrorCode.INVALID, str(refused))
    if names is None and not report.error_count:
        report.fail(1, None, UserErrorCode.REQUIRED, "The file is empty; it needs a header line.")
    if batch:
        await _write(writer, kind, batch, report)
    if progress is not None:
        progress(report.rows)


async def _write(
    writer: Upsert, kind: Kind, batch: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> None:
    try:
        outcome: Outcome = await writer.batch(
            [values for _, values in batch], places=[f"line {line}" for line, _ in batch]
        )
    except BatchRefused as refused:
        for entry_error in refused.errors:
            error: UserError = entry_error.error
            line = batch[entry_error.index][0]
            report.fail(line, _column_of(kind, error.field), error.code, error.message)
        return
    report.created += outcome.created
    report.updated += outcome.updated
    report.unchanged += outcome.unchanged
