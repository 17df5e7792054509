"""`throughline export KIND`: an export written to a file or to standard output.

The command reads the database directly (no server needed) through a read model of its
own, so its rows and figures are those the API would give at the same moment. A file is
written beside its final name and moved into place once complete (readable by its owner
only: exports hold the organisation's plans and money), so a refused or interrupted
export never leaves half a file; standard output gets the chunks as they are made.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from server import clock, models
from server.database import close_database, open_database
from server.exports.columns import Row
from server.exports.criteria import ExportInputError, parse_criteria
from server.exports.formats import Format, encoded
from server.exports.ids import decoded, global_id
from server.exports.kinds import KINDS
from server.exports.source import source_of
from server.read_model import ReadModel, Snapshot
from server.settings import Settings

FLAGS = {
    "from": "--from",
    "to": "--to",
    "teams": "--team",
    "timeZone": "--time-zone",
    "kinds": "--kind",
    "channels": "--channel",
    "under": "--under",
    "campaign": "--campaign",
    "includeTasks": "--tasks",
    "root": "--root",
    "campaigns": "--campaigns",
    "severity": "--severity",
}
"""Each parameter's command-line flag, to name it in messages."""


def in_flags(error: ExportInputError) -> str:
    """The message with parameter names written as the command's flags."""
    message = str(error)
    for name, flag in FLAGS.items():
        message = message.replace(f"`{name}`", flag)
    return message


def team_ids(snapshot: Snapshot, keys: Sequence[str]) -> list[str]:
    """Teams named by global ID or by name (case ignored), as global IDs."""
    found = []
    live = [t for t in snapshot.table(models.Team).values() if t.archived_at is None]
    for key in keys:
        if decoded(key.strip(), "Team") is not None:
            found.append(key.strip())
            continue
        named = [team for team in live if team.name.casefold() == key.strip().casefold()]
        if len(named) != 1:
            raise ExportInputError(f"No team is called {key!r}.", "teams")
        found.append(global_id("Team", named[0].pk))
    return found


def _counted(rows: Iterator[Row], count: list[int]) -> Iterator[Row]:
    for row in rows:
        count[0] += 1
        yield row


async def run_export(
    settings: Settings,
    kind_name: str,
    file_format: str,
    params: Mapping[str, list[str]],
    output: str,
) -> str:
    """Write the export; the line to print when done. ExportInputError (a ValueError)
    when a parameter cannot be used, before anything is written."""
    kind = KINDS[kind_name]
    await open_database(settings)
    try:
        snapshot = await ReadModel().current()
        given = dict(params)
        if "teams" in given:
            given["teams"] = team_ids(snapshot, given["teams"])
        try:
            criteria = parse_criteria(kind.accepts, given)
            source = await source_of(
                snapshot, clock.today(), settings.thresholds, risks=kind.needs_risks
            )
            count = [0]
            rows = _counted(kind.rows(source, criteria), count)
        except ExportInputError as refused:
            raise ExportInputError(in_flags(refused), refused.parameter) from None
        chunks = encoded(Format(file_format), kind.columns, rows)
        if output == "-":
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return ""
        target = Path(output)
        write_file(target, chunks)
        return f"wrote {count[0]} {kind.name} rows to {target}"
    finally:
        await close_database()


def write_file(target: Path, chunks: Iterator[bytes]) -> None:
    """Write beside `target`, then move into place: all or nothing."""
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
