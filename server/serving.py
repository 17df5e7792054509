"""Running the server in one process or several.

With `--workers N` uvicorn starts N processes that each import the app afresh, so the
settings travel through the environment. Nothing a worker keeps in memory is needed by
another: loaders live for one request, users are read on every request, and the
signing secret comes from settings or a file every worker reads.
"""

from __future__ import annotations

import os

import uvicorn
from starlette.applications import Starlette

from server.access_log import log_config
from server.settings import Settings, configure_logging, load_settings
from server.signing_key import signing_secret

FACTORY = "server.serving:app_from_environment"


def app_from_environment() -> Starlette:
    """The app of one worker process, configured from the environment set by `serve`."""
    from server.app import create_app

    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)


def export_settings(settings: Settings) -> None:
    """Hand the settings given as flags to worker processes, which read the environment."""
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ["THROUGHLINE_DATA_DIR"] = str(settings.data_dir)
    os.environ["THROUGHLINE_HOST"] = settings.host
    os.environ["THROUGHLINE_PORT"] = str(settings.port)
    os.environ["THROUGHLINE_LOG_LEVEL"] = settings.log_level
    os.environ["THROUGHLINE_WORKERS"] = str(settings.workers)


def serve(settings: Settings) -> None:
    """Serve until stopped; the database must already be migrated (and filled)."""
    common = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "lifespan": "on",
        "log_config": log_config(),
    }
    if settings.workers == 1:
        from server.app import create_app

        uvicorn.run(create_app(settings), **common)
        return
    # Create the signing secret file once, before workers could race to write it.
    signing_secret(settings)
    export_settings(settings)
    uvicorn.run(FACTORY, factory=True, workers=settings.workers, **common)
