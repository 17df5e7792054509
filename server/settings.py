"""Settings read once from the environment (or `serve` flags), validated up front.

A bad value raises `SettingsError` with a one-line message; the CLI prints it and
exits instead of letting a traceback reach the person starting the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SUPPORTED_SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgres",
    "postgresql": "postgres",
    "asyncpg": "postgres",
}
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(ValueError):
    """A setting has a value the server cannot start with."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    host: str
    port: int
    log_level: str

    @property
    def engine(self) -> str:
        """`sqlite` or `postgres`."""
        return SUPPORTED_SCHEMES[urlsplit(self.database_url).scheme]


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"THROUGHLINE_PORT must be a whole number, got {raw!r}") from None
    if not 1 <= port <= 65535:
        raise SettingsError(f"THROUGHLINE_PORT must be between 1 and 65535, got {port}")
    return port


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        choices = ", ".join(LOG_LEVELS)
        raise SettingsError(f"THROUGHLINE_LOG_LEVEL must be one of {choices}, got {raw!r}")
    return level


def normalise_database_url(raw: str) -> str:
    """Check the scheme and rewrite it to the one Tortoise ORM expects."""
    url = raw.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or not rest:
        raise SettingsError(
            f"DATABASE_URL must look like sqlite:///path/db.sqlite3 or "
            f"postgresql://user@host:5432/name, got {raw!r}"
        )
    engine = SUPPORTED_SCHEMES.get(scheme.lower())
    if engine is None:
        raise SettingsError(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite or postgresql"
        )
    if engine == "postgres" and not urlsplit(url).path.strip("/"):
        raise SettingsError("DATABASE_URL for PostgreSQL must name a database")
    return f"{engine}://{rest}"


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
) -> Settings:
    """Build settings from the environment, with explicit overrides (CLI flags) winning."""
    env = os.environ if env is None else env
    given = {k: v for k, v in (overrides or {}).items() if v is not None}

    data_dir = Path(str(given.get("data_dir") or env.get("THROUGHLINE_DATA_DIR") or "data"))
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"THROUGHLINE_DATA_DIR {str(data_dir)!r} exists and is not a folder")
    raw_url = given.get("database_url") or env.get("DATABASE_URL")
    if raw_url:
        database_url = normalise_database_url(str(raw_url))
    else:
        database_url = f"sqlite://{(data_dir / 'throughline.sqlite3').as_posix()}"
    host = str(given.get("host") or env.get("THROUGHLINE_HOST") or "127.0.0.1").strip()
    if not host:
        raise SettingsError("THROUGHLINE_HOST must not be empty")
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        host=host,
        port=_port(str(given.get("port") or env.get("THROUGHLINE_PORT") or "8000")),
        log_level=_log_level(
            str(given.get("log_level") or env.get("THROUGHLINE_LOG_LEVEL") or "INFO")
        ),
    )


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.log_level != "DEBUG":
        # Tortoise announces every start and shutdown at INFO; keep it for debugging.
        logging.getLogger("tortoise").setLevel(logging.WARNING)
