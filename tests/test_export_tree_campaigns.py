"""Exports of the goal tree and the campaigns over HTTP, on both engines: every row
written out by hand (tests/export_org.py explains the figures), and every figure
compared with what the GraphQL API answers for the same node."""

from __future__ import annotations

import pytest

from server import clock
from tests.export_org import TODAY, csv_rows, fetch, jsonl_rows, organisation

FIGURES = """
query ($ids: [ID!]!) { nodes(ids: $ids) {
  id
  ... on Goal { progress expectedProgress health money { ...Money } }
  ... on KeyResult { progress expectedProgress health money { ...Money } }
  ... on Campaign { progress expectedProgress health money { ...Money } }
} }
fragment Money on MoneySummary { currency budget { amount } spendToDate { amount }
  projectedSpend { amount } revenue { amount } leads costPerLead { amount } roi
  reporting { currency budget { amount } spendToDate { amount } projectedSpend { amount }
    revenue { amount } costPerLead { amount } roi gaps { currency date } } }
"""
REPORTING = (
    "reporting_currency,budget_reporting,spend_to_date_reporting,projected_spend_reporting,"
    "revenue_reporting,cost_per_lead_reporting,roi_reporting,reporting_gaps"
)

TREE_HEADER = (
    "kind,id,parent_id,depth,path,title,team,share,progress,expected_progress,health,"
    f"currency,budget,spend_to_date,projected_spend,revenue,leads,cost_per_lead,roi,{REPORTING}"
)
CAMPAIGNS_HEADER = (
    "id,name,status,team,start_date,end_date,channels,audience,progress,expected_progress,"
    "health,currency,budget,spend_to_date,projected_spend,revenue,leads,cost_per_lead,roi,"
    f"{REPORTING},key_results"
)
EUR_WHOLE = ("EUR", "10000.00", "3000.00", "6000.00", "4500.00", "120", "25.00", "0.5000")
EUR_60 = ("EUR", "6000.00", "1800.00", "3600.00", "2700.00", "72", "25.00", "0.5000")
EUR_40 = ("EUR", "4000.00", "1200.00", "2400.00", "1800.00", "48", "25.00", "0.5000")
NO_MONEY = ("", "", "", "", "", "0", "", "")
# In USD (the reporting currency) with no EUR rate at all, every EUR amount is a gap: the
# budget at the campaign's start, the spend and the revenue at their entries' dates.
EUR_GAPS = (
    "EUR 2026-03-01: budget; EUR 2026-03-15: spend_to_date, projected_spend; "
    "EUR 2026-03-20: revenue"
)
EUR_GAP_ITEMS = [
    {"currency": "EUR", "date": day, "figures": figures,
     "message": f"No exchange rate for EUR on or before {day}."}
    for day, figures in (("2026-03-01", ["budget"]),
                         ("2026-03-15", ["spend_to_date", "projected_spend"]),
                         ("2026-03-20", ["revenue"]))
]  # fmt: skip
EUR_REPORTED = ("USD", "", "", "", "", "", "", EUR_GAPS)
NOTHING_REPORTED = ("USD", "", "0.00", "0.00", "0.00", "", "", "")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def tree_row(ids, kind, name, parent, depth, path, title, team, share, progress, money):
    reported = NOTHING_REPORTED if money is NO_MONEY else EUR_REPORTED
    values = (kind, ids[name], ids[parent] if parent else "", str(depth), path, title, team,
              share, *progress, *money, *reported)  # fmt: skip
    return dict(zip(TREE_HEADER.split(","), values, strict=True))


