"""The fixtures: relative dates, the demo organisation, the generator and the loader."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tortoise.exceptions import IntegrityError

from fixtures.dates import DateExprError, resolve_date, resolve_datetime
from fixtures.demo import DEMO_NAME, demo_document
from fixtures.generator import count_nodes, generate_document, split_nodes, synthetic_name
from fixtures.loader import database_is_empty, load_document
from fixtures.validation import FixtureError, count_rows, validate_document
from server.models import Campaign, FixtureLoad, Goal, KeyResult, User
from tests.fixtures_db import table_counts

TODAY = date(2026, 11, 22)  # a Sunday
OPEN_STATUSES = {"TODO", "IN_PROGRESS", "BLOCKED"}


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("expr", "today", "expected"),
    [
        ("today", TODAY, date(2026, 11, 22)),
        ("today-30", TODAY, date(2026, 10, 23)),
        ("today+14", TODAY, date(2026, 12, 6)),
        (" today-2w ", TODAY, date(2026, 11, 8)),
        ("year_start", TODAY, date(2026, 1, 1)),
        ("year_end", TODAY, date(2026, 12, 31)),
        ("year_start+90", TODAY, date(2026, 4, 1)),
        ("year_start+90", date(2028, 5, 5), date(2028, 3, 31)),  # leap year
        ("year_start-1", TODAY, date(2025, 12, 31)),
        ("year_end+1", TODAY, date(2027, 1, 1)),
        ("today+10", date(2026, 12, 25), date(2027, 1, 4)),
        ("today-1", date(2026, 1, 1), date(2025, 12, 31)),
        ("q1_start", TODAY, date(2026, 1, 1)),
        ("q1_end", TODAY, date(2026, 3, 31)),
        ("q3_end", TODAY, date(2026, 9, 30)),
        ("q4_start", TODAY, date(2026, 10, 1)),
        ("h1_end", TODAY, date(2026, 6, 30)),
        ("h2_start+14", TODAY, date(2026, 7, 15)),
        ("quarter_start", TODAY, date(2026, 10, 1)),
        ("quarter_end", date(2026, 2, 10), date(2026, 3, 31)),
        ("month_start", TODAY, date(2026, 11, 1)),
        ("month_start-1", TODAY, date(2026, 10, 31)),
        ("month_end", date(2028, 2, 3), date(2028, 2, 29)),
        ("week_start", TODAY, date(2026, 11, 16)),
        ("year_start+1m-1", TODAY, date(2026, 1, 31)),
        ("today+1m", date(2026, 1, 31), date(2026, 2, 28)),
        ("today-13m", date(2026, 3, 31), date(2025, 2, 28)),
        ("today+1w+2-3", TODAY, date(2026, 11, 28)),
        ("2026-02-14", TODAY, date(2026, 2, 14)),
    ],
)
def test_resolve_date(expr: str, today: date, expected: date) -> None:
    assert resolve_date(expr, today) == expected


def test_caller_anchors_and_datetimes() -> None:
    anchors = {"start": date(2026, 3, 1), "today": date(2000, 1, 1)}
    assert resolve_date("start+3", TODAY, anchors) == date(2026, 3, 4)
    assert resolve_date("today", TODAY, anchors) == date(2000, 1, 1)  # caller's anchor wins
    assert resolve_datetime("today-1", TODAY) == datetime(2026, 11, 21, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "expr",
    ["", "tomorrow", "Today", "today+", "today+3x", "today + 3", "today++3", "start",
     "2026-02-30", "2026-2-3", "today+99999999", None, 5],
)  # fmt: skip
def test_bad_date_expressions(expr) -> None:
    with pytest.raises(DateExprError):
        resolve_date(expr, TODAY)
    assert issubclass(DateExprError, ValueError)


# ---------------------------------------------------------------- the demo document


def _depths(goals: list[dict]) -> dict[str, int]:
    parent = {g["key"]: g["parent"] for g in goals}

    def depth(key: str) -> int:
        return 1 if parent[key] is None else 1 + depth(parent[key])

    return {key: depth(key) for key in parent}


def test_demo_meets_the_minimums() -> None:
    doc = demo_document(TODAY)
    teams = {t["name"] for t in doc["teams"]}
    assert {"Marketing", "Sales", "Product", "Customer Success"} <= teams
    users = doc["users"]
    assert 15 <= len(users) <= 25
    roles = Counter(u["role"] for u in users)
    assert roles["ADMIN"] >= 1 and roles["EDITOR"] >= 1 and roles["VIEWER"] >= 1
    assert {u["email"].split("@")[1] for u in users} == {"northwind-analytics.com"}
    assert {u["weekly_capacity_hours"] for u in users} >= {Decimal(40), Decimal(32), Decimal(20)}
    assert all(u["teams"] for u in users if u["role"] != "VIEWER")

    goals = doc["goals"]
    depths = _depths(goals)
    assert len(goals) >= 10 and max(depths.values()) == 3
    assert Counter(depths.values()) == {1: 4, 2: 8, 3: 10}
    by_key = {g["key"]: g for g in goals}
    for goal in goals:
        period = (goal["period_start"], goal["period_end"])
        if goal["parent"] is None:  # yearly at the top, halves and quarters below
            assert period == (date(2026, 1, 1), date(2026, 12, 31))
        else:
            parent = by_key[goal["parent"]]
            assert parent["period_start"] <= period[0] <= period[1] <= parent["period_end"]
            assert (period[1] - period[0]).days <= 183

    krs = doc["key_results"]
    assert len(krs) >= 25
    assert {k["unit"] for k in krs} == {"NUMBER", "PERCENT", "CURRENCY"}
    churn = next(k for k in krs if k["key"] == "kr_churn")
    assert (churn["start_value"], churn["target_value"]) == (Decimal(5), Decimal(3))
    for kr in krs:
        assert len(kr["check_ins"]) >= 2
        assert kr["check_ins"][-1]["value"] == kr["current_value"]

    campaigns = doc["campaigns"]
    assert len(campaigns) >= 20
    assert set(Counter(c["status"] for c in campaigns)) == {
        "DRAFT", "PLANNED", "ACTIVE", "PAUSED", "COMPLETED", "CANCELLED",
    }  # fmt: skip
    assert Counter(c["currency"] for c in campaigns)["EUR"] == 2
    assert sum(len(c["alignments"]) >= 2 for c in campaigns) >= 5
    assert any(len(c["channels"]) >= 3 for c in campaigns)
    for campaign in campaigns:
        if campaign["alignments"]:
            assert sum(a["share"] for a in campaign["alignments"]) == Decimal(1)
    metrics = {r["metric"] for c in campaigns for r in c["results"]}
    assert metrics == {"LEADS", "MQL", "SQL", "OPPORTUNITIES", "REVENUE", "SIGNUPS",
                       "IMPRESSIONS", "CLICKS"}  # fmt: skip

    tasks = doc["tasks"]
    assert len(tasks) >= 150
    assert any(t["campaign"] and t["key_result"] for t in tasks)
    assert any(t["key_result"] and not t["campaign"] for t in tasks)
    assert any(t["status"] in OPEN_STATUSES and t["due_date"] < TODAY for t in tasks)
    assert len({t["assignee"] for t in tasks}) >= 15

    milestones = doc["milestones"]
    assert {"RELEASE", "SALES_KICKOFF", "WEBINAR", "LAUNCH", "EVENT", "DEADLINE"} <= {
        m["kind"] for m in milestones
    }
    assert any(m["campaign"] for m in milestones) and any(m["key_result"] for m in milestones)
    # a few pieces of unaligned work
    assert any(not c["alignments"] for c in campaigns)
    assert any(not t["campaign"] and not t["key_result"] for t in tasks)
    assert any(not m["campaign"] and not m["key_result"] for m in milestones)


@pytest.mark.parametrize(
    "today", [date(2026, 1, 1), TODAY, date(2027, 12, 31), date(2028, 2, 29), date(2031, 7, 4)]
)
def test_demo_is_consistent_on_any_day(today: date) -> None:
    doc = demo_document(today)
    counts = validate_document(doc)
    assert counts["task"] >= 150 and counts["campaign"] >= 20
    assert all(g["period_start"].year == today.year for g in doc["goals"])
    for campaign in doc["campaigns"]:
        start, end, status = campaign["start_date"], campaign["end_date"], campaign["status"]
        expected = {
            "COMPLETED": end < today,
            "ACTIVE": start <= today <= end,
            "PAUSED": start <= today <= end,
            "PLANNED": today < start,
            "DRAFT": today < start,
            "CANCELLED": True,
        }
        assert expected[status], campaign["key"]
        for row in campaign["spend"] + campaign["results"]:
            assert start <= row["date"] <= today, campaign["key"]
        for task in doc["tasks"]:
            if task["campaign"] == campaign["key"] and status == "COMPLETED":
                assert task["status"] in {"DONE", "CANCELLED"}, task["title"]
    for task in doc["tasks"]:
        if task["status"] == "DONE":
            assert task["start_date"] <= today, task["title"]
    for kr in doc["key_results"]:
        times = [ci["checked_in_at"] for ci in kr["check_ins"]]
        assert times == sorted(times) and times[-1].date() < today


# ---------------------------------------------------------------- loading


async def test_demo_loads_once(db) -> None:
    doc = demo_document(TODAY)
    assert await database_is_empty()
    report = await load_document(doc, name=DEMO_NAME)
    assert report.loaded and report.rows == sum(count_rows(doc).values())
    assert await table_counts() == count_rows(doc) == report.counts
    assert not await database_is_empty()
    assert await FixtureLoad.filter(name=DEMO_NAME).values_list("rows", flat=True) == [report.rows]

    again = await load_document(doc, name=DEMO_NAME)
    assert not again.loaded and again.rows == 0 and "already loaded" in str(again)
    assert await table_counts() == count_rows(doc)
    assert await FixtureLoad.all().count() == 1

    # what went in is what the document says
    olivia = await User.get(email_key="olivia.bennett@northwind-analytics.com")
    assert olivia.role == "ADMIN"
    assert await olivia.memberships.all().count() == 1
    churn = await KeyResult.get(title="Annual logo churn down from 5% to 3%")
    assert (churn.start_value, churn.target_value, churn.current_value) == (
        Decimal(5), Decimal(3), Decimal("4.1"),
    )  # fmt: skip
    assert [c.value for c in await churn.check_ins.all()][-1] == Decimal("4.1")
    abm = await Campaign.get(name="LinkedIn ABM: top 500 mid-market accounts")
    assert sorted(r.channel for r in await abm.channel_rows.all()) == [
        "DIRECT_MAIL", "OUTBOUND", "PAID_SOCIAL",
    ]  # fmt: skip
    assert sorted(a.share for a in await abm.alignments.all()) == [
        Decimal("0.2"), Decimal("0.3"), Decimal("0.5"),
    ]  # fmt: skip
    leaf = await Goal.get(title="Onboard every new customer within 30 days")
    parent = await Goal.get(id=leaf.parent_id)
    top = await Goal.get(id=parent.parent_id)
    assert (parent.title, top.title, top.parent_id) == (
        "Cut logo churn", "Keep and grow the customers we have", None,
    )  # fmt: skip


async def test_demo_loads_into_in_memory_sqlite(db) -> None:
    doc = demo_document(TODAY)
    await load_document(doc, name=DEMO_NAME)
    assert await table_counts() == count_rows(doc)


async def test_progress_reaches_the_total(db) -> None:
    calls: list[tuple[int, int]] = []
    doc = generate_document(3000, 5, TODAY)
    report = await load_document(doc, name="p", progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls]
    assert len(calls) > 10 and done == sorted(set(done))
    assert {t for _, t in calls} == {report.rows} and done[-1] == report.rows


def _bad(mutate) -> dict:
    doc = copy.deepcopy(demo_document(TODAY))
    mutate(doc)
    return doc


def _campaign(doc: dict, key: str) -> dict:
    return next(c for c in doc["campaigns"] if c["key"] == key)


def _set_shares(doc: dict) -> None:
    for alignment, share in zip(_campaign(doc, "paid_search")["alignments"], ("0.5", "0.4"),
                                strict=True):  # fmt: skip
        alignment["share"] = Decimal(share)


BAD_DOCUMENTS = {
    "dangling": (lambda d: d["tasks"][0].update(assignee="nobody"), "unknown users key 'nobody'"),
    "shares": (_set_shares, "shares add up to 0.9, not 1"),
    "end_before_start": (
        lambda d: _campaign(d, "abm").update(end_date=date(2020, 1, 1)),
        "end_date 2020-01-01 is before start_date",
    ),
    "cycle": (lambda d: d["goals"][0].update(parent="ramp"), "cycle"),
    "float": (lambda d: _campaign(d, "abm").update(budget=1.5), "budget must be a Decimal"),
    "precision": (
        lambda d: _campaign(d, "abm").update(budget=Decimal("10.001")),
        "budget 10.001 does not fit 16 digits, 2 decimals",
    ),
    "enum": (lambda d: d["milestones"][0].update(kind="PARTY"), "kind 'PARTY' is not one of"),
    "duplicate_email": (
        lambda d: d["users"][1].update(email=d["users"][0]["email"].upper()),
        "used twice",
    ),
    "shape": (lambda d: d["key_results"][0]["check_ins"].append("x"), "malformed document"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
async def test_bad_documents_write_nothing(db, case: str) -> None:
    mutate, message = BAD_DOCUMENTS[case]
    doc = _bad(mutate)
    with pytest.raises(FixtureError, match=message):
        validate_document(doc)
    with pytest.raises(FixtureError, match=message):
        await load_document(doc, name="bad")
    assert set((await table_counts()).values()) == {0}
    assert await FixtureLoad.all().count() == 0


UNSUPPORTED_DATES = {
    "campaign_end": (
        lambda d: _campaign(d, "abm").update(end_date=date(9999, 12, 31)),
        "end_date 9999-12-31 is outside the supported dates",
    ),
    "check_in": (
        lambda d: d["key_results"][0]["check_ins"][0].update(
            checked_in_at=datetime(1, 1, 1, tzinfo=UTC)
        ),
        "checked_in_at 0001-01-01 00:00:00\\+00:00 is outside the supported times",
    ),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED_DATES))
async def test_fixture_dates_outside_the_supported_range_write_nothing(db, case: str) -> None:
    # given
    mutate, message = UNSUPPORTED_DATES[case]
    doc = _bad(mutate)
    # when / then
    with pytest.raises(FixtureError, match=message):
        await load_document(doc, name="bad")
    assert set((await table_counts()).values()) == {0}


async def test_a_failure_halfway_rolls_everything_back(db) -> None:
    doc = demo_document(TODAY)
    await load_document(doc, name=DEMO_NAME)
    before = await table_counts()
    other = copy.deepcopy(doc)
    other["teams"] = [dict(t, name=f"{t['name']} 2") for t in other["teams"]]
    # the teams go in, then the users collide with the demo's e-mail addresses
    with pytest.raises(IntegrityError):
        await load_document(other, name="demo-copy")
    assert await table_counts() == before
    assert await FixtureLoad.filter(name="demo-copy").count() == 0


# ---------------------------------------------------------------- the generator


def test_generator_is_deterministic() -> None:
    first = generate_document(1500, 7, TODAY)
    assert first == generate_document(1500, 7, TODAY)
    assert first != generate_document(1500, 8, TODAY)
    assert first != generate_document(1500, 7, date(2026, 11, 23))
    assert synthetic_name(1500, 7) == "synthetic-n1500-s7"


@pytest.mark.parametrize("nodes", [20, 21, 137, 1000, 20_000])
def test_generator_size_and_shape(nodes: int) -> None:
    doc = generate_document(nodes, 42, TODAY)
    assert abs(count_nodes(doc) - nodes) <= nodes // 10
    assert count_nodes(doc) == nodes == sum(split_nodes(nodes).values())
    validate_document(doc)
    depths = _depths(doc["goals"])
    assert max(depths.values()) in (3, 4)
    for campaign in doc["campaigns"]:
        assert len(campaign["alignments"]) <= 3
        if campaign["alignments"]:
            assert sum(a["share"] for a in campaign["alignments"]) == Decimal(1)
            assert all(isinstance(a["share"], Decimal) for a in campaign["alignments"])
    for kr in doc["key_results"]:
        if kr["check_ins"]:
            assert kr["check_ins"][-1]["value"] == kr["current_value"]
    if nodes >= 1000:
        tasks = doc["tasks"]
        unaligned = sum(not t["campaign"] and not t["key_result"] for t in tasks) / len(tasks)
        assert 0.01 < unaligned < 0.06
        assert any(not c["alignments"] for c in doc["campaigns"])
        assert any(len(c["alignments"]) == 3 for c in doc["campaigns"])
        assert any(t["status"] in OPEN_STATUSES and t["due_date"] < TODAY for t in tasks)


@pytest.mark.parametrize("nodes", [0, 19, -5, 20.0, True])
def test_generator_refuses_tiny_sizes(nodes) -> None:
    with pytest.raises(ValueError, match="at least 20"):
        generate_document(nodes, 1, TODAY)


def distinct_rates(*docs: dict) -> int:
    """Rates are the database's: one loaded beside another keeps the first of a day."""
    return len(
        {(x["currency"], x["quote"], x["date"]) for d in docs for x in d["exchange_rates"]}
    )


