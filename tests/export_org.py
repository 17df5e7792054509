"""A small organisation for the export tests, and reading an export back.

Today is 2026-04-15. Figures used by the tests' hand-computed rows:

- Spring webinars (Growth, EUR, ACTIVE, 2026-03-01..05-31, 92 days, 46 elapsed:
  expected 0.5000): budget 10000, spend 3000 (projected 3000 x 92/46 = 6000), 120
  leads, 4500 revenue (cost per lead 25.00, ROI 0.5000); tasks of 10 h (done) and 30 h
  (open): progress 0.2500, AT_RISK. Aligned 0.6 to SQLs and 0.4 to the sign-ups.
- Brand push (Sales, USD, 2026-02-01..04-30, 89 days, 74 elapsed: 0.8315): budget
  1000, spend 1200 (projected 1200 x 89/74 = 1443.24, ROI -1.0000), no tasks
  (NOT_STARTED), unaligned: a CRITICAL BUDGET_OVERRUN (20% over).
- Grow pipeline (2026, 105 of 365 days: 0.2877) = mean of SQLs 40/100, Win rate
  (25 - 20)/(30 - 20) and =Q2 push (its only key result, 50/200): 1.15/3 = 0.3833.
  Win rate runs to 2026-06-30 (105/181 = 0.5801); =Q2 push and its key result from
  2026-04-01 to 2026-06-30 (15/91 = 0.1648).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx

from schema.core.ids import encode_global_id
from server.enums import CampaignStatus, Channel, MilestoneKind, ResultMetric, TaskStatus
from tests import factories as make

TODAY = date(2026, 4, 15)


async def organisation() -> dict[str, str]:
    """The organisation above; global IDs by short name."""
    growth = await make.team(name="Growth")
    sales = await make.team(name="Sales")
    ana = await make.user([growth], name="Ana Lima", weekly_capacity_hours=Decimal(32))
    ben = await make.user([growth, sales], name="Ben Okafor")
    g1 = await make.goal(growth, title="Grow pipeline")
    kr1 = await make.key_result(g1, title="SQLs", current_value=Decimal(40))
    kr2 = await make.key_result(
        g1,
        title="Win rate",
        start_value=Decimal(20),
        target_value=Decimal(30),
        current_value=Decimal(25),
        due_date=date(2026, 6, 30),
    )
    g2 = await make.goal(
        sales, g1, title="=Q2 push", period_start=date(2026, 4, 1), period_end=date(2026, 6, 30)
    )
    kr3 = await make.key_result(
        g2,
        title='Webinar sign-ups, "EMEA"',
        target_value=Decimal(200),
        current_value=Decimal(50),
        due_date=date(2026, 6, 30),
    )
    c1 = await make.campaign(
        growth,
        [Channel.WEBINAR, Channel.EMAIL],
        name="Spring webinars",
        status=CampaignStatus.ACTIVE,
        currency="EUR",
        audience="SMB, Europe",
        description="Three webinars.\nOne a month.",
    )
    await make.align(c1, kr1, "0.6")
    await make.align(c1, kr3, "0.4")
    await make.spend(c1, "3000")
    await make.result(c1, ResultMetric.LEADS, "120")
    await make.result(c1, ResultMetric.REVENUE, "4500")
    c2 = await make.campaign(
        sales,
        name="Brand push",
        status=CampaignStatus.ACTIVE,
        start_date=date(2026, 2, 1),
        end_date=date(2026, 4, 30),
        budget=Decimal("1000.00"),
    )
    await make.spend(c2, "1200", date=date(2026, 2, 10))
    t1 = await make.task(
        title="Book speakers",
        campaign=c1,
        status=TaskStatus.DONE,
        estimate_hours=Decimal(10),
        start_date=date(2026, 4, 1),
        due_date=date(2026, 4, 10),
    )
    t2 = await make.task(
        title="Send invitations",
        campaign=c1,
        status=TaskStatus.IN_PROGRESS,
        estimate_hours=Decimal(30),
        start_date=date(2026, 4, 13),
        due_date=date(2026, 4, 24),
        assignee=ana,
    )
    m1 = await make.milestone(
        growth,
        title="Webinar one",
        kind=MilestoneKind.WEBINAR,
        campaign=c1,
        start_date=date(2026, 4, 16),
        starts_at=datetime(2026, 4, 16, 14, 0, tzinfo=UTC),
        ends_at=datetime(2026, 4, 16, 15, 0, tzinfo=UTC),
    )
    m2 = await make.milestone(
        sales, title="@Pricing launch", kind=MilestoneKind.LAUNCH, start_date=date(2026, 4, 20)
    )
    m3 = await make.milestone(
        growth, title="Site launch", kind=MilestoneKind.LAUNCH, start_date=date(2026, 4, 20)
    )
    rows = {"growth": growth, "sales": sales, "ana": ana, "ben": ben, "g1": g1, "g2": g2}
    rows |= {"kr1": kr1, "kr2": kr2, "kr3": kr3, "c1": c1, "c2": c2, "t1": t1, "t2": t2}
    rows |= {"m1": m1, "m2": m2, "m3": m3}
    return {name: encode_global_id(_type_name(row), row.pk) for name, row in rows.items()}


def _type_name(row) -> str:
    return type(row).__name__


async def fetch(gql, path: str, **params) -> httpx.Response:
    """GET an export as the client's user."""
    return await gql.http.get(path, params=params, headers=await gql.headers())


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    """The records of a CSV answer read back with the standard library's parser."""
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


def jsonl_rows(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    lines = response.content.decode().split("\n")
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[:-1]]
