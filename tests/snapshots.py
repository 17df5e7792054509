"""The organisation as the read model holds it, for tests of domain functions that read
a snapshot instead of the database."""

from __future__ import annotations

import copy
from typing import Any

from server.read_model import ReadModel, Snapshot


async def current() -> Snapshot:
    """A snapshot of every row written so far (a read model of its own, built afresh)."""
    return await ReadModel().current()


def edited(row: Any, **fields: Any) -> Any:
    """A copy of a held row with some fields changed, as the read model would load it."""
    changed = copy.copy(row)
    for name, value in fields.items():
        setattr(changed, name, value)
    return changed
