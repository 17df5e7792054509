"""Measured key results cost no statement of their own: on a small organisation and
after a ten times larger one has been added, every new field (source, the computed
current value, measurement with its campaigns and entries, the value history, the
key results an entry moves) sends the read model's freshness check alone."""

from __future__ import annotations

from datetime import date

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from schema.core.node import global_id_of
from server import clock, models
from server.enums import KeyResultSource, ResultMetric
from server.statements import count_statements

TODAY = date(2026, 6, 15)

MEASURED = """
query Measured($entries: [ID!]!) {
  keyResults(first: 20) { totalCount nodes {
    currentValue progress health source { kind metric baseMetric formula }
    measurement { value reason numerator denominator currency
      campaigns { campaign { id name } share value contribution
        entries { entry { id } amount contribution } }
      gaps { code message entry { id } } }
    valueHistory(last: 20) { totalCount nodes { day at value note checkIn { id } } }
  } }
  nodes(ids: $entries) { id }
}
"""
TRACES = """
query Traces($a: ID!, $b: ID!) {
  a: trace(id: $a) { movedKeyResults { keyResult { id title } share amount contribution } }
  b: trace(id: $b) { movedKeyResults { keyResult { id } reason } }
}
"""
STEADY_STATEMENTS = 1  # the freshness check of the read model
SOURCES = [
    (KeyResultSource.METRIC, ResultMetric.LEADS, None),
    (KeyResultSource.COST_PER, ResultMetric.LEADS, None),
    (KeyResultSource.CONVERSION_RATE, ResultMetric.SQL, ResultMetric.MQL),
    (KeyResultSource.ROI, None, None),
]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def measure_every_aligned_key_result() -> None:
    aligned = await models.Alignment.filter(archived_at=None).values_list(
        "key_result_id", flat=True
    )
    for n, pk in enumerate(sorted(set(aligned))):
        kind, metric, base = SOURCES[n % len(SOURCES)]
        await models.KeyResult.filter(pk=pk).update(
            source=kind, source_metric=metric, source_base_metric=base
        )


async def statements(gql) -> tuple[int, int, dict]:
    await gql.signed_in_user()
    await gql.settle()
    entries = await models.ResultEntry.filter(archived_at=None).order_by("id").limit(2)
    ids = {"a": global_id_of(entries[0]), "b": global_id_of(entries[1])}
    query = MEASURED
    counts = []
    for document, variables in ((query, {"entries": list(ids.values())}), (TRACES, ids)):
        with count_statements() as first:
            data = await gql.data(document, variables)
        with count_statements() as again:
            assert await gql.data(document, variables) == data
        counts.append((first.count, again.count))
        if document is query:
            found = data
    assert counts[0] == counts[1]
    return *counts[0], found


async def test_measured_fields_cost_no_statement_at_any_size(gql):
    # given: a small organisation whose aligned key results are all measured
    await load_document(generate_document(300, 41, TODAY), name=synthetic_name(300, 41))
    await measure_every_aligned_key_result()
    small_first, small_again, small = await statements(gql)

    # when: a ten times larger one is added
    await load_document(generate_document(3000, 42, TODAY), name=synthetic_name(3000, 42))
    await measure_every_aligned_key_result()
    large_first, large_again, large = await statements(gql)

    # then
    assert large["keyResults"]["totalCount"] > small["keyResults"]["totalCount"]
    assert any(kr["measurement"] for kr in large["keyResults"]["nodes"])
    assert small_first == large_first == STEADY_STATEMENTS
    assert small_again == large_again == STEADY_STATEMENTS