def expected_tree(ids: dict[str, str], with_campaigns: bool) -> list[dict[str, str]]:
    top, q2 = "Grow pipeline", "'=Q2 push"
    kr3 = 'Webinar sign-ups, "EMEA"'
    campaign = ("0.2500", "0.5000", "AT_RISK")
    rows = [
        tree_row(ids, "GOAL", "g1", None, 0, top, top, "Growth", "",
                 ("0.3833", "0.2877", "ON_TRACK"), EUR_WHOLE),
        tree_row(ids, "KEY_RESULT", "kr1", "g1", 1, f"{top} / SQLs", "SQLs", "Growth", "",
                 ("0.4000", "0.2877", "ON_TRACK"), EUR_60),
        tree_row(ids, "CAMPAIGN", "c1", "kr1", 2, f"{top} / SQLs / Spring webinars",
                 "Spring webinars", "Growth", "0.6000", campaign, EUR_WHOLE),
        tree_row(ids, "KEY_RESULT", "kr2", "g1", 1, f"{top} / Win rate", "Win rate", "Growth",
                 "", ("0.5000", "0.5801", "ON_TRACK"), NO_MONEY),
        tree_row(ids, "GOAL", "g2", "g1", 1, f"{top} / =Q2 push", q2, "Sales", "",
                 ("0.2500", "0.1648", "ON_TRACK"), EUR_40),
        tree_row(ids, "KEY_RESULT", "kr3", "g2", 2, f"{top} / =Q2 push / {kr3}", kr3, "Sales",
                 "", ("0.2500", "0.1648", "ON_TRACK"), EUR_40),
        tree_row(ids, "CAMPAIGN", "c1", "kr3", 3,
                 f"{top} / =Q2 push / {kr3} / Spring webinars", "Spring webinars", "Growth",
                 "0.4000", campaign, EUR_WHOLE),
    ]  # fmt: skip
    return [row for row in rows if with_campaigns or row["kind"] != "CAMPAIGN"]


def api_figures(node: dict) -> tuple[str | None, ...]:
    """A node's progress and money as the API gives them, in the export's columns."""
    money = node["money"]
    reporting = money["reporting"]

    def amount(figures, name):
        return figures[name] and figures[name]["amount"]

    return (
        node["progress"], node["expectedProgress"], node["health"], money["currency"],
        amount(money, "budget"), amount(money, "spendToDate"),
        amount(money, "projectedSpend"), amount(money, "revenue"), money["leads"],
        amount(money, "costPerLead"), money["roi"], reporting["currency"],
        amount(reporting, "budget"), amount(reporting, "spendToDate"),
        amount(reporting, "projectedSpend"), amount(reporting, "revenue"),
        amount(reporting, "costPerLead"), reporting["roi"],
        "; ".join(f"{gap['currency']} {gap['date']}" for gap in reporting["gaps"]),
    )  # fmt: skip


FIGURE_COLUMNS = TREE_HEADER.split(",")[8:]
GAPS = FIGURE_COLUMNS.index("reporting_gaps")


async def assert_figures_match_the_api(gql, rows: list[dict], id_column: str = "id") -> None:
    ids = list(dict.fromkeys(row[id_column] for row in rows))
    nodes = {n["id"]: n for n in (await gql.data(FIGURES, {"ids": ids}))["nodes"]}
    for row in rows:
        exported = tuple(row[column] for column in FIGURE_COLUMNS)
        gaps = [gap.split(":")[0] for gap in exported[GAPS].split("; ") if gap]
        exported = (*exported[:GAPS], "; ".join(gaps))  # the API's gaps by currency and date
        shown = tuple(value or "" for value in api_figures(nodes[row[id_column]]))
        assert exported == shown, row


