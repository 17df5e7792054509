"""The goal tree and campaigns exports in the reporting currency (USD), by hand, over
HTTP, on both engines.

EUR has two rates: 1.10 from 2027-01-04 and 1.20 from 2027-01-08 (and a rate into GBP,
which USD reporting ignores). Every amount converts at the latest rate on or before its
own date, a budget at its campaign's start. Today is 2027-01-20, after every campaign
ended, so projected spend is the spend.

- US launch (USD, 2027-01-04..13): budget 1000, spend 200, revenue 500, 10 leads:
  cost per lead 20.00, ROI (500 - 200) / 200 = 1.5000.
- EU launch (EUR, 2027-01-05..14): budget 2000 x 1.10 = 2200 (Jan 5 takes Jan 4's),
  spend 100 on Jan 6 x 1.10 + 300 on Jan 9 x 1.20 = 470, revenue 1000 on Jan 12 x 1.20
  = 1200, 30 leads: cost per lead 470 / 30 = 15.67, ROI 730 / 470 = 1.5532.
- Both support "Revenue" of "Grow sales": 3200, 670, 670, 1700, 40 leads: 16.75, ROI
  1030 / 670 = 1.5373.
- Early EU (EUR, 2027-01-02..10) supports "French leads" of "Enter France": its budget
  (Jan 2) and a spend of 50 on Jan 3 come before the first rate, so budget, spend and
  projected spend are empty and named in the gaps; a spend of 100 on Jan 5 converts but
  no total shows without the other. No revenue: 0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server import clock
from server.enums import ResultMetric
from tests import factories as make
from tests.export_org import csv_rows, fetch, jsonl_rows
from tests.test_export_tree_campaigns import FIGURES, api_figures

TODAY = date(2027, 1, 20)
COLUMNS = (
    "reporting_currency", "budget_reporting", "spend_to_date_reporting",
    "projected_spend_reporting", "revenue_reporting", "cost_per_lead_reporting",
    "roi_reporting", "reporting_gaps",
)  # fmt: skip

SALES = ("USD", "3200.00", "670.00", "670.00", "1700.00", "16.75", "1.5373", "")
US = ("USD", "1000.00", "200.00", "200.00", "500.00", "20.00", "1.5000", "")
EU = ("USD", "2200.00", "470.00", "470.00", "1200.00", "15.67", "1.5532", "")
EARLY_GAPS = "EUR 2027-01-02: budget; EUR 2027-01-03: spend_to_date, projected_spend"
EARLY = ("USD", "", "", "", "0.00", "", "", EARLY_GAPS)
EARLY_GAP_ITEMS = [
    {
        "currency": "EUR",
        "date": "2027-01-02",
        "figures": ["budget"],
        "message": "No exchange rate for EUR on or before 2027-01-02.",
    },
    {
        "currency": "EUR",
        "date": "2027-01-03",
        "figures": ["spend_to_date", "projected_spend"],
        "message": "No exchange rate for EUR on or before 2027-01-03.",
    },
]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def two_currencies() -> dict:
    """The organisation above; rows by short name."""
    o: dict = {}
    team = await make.team(name="Growth")
    period = {"period_start": date(2027, 1, 1), "period_end": date(2027, 3, 31)}
    o["sales"] = await make.goal(team, title="Grow sales", **period)
    o["revenue"] = await make.key_result(o["sales"], title="Revenue")
    o["france"] = await make.goal(team, title="Enter France", **period)
    o["french"] = await make.key_result(o["france"], title="French leads")
    o["us"] = await make.campaign(team, name="US launch", currency="USD",
                                  budget=D("1000.00"), start_date=date(2027, 1, 4),
                                  end_date=date(2027, 1, 13))  # fmt: skip
    o["eu"] = await make.campaign(team, name="EU launch", currency="EUR",
                                  budget=D("2000.00"), start_date=date(2027, 1, 5),
                                  end_date=date(2027, 1, 14))  # fmt: skip
    o["early"] = await make.campaign(team, name="Early EU", currency="EUR",
                                     budget=D("500.00"), start_date=date(2027, 1, 2),
                                     end_date=date(2027, 1, 10))  # fmt: skip
    await make.align(o["us"], o["revenue"], "1")
    await make.align(o["eu"], o["revenue"], "1")
    await make.align(o["early"], o["french"], "1")
    await make.spend(o["us"], "200.00", date=date(2027, 1, 5))
    await make.result(o["us"], ResultMetric.REVENUE, "500", date=date(2027, 1, 6))
    await make.result(o["us"], ResultMetric.LEADS, 10, date=date(2027, 1, 6))
    await make.spend(o["eu"], "100.00", date=date(2027, 1, 6))
    await make.spend(o["eu"], "300.00", date=date(2027, 1, 9))
    await make.result(o["eu"], ResultMetric.REVENUE, "1000", date=date(2027, 1, 12))
    await make.result(o["eu"], ResultMetric.LEADS, 30, date=date(2027, 1, 12))
    await make.spend(o["early"], "50.00", date=date(2027, 1, 3))
    await make.spend(o["early"], "100.00", date=date(2027, 1, 5))
    await make.exchange_rate("EUR", "1.10", date(2027, 1, 4))
    await make.exchange_rate("EUR", "1.20", date(2027, 1, 8))
    await make.exchange_rate("EUR", "0.85", date(2027, 1, 4), quote="GBP")
    return o


def reported(row: dict) -> tuple:
    return tuple(row[column] for column in COLUMNS)


async def test_tree_csv_shows_each_node_in_the_reporting_currency(db, gql):
    # given
    await two_currencies()

    # when
    response = await fetch(gql, "/export/tree.csv", campaigns="true")

    # then
    rows = csv_rows(response)
    assert [(row["title"], reported(row)) for row in rows] == [
        ("Grow sales", SALES),
        ("Revenue", SALES),
        ("US launch", US),
        ("EU launch", EU),
        ("Enter France", EARLY),
        ("French leads", EARLY),
        ("Early EU", EARLY),
    ]


async def test_tree_json_lines_carry_gaps_as_objects_and_agree_with_the_api(db, gql):
    # given
    await two_currencies()

    # when
    response = await fetch(gql, "/export/tree.jsonl", campaigns="true")

    # then
    rows = {row["title"]: row for row in jsonl_rows(response)}
    assert {name: rows["Grow sales"][name] for name in COLUMNS} == {
        "reporting_currency": "USD",
        "budget_reporting": "3200.00",
        "spend_to_date_reporting": "670.00",
        "projected_spend_reporting": "670.00",
        "revenue_reporting": "1700.00",
        "cost_per_lead_reporting": "16.75",
        "roi_reporting": "1.5373",
        "reporting_gaps": [],
    }
    early = rows["Early EU"]
    assert early["budget_reporting"] is None and early["spend_to_date_reporting"] is None
    assert early["revenue_reporting"] == "0.00"
    assert early["reporting_gaps"] == EARLY_GAP_ITEMS
    by_id = {row["id"]: row for row in rows.values()}
    nodes = (await gql.data(FIGURES, {"ids": list(by_id)}))["nodes"]
    for node in nodes:
        exported = tuple(by_id[node["id"]][name] for name in COLUMNS[:-1])
        assert exported == api_figures(node)[11:-1], node["id"]


async def test_campaigns_csv_and_json_lines_in_the_reporting_currency(db, gql):
    # given
    await two_currencies()

    # when
    as_csv = csv_rows(await fetch(gql, "/export/campaigns.csv"))
    as_jsonl = jsonl_rows(await fetch(gql, "/export/campaigns.jsonl"))

    # then: by start date
    assert [(row["name"], reported(row)) for row in as_csv] == [
        ("Early EU", EARLY),
        ("US launch", US),
        ("EU launch", EU),
    ]
    assert [row["name"] for row in as_jsonl] == ["Early EU", "US launch", "EU launch"]
    assert as_jsonl[0]["reporting_gaps"] == EARLY_GAP_ITEMS
    assert as_jsonl[0]["cost_per_lead_reporting"] is None
    assert reported({**as_jsonl[2], "reporting_gaps": ""}) == EU
