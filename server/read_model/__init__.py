"""The organisation held in memory by each server process, kept current per request.

Reads are served from an immutable `Snapshot`; writes stay on the database, and the
triggers of `server/migrations/0006_data_changes.py` record what each one changed so
`ReadModel.current()` can bring the snapshot up to date with one cheap statement.
"""

from server.read_model.snapshot import Snapshot
from server.read_model.store import ReadModel

__all__ = ["ReadModel", "Snapshot"]
