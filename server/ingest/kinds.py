"""Every kind of entry that can be sent in bulk, by the name files and paths use."""

from __future__ import annotations

from server.ingest.check_ins import CHECK_INS
from server.ingest.kind import Kind
from server.ingest.money import RESULTS, SPEND
from server.ingest.tasks import TASKS

KINDS: dict[str, Kind] = {kind.name: kind for kind in (SPEND, RESULTS, CHECK_INS, TASKS)}
