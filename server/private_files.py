"""Files only the server's own user may read.

The data folder and the SQLite database hold password hashes, token digests and the
signing secret. Created with the process's umask they would be readable by every user
of the machine, so the folder is created 0700 and the database, its -wal and -shm
companions and its backups 0600, as `jwt-secret` is (`signing_key.py`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(path: Path) -> None:
    """Create `path` (and missing parents) for its owner only; a folder that already
    exists is left as it is (it may be shared on purpose, like /tmp)."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty, for its owner only, unless it exists (an empty file is an
    empty SQLite database)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def restrict_database(path: Path) -> None:
    """Take group and others' access away from a SQLite file and its companions that
    this user owns (databases created before files were private)."""
    for candidate in (path, *(path.with_name(path.name + s) for s in SQLITE_COMPANIONS)):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            status = candidate.stat()
            if status.st_uid == os.getuid() and status.st_mode & 0o077:
                candidate.chmod(FILE_MODE)
