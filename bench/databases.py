"""Cached benchmark databases: one synthetic organisation per engine and size.

Generating and loading 100 000 nodes takes a while, so each organisation is loaded once
into `bench/data/org-<size>.sqlite3` (ignored by git) or the PostgreSQL database
`throughline_bench_<size>`, and later runs reuse it. W4 writes, so it runs on a
throwaway copy and the cached organisation stays as generated.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncpg

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import models
from server.database import close_database, migrate_database, open_database
from server.enums import Role
from server.settings import load_settings, normalise_database_url

DATA_DIR = Path(__file__).resolve().parent / "data"
# The organisations are generated for a fixed day, so cached ones never go stale
# relative to each other and every run measures the same rows.
TODAY = date(2026, 6, 15)
SEED = 1
READER = "bench-reader@throughline.test"
WRITER = "bench-writer@throughline.test"


@dataclass(frozen=True)
class Engine:
    """Where the organisations of one engine live: a folder, or a PostgreSQL server."""

    label: str
    admin_url: str | None = None  # PostgreSQL only: a database to create others from
    folder: Path = DATA_DIR

    @property
    def postgres(self) -> bool:
        return self.admin_url is not None

    def url(self, name: str) -> str:
        if self.admin_url is None:
            return f"sqlite://{self.folder / (name + '.sqlite3')}"
        return normalise_database_url(self.admin_url).rsplit("/", 1)[0] + "/" + name

    def _dsn(self) -> str:
        assert self.admin_url is not None
        return "postgresql://" + normalise_database_url(self.admin_url).split("://", 1)[1]

    async def create(self, name: str, template: str | None = None) -> bool:
        """Create database `name` (from `template`) unless it exists; True when created."""
        if self.admin_url is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / (name + ".sqlite3")
            if template is None:
                return not path.exists()
            source = sqlite3.connect(self.folder / (template + ".sqlite3"))
            target = sqlite3.connect(path)
            with target:
                source.backup(target)
            source.close()
            target.close()
            return True
        connection = await asyncpg.connect(self._dsn())
        try:
            if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                return False
            clause = f' TEMPLATE "{template}"' if template else ""
            await connection.execute(f'CREATE DATABASE "{name}"{clause}')
            return True
        finally:
            await connection.close()

    async def drop(self, name: str) -> None:
        if self.admin_url is None:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
            return
        connection = await asyncpg.connect(self._dsn())
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def organisation_name(engine: Engine, size: int) -> str:
    return f"throughline_bench_{size}" if engine.postgres else f"org-{size}"


def scratch_name(engine: Engine, size: int) -> str:
    return f"{organisation_name(engine, size)}_w4_{uuid.uuid4().hex[:8]}"


async def ensure_organisation(engine: Engine, size: int, log) -> str:
    """The URL of the cached organisation of `size` nodes, generating it when missing."""
    name = organisation_name(engine, size)
    await engine.create(name)
    url = engine.url(name)
    settings = load_settings(env={}, overrides={"database_url": url})
    await migrate_database(settings)
    await open_database(settings)
    try:
        data_set = synthetic_name(size, SEED)
        if not await models.FixtureLoad.filter(name=data_set).exists():
            started = time.perf_counter()
            await load_document(generate_document(size, SEED, TODAY), name=data_set)
            log(
                f"generated {engine.label} organisation of {size} nodes "
                f"in {time.perf_counter() - started:.1f}s"
            )
        for email, role, name_ in (
            (READER, Role.VIEWER, "Benchmark reader"),
            (WRITER, Role.ADMIN, "Benchmark writer"),
        ):
            if not await models.User.filter(email_key=email).exists():
                await models.User.create(email=email, email_key=email, name=name_, role=role)
    finally:
        await close_database()
    return url


async def user_ids() -> tuple[int, int]:
    """The reader's and the writer's ids in the open database."""
    reader = await models.User.get(email_key=READER)
    writer = await models.User.get(email_key=WRITER)
    return reader.pk, writer.pk
