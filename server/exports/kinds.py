"""The kinds of export, each with its columns, its rows, the parameters it takes and
whether it needs the risks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from server.exports import calendar, campaigns, risks, tree, workload
from server.exports.columns import Column, Rows
from server.exports.criteria import Accepts, Criteria
from server.exports.formats import Format, encoded
from server.exports.source import Source


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    rows: Callable[[Source, Criteria], Rows]
    accepts: Accepts
    needs_risks: bool = False

    def filename(self, format: Format, criteria: Criteria, source: Source) -> str:
        if criteria.start is not None and criteria.end is not None:
            dates = f"{criteria.start.isoformat()}-to-{criteria.end.isoformat()}"
        else:
            dates = source.today.isoformat()
        return f"throughline-{self.name}-{dates}.{format.value}"


CALENDAR_PARAMETERS = ("from", "to", "timeZone", "teams", "kinds", "channels", "under",
                       "campaign", "includeTasks")  # fmt: skip

KINDS: Mapping[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("tree", tree.COLUMNS, tree.tree_rows, Accepts(("root", "teams", "campaigns"))),
        Kind(
            "campaigns",
            campaigns.COLUMNS,
            campaigns.campaign_rows,
            Accepts(("from", "to", "teams")),
        ),
        Kind(
            "risks",
            risks.COLUMNS,
            risks.risk_rows,
            Accepts(("severity", "kinds", "teams", "under"), kinds_field="risk_kinds"),
            needs_risks=True,
        ),
        Kind(
            "workload",
            workload.COLUMNS,
            workload.workload_rows,
            Accepts(("from", "to", "teams"), required=("from", "to")),
        ),
        Kind(
            "calendar",
            calendar.COLUMNS,
            calendar.calendar_rows,
            Accepts(CALENDAR_PARAMETERS, required=("from", "to"), kinds_field="entry_kinds"),
        ),
    )
}


def export(kind: Kind, format: Format, source: Source, criteria: Criteria) -> Iterator[bytes]:
    """The export's bytes in chunks. Its parameters are checked against the data (a
    `root` that names no goal, too many weeks) before this returns, so a refusal comes
    before the first byte; the rows are made as the chunks are read."""
    rows = kind.rows(source, criteria)
    return encoded(format, kind.columns, rows)


def column_names(kind: Kind) -> Sequence[str]:
    return [column.name for column in kind.columns]
