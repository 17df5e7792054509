"""The organisation as the read model holds it, for tests of domain functions that read
a snapshot instead of the database."""

from __future__ import annotations

from server.read_model import ReadModel, Snapshot


async def current() -> Snapshot:
    """A snapshot of every row written so far (a read model of its own, built afresh)."""
    return await ReadModel().current()
