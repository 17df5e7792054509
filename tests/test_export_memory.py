"""The memory an export holds does not grow with its file: rows are made as chunks are
read, never gathered first. Measured with tracemalloc on a synthetic organisation, for
a small and a several times larger export of the same kind (bench/export.py measures
100 000 rows)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from fixtures.generator import generate_document
from fixtures.loader import load_document
from server import models
from server.exports import formats
from server.exports.criteria import parse_criteria
from server.exports.formats import Format
from server.exports.ids import global_id
from server.exports.kinds import KINDS, export
from server.exports.source import source_of
from server.read_model import ReadModel
from server.settings import Thresholds
from tests.export_org import TODAY


async def measured(kind_name: str, format: Format, params: dict) -> tuple[int, int]:
    """Bytes written and the most memory held meanwhile, once what the engine keeps per
    data version is filled (as by any earlier reader)."""
    snapshot = await ReadModel().current()
    kind = KINDS[kind_name]
    source = await source_of(snapshot, TODAY, Thresholds(), risks=kind.needs_risks)
    criteria = parse_criteria(kind.accepts, params)
    for _ in export(kind, format, source, criteria):
        pass
    # Rows are freed as soon as they are written, but CPython keeps up to 2 000 freed
    # tuples of each length for reuse, which tracemalloc counts as held: fill that list
    # first, and keep the cyclic collector (which empties it) paused meanwhile; nothing
    # an export makes is cyclic.
    filler = [tuple([n] * len(kind.columns)) for n in range(2100)]
    del filler
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        written = sum(len(chunk) for chunk in export(kind, format, source, criteria))
        return written, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        gc.enable()


SLACK = 64 * 1024
"""Allocations that come and go whatever the size (a dict growing, a chunk's text)."""


@pytest.fixture
async def synthetic(db, monkeypatch: pytest.MonkeyPatch) -> None:
    """A synthetic organisation of 3 000 nodes; chunks of 4 KiB, so that the smaller
    export of each test is already several chunks long."""
    monkeypatch.setattr(formats, "CHUNK_BYTES", 4096)
    await load_document(generate_document(3000, 1, TODAY), name="export memory")


@pytest.mark.parametrize("format", list(Format))
async def test_workload_of_every_team_holds_no_more_than_of_one(synthetic, format):
    # given
    team = await models.Team.filter(archived_at=None).order_by("name").first()
    weeks = {"from": ["2026-01-05"], "to": ["2027-02-28"]}

    # when
    small = await measured("workload", format, {**weeks, "teams": [global_id("Team", team.pk)]})
    large = await measured("workload", format, weeks)

    # then: several times the rows, about the same memory
    assert large[0] > 4 * small[0]
    assert large[1] < small[1] + SLACK, (small, large)


@pytest.mark.parametrize("format", list(Format))
async def test_a_year_of_calendar_holds_no_more_than_a_month(synthetic, format):
    # given: task due dates, which never clash (the export indexes the range's clashes
    # by entry, which grows with the clashes, not with the rows)
    tasks = {"kinds": ["TASK_DUE"], "includeTasks": ["true"]}

    # when
    small = await measured(
        "calendar", format, {"from": ["2026-06-01"], "to": ["2026-06-30"], **tasks}
    )
    year = {"from": ["2026-01-01"], "to": ["2026-12-31"], **tasks}
    large = await measured("calendar", format, year)

    # then
    assert large[0] > 4 * small[0]
    assert large[1] < small[1] + SLACK, (small, large)
