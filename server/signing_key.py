"""The secret that signs access tokens: from settings, or generated once per data folder.

No default secret exists in the code. Where THROUGHLINE_JWT_SECRET is not set, the
first start writes a random one to `<data dir>/jwt-secret` (readable by its owner only)
and every later start, and every worker, reads the same file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from server.private_files import private_folder
from server.settings import MIN_SECRET_LENGTH, Settings, SettingsError

SECRET_FILE = "jwt-secret"


def _read(path: Path) -> str:
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"{path} holds a signing secret shorter than {MIN_SECRET_LENGTH} characters; "
            "delete it to have a new one generated"
        )
    return secret


def signing_secret(settings: Settings) -> str:
    if settings.jwt_secret:
        return settings.jwt_secret
    path = settings.data_dir / SECRET_FILE
    if path.exists():
        return _read(path)
    private_folder(settings.data_dir)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another worker created it first: use theirs.
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(64) + "\n")
    return _read(path)
