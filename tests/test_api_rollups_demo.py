"""The demo organisation shows what the computations are for: goals on track, at risk
and off track, and at least one risk of every kind."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from fixtures.demo import DEMO_NAME, demo_document
from fixtures.loader import load_document
from server import clock
from server.rollups.risks import RiskKind

DEMO = """
{ goals(first: 100) { nodes { health } }
  risks(first: 100) { totalCount nodes { kind } } }
"""


@pytest.mark.parametrize("today", [date(2026, 6, 15), date(2026, 11, 22)])
async def test_the_demo_shows_a_realistic_mix(gql, monkeypatch, today):
    # given
    monkeypatch.setattr(clock, "today", lambda: today)
    await load_document(demo_document(today), name=DEMO_NAME)

    # when
    data = await gql.data(DEMO)

    # then
    health = Counter(goal["health"] for goal in data["goals"]["nodes"])
    assert {"ON_TRACK", "AT_RISK", "OFF_TRACK"} <= set(health)
    assert data["risks"]["totalCount"] <= 100
    assert {risk["kind"] for risk in data["risks"]["nodes"]} == {kind.value for kind in RiskKind}