async def test_generated_documents_load_side_by_side(db) -> None:
    small, large = generate_document(200, 1, TODAY), generate_document(5000, 2, TODAY)
    await load_document(demo_document(TODAY), name=DEMO_NAME)
    await load_document(small, name=synthetic_name(200, 1))
    await load_document(large, name=synthetic_name(5000, 2))
    expected = Counter(count_rows(demo_document(TODAY)))
    expected.update(count_rows(small))
    expected.update(count_rows(large))
    expected["exchange_rate"] = distinct_rates(demo_document(TODAY), small, large)
    assert await table_counts() == dict(expected)
    assert await FixtureLoad.all().count() == 3


# ---------------------------------------------------------------- both engines


async def test_loading_side_by_side_keeps_ids_fresh(db) -> None:
    demo, synthetic = demo_document(TODAY), generate_document(3000, 3, TODAY)
    assert await database_is_empty()
    await load_document(demo, name=DEMO_NAME)
    await load_document(synthetic, name=synthetic_name(3000, 3))
    assert not (await load_document(demo, name=DEMO_NAME)).loaded
    expected = Counter(count_rows(demo))
    expected.update(count_rows(synthetic))
    expected["exchange_rate"] = distinct_rates(demo, synthetic)
    assert await table_counts() == dict(expected)
    with pytest.raises(FixtureError):
        await load_document(_bad(_set_shares), name="bad")
    assert await table_counts() == dict(expected)
    # later inserts still get fresh ids from the sequences
    goal = await Goal.create(
        title="Added later", owner_team_id=(await Goal.first()).owner_team_id,
        period_start=TODAY, period_end=TODAY,
    )  # fmt: skip
    assert goal.id == await Goal.all().count()
