"""The data folder, the SQLite database (with its -wal and -shm) and its backups are
readable by their owner only, whatever the umask, like `jwt-secret`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from server import models
from server.backup import backup, restore
from server.database import close_database, migrate_database, open_database
from server.settings import load_settings
from server.signing_key import signing_secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask most systems start with: new files readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


async def test_the_data_folder_database_and_backups_are_private(tmp_path, open_umask):
    # given: a data folder that does not exist yet
    data = tmp_path / "data"
    settings = load_settings(env={}, overrides={"data_dir": str(data)})
    database = data / "throughline.sqlite3"

    # when: migrated, opened and written to, backed up and restored
    await migrate_database(settings)
    await open_database(settings)
    try:
        await models.Team.create(name="Growth")
        wal, shm = (database.with_name(database.name + s) for s in ("-wal", "-shm"))
        companions = {path.name: mode(path) for path in (wal, shm)}
    finally:
        await close_database()
    copy = tmp_path / "copy.sqlite3"
    backup(settings, copy)
    restored = load_settings(env={}, overrides={"data_dir": str(tmp_path / "restored")})
    restore(restored, copy, force=False)

    # then
    assert mode(data) == 0o700
    assert mode(database) == 0o600
    assert companions == {wal.name: 0o600, shm.name: 0o600}
    assert mode(copy) == 0o600
    assert mode(tmp_path / "restored") == 0o700
    assert mode(tmp_path / "restored" / "throughline.sqlite3") == 0o600


async def test_a_database_readable_by_others_is_made_private_when_opened(tmp_path, open_umask):
    # given: a database created before files were private
    settings = load_settings(env={}, overrides={"data_dir": str(tmp_path / "data")})
    await migrate_database(settings)
    database = tmp_path / "data" / "throughline.sqlite3"
    database.chmod(0o644)

    # when
    await open_database(settings)
    await close_database()

    # then
    assert mode(database) == 0o600


def test_the_signing_secret_folder_is_private(tmp_path, open_umask):
    settings = load_settings(env={}, overrides={"data_dir": str(tmp_path / "fresh")})
    signing_secret(settings)
    assert mode(tmp_path / "fresh") == 0o700
    assert mode(tmp_path / "fresh" / "jwt-secret") == 0o600