async def test_tree_csv_has_every_goal_and_key_result_with_their_figures(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/tree.csv")

    # then
    assert response.content.decode().split("\r\n", 1)[0] == TREE_HEADER
    rows = csv_rows(response)
    assert rows == expected_tree(ids, with_campaigns=False)
    await assert_figures_match_the_api(gql, rows)


async def test_tree_with_campaigns_as_json_lines(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/tree.jsonl", campaigns="true")

    # then
    rows = jsonl_rows(response)
    expected = expected_tree(ids, with_campaigns=True)
    assert [list(row) for row in rows] == [TREE_HEADER.split(",")] * len(expected)
    for row, want in zip(rows, expected, strict=True):
        assert row["depth"] == int(want["depth"])
        assert row["title"] == want["title"].removeprefix("'")  # no guard in JSON lines
        assert row["reporting_gaps"] == ([] if want["reporting_gaps"] == "" else EUR_GAP_ITEMS)
        text = csv_like([row])[0]
        assert {**text, "title": want["title"]} == want
    await assert_figures_match_the_api(gql, csv_like(rows))


def csv_like(rows: list[dict]) -> list[dict[str, str]]:
    """JSON lines rows as their CSV cells (gaps as CSV writes them)."""
    found = []
    for row in rows:
        text = {k: "" if v is None else str(v) for k, v in row.items()}
        gaps = [
            f"{g['currency']} {g['date']}: {', '.join(g['figures'])}" for g in row["reporting_gaps"]
        ]
        found.append({**text, "reporting_gaps": "; ".join(gaps)})
    return found


async def test_tree_of_one_subtree_for_one_team(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/tree.csv", root=ids["g2"], teams=ids["sales"])

    # then: depth and path count from the root asked for (a path starting with = guarded)
    rows = csv_rows(response)
    assert [(r["kind"], r["id"], r["depth"], r["path"]) for r in rows] == [
        ("GOAL", ids["g2"], "0", "'=Q2 push"),
        ("KEY_RESULT", ids["kr3"], "1", '\'=Q2 push / Webinar sign-ups, "EMEA"'),
    ]


def campaign_row(ids, name, values, progress, money, key_results) -> dict[str, str]:
    row = (ids[name], *values, *progress, *money, key_results)
    return dict(zip(CAMPAIGNS_HEADER.split(","), row, strict=True))


def expected_campaigns(ids: dict[str, str]) -> list[dict[str, str]]:
    return [
        campaign_row(
            ids, "c2",
            ("Brand push", "ACTIVE", "Sales", "2026-02-01", "2026-04-30", "", ""),
            ("0.0000", "0.8315", "NOT_STARTED"),
            ("USD", "1000.00", "1200.00", "1443.24", "0.00", "0", "", "-1.0000",
             "USD", "1000.00", "1200.00", "1443.24", "0.00", "", "-1.0000", ""),
            "",
        ),
        campaign_row(
            ids, "c1",
            ("Spring webinars", "ACTIVE", "Growth", "2026-03-01", "2026-05-31",
             "EMAIL; WEBINAR", "SMB, Europe"),
            ("0.2500", "0.5000", "AT_RISK"),
            (*EUR_WHOLE, *EUR_REPORTED),
            'SQLs (0.6000); Webinar sign-ups, "EMEA" (0.4000)',
        ),
    ]  # fmt: skip


async def test_campaigns_csv_with_money_and_alignments(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/campaigns.csv")

    # then
    text = response.content.decode()
    assert text.split("\r\n", 1)[0] == CAMPAIGNS_HEADER
    assert '"SQLs (0.6000); Webinar sign-ups, ""EMEA"" (0.4000)"' in text  # RFC 4180
    rows = csv_rows(response)
    assert rows == expected_campaigns(ids)
    await assert_figures_match_the_api(gql, rows)


async def test_campaigns_json_lines_carry_aligned_key_results_as_objects(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/campaigns.jsonl", teams=ids["growth"])

    # then
    (row,) = jsonl_rows(response)
    assert row["id"] == ids["c1"]
    assert row["channels"] == ["EMAIL", "WEBINAR"]
    assert row["budget"] == "10000.00" and row["currency"] == "EUR"
    assert row["key_results"] == [
        {"id": ids["kr1"], "title": "SQLs", "share": "0.6000"},
        {"id": ids["kr3"], "title": 'Webinar sign-ups, "EMEA"', "share": "0.4000"},
    ]


async def test_campaigns_running_in_a_range(db, gql):
    # given
    ids = await organisation()

    # when: Brand push ends on 30 April, Spring webinars runs into May
    response = await fetch(
        gql, "/export/campaigns.csv", **{"from": "2026-05-01", "to": "2026-05-31"}
    )

    # then
    assert [row["id"] for row in csv_rows(response)] == [ids["c1"]]
