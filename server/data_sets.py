"""Loading data sets: the demo organisation on first start, or any set on request."""

from __future__ import annotations

import logging
import sys
from datetime import date

from fixtures.demo import DEMO_NAME, demo_document
from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import database_is_empty, load_document
from server import clock
from server.database import close_database, migrate_database, open_database
from server.settings import Settings

log = logging.getLogger(__name__)


async def load_demo_if_empty(today: date | None = None) -> bool:
    """Load the demo organisation when the database holds none; True if it did."""
    if not await database_is_empty():
        return False
    log.info("empty database: loading the demo organisation")
    await load_document(demo_document(today or clock.today()), name=DEMO_NAME)
    return True


async def prepare_database(settings: Settings, *, load_demo: bool) -> None:
    """Migrate (and on first start fill) the database before the server takes requests."""
    await open_database(settings)
    try:
        if load_demo:
            await load_demo_if_empty()
    finally:
        await close_database()


class ProgressPrinter:
    """Reports a long load on stderr: a live line on a terminal, else every tenth."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.next_tenth = 1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if self.live:
            end = "\n" if done >= total else ""
            print(f"\r  {percent:3d}%  {done}/{total} rows", end=end, file=self.stream)
            return
        if self.next_tenth <= 10 and done * 10 >= self.next_tenth * total:
            print(f"  {percent:3d}%  {done}/{total} rows", file=self.stream)
            self.next_tenth = done * 10 // max(total, 1) + 1


async def load_fixtures(settings: Settings, synthetic: bool, nodes: int, seed: int) -> str:
    """Load the demo or a synthetic organisation; returns a one-line summary."""
    today = clock.today()
    if synthetic:
        name, document = synthetic_name(nodes, seed), generate_document(nodes, seed, today)
    else:
        name, document = DEMO_NAME, demo_document(today)
    # Loading a data set is how a new database is set up: create or update it first.
    await migrate_database(settings)
    await open_database(settings)
    try:
        report = await load_document(document, name=name, progress=ProgressPrinter())
    finally:
        await close_database()
    return str(report)
