"""The measured key results an entry moves: the trace of a result or spend entry shows
which key results its value reaches, through which alignment share, and by how much."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.rollups.engine import Rollups


@dataclass(frozen=True, slots=True)
class Move:
    key_result_id: int
    share: Decimal
    amount: Decimal | None
    """The entry's amount as counted (in the counting currency); None when left out."""
    reason: str | None = None
    """Why it is left out (a currency without a rate), when it is."""

    @property
    def contribution(self) -> Decimal | None:
        return None if self.amount is None else self.amount * self.share


def moves(rollups: Rollups, entry: tuple[str, int], campaign_id: int) -> Iterator[Move]:
    """Each live measured key result the campaign supports whose formula reads the
    entry (its metric, dated in the key result's period up to today), in key order."""
    graph = rollups.graph
    alignments = sorted(
        graph.alignments_of_campaign.get(campaign_id, []), key=lambda a: a.key_result_id
    )
    for alignment in alignments:
        if not graph.key_result_live(alignment.key_result_id):
            continue
        measurement = rollups.key_result_measurement(alignment.key_result_id)
        if measurement is None:
            continue
        found = measurement.counted(entry)
        if found is not None:
            yield Move(alignment.key_result_id, alignment.share, found[1].amount)
            continue
        gap = measurement.gap(entry)
        if gap is not None:
            yield Move(alignment.key_result_id, alignment.share, None, gap.message)
