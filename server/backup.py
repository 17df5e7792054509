"""Backing up and restoring a SQLite database.

A backup uses SQLite's online backup API: it reads one consistent snapshot while the
server keeps serving and writing (WAL readers never block writers). Both directions
write to a temporary file next to the target, check it, and move it into place in one
step, so a failure never leaves a half-written database behind; the file written is
readable by its owner only, like the database. PostgreSQL is backed up with pg_dump
(see README, "Backups").
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from server.private_files import private_file, private_folder
from server.settings import Settings

MIGRATIONS_TABLE = "tortoise_migrations"


class BackupError(ValueError):
    """A backup or restore that was refused or failed; nothing was changed."""


def _database_file(settings: Settings) -> Path:
    if settings.engine != "sqlite":
        raise BackupError(
            "backup and restore handle SQLite databases; back up PostgreSQL with pg_dump "
            "and restore it with pg_restore (see README, Backups)"
        )
    return Path(settings.database_url.removeprefix("sqlite://"))


def _open_existing(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"no database at {path}")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def check(connection: sqlite3.Connection, label: str) -> None:
    """Refuse a file that fails SQLite's integrity check or is not a Throughline database."""
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        known = connection.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            (MIGRATIONS_TABLE,),
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{label} is not a readable SQLite database ({error})") from None
    if problems != ["ok"]:
        raise BackupError(f"{label} fails the integrity check: {problems[0]}")
    if not known:
        raise BackupError(f"{label} is not a Throughline database (it has no migrations table)")


def _copy(source: sqlite3.Connection, target: Path, label: str) -> None:
    """Copy `source` into a new file at `target` through a checked temporary file; the
    write-ahead log and shared memory of a file it replaces are removed with it."""
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        private_file(temporary)
        destination = sqlite3.connect(temporary)
        try:
            source.backup(destination)
            # A self-contained file: no WAL or shared-memory companions to carry along.
            destination.execute("PRAGMA journal_mode=DELETE")
            check(destination, label)
        finally:
            destination.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                target.with_name(target.name + suffix).unlink()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def backup(settings: Settings, target: Path) -> str:
    """Write a consistent copy of the live database to `target` (a new file)."""
    source_path = _database_file(settings)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    source = _open_existing(source_path)
    try:
        _copy(source, target, "the backup")
    finally:
        source.close()
    return f"backed up {source_path} to {target} ({target.stat().st_size} bytes)"


def restore(settings: Settings, source_path: Path, *, force: bool) -> str:
    """Replace the database with the backup at `source_path` (stop the server first)."""
    target = _database_file(settings)
    source = _open_existing(source_path)
    try:
        check(source, str(source_path))
        if target.exists() and not force:
            raise BackupError(
                f"{target} already exists; stop the server and give --force to replace it"
            )
        private_folder(target.parent)
        _copy(source, target, "the restored database")
    finally:
        source.close()
    return f"restored {target} from {source_path}; run `throughline migrate` if it is older"
