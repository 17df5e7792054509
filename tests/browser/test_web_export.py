"""Exports from the web client: the goal tree's and the calendar's export controls
download the file through the authenticated endpoint; its header and rows are checked
against the demo organisation and the API."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

TREE_HEADER = [
    "kind", "id", "parent_id", "depth", "path", "title", "team", "share", "progress",
    "expected_progress", "health", "currency", "budget", "spend_to_date", "projected_spend",
    "revenue", "leads", "cost_per_lead", "roi", "reporting_currency", "budget_reporting",
    "spend_to_date_reporting", "projected_spend_reporting", "revenue_reporting",
    "cost_per_lead_reporting", "roi_reporting", "reporting_gaps",
]  # fmt: skip
OBJECTIVE = "Grow ARR from $16M to $24M"  # the demo's first company objective
GOAL = """
query($search: String!) { goals(filter: {search: $search, rootsOnly: true}) { nodes {
  id title progress expectedProgress health ownerTeam { name } money { leads
    reporting { currency budget { amount } spendToDate { amount } roi } } } } }
"""
CALENDAR = """
query($from: Date!, $to: Date!, $filter: CalendarFilter) {
  calendar(from: $from, to: $to, timeZone: "UTC", filter: $filter) {
    entries(first: 100) { totalCount nodes { id kind title } } } }
"""


def downloaded(page, test_id: str):
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def test_the_goal_tree_exports_as_csv_with_the_figures_of_the_api(page, api):
    # given
    goal = api(GOAL, search=OBJECTIVE)["goals"]["nodes"][0]
    sign_in(page)
    expect(page.get_by_role("tree").get_by_role("treeitem").first).to_be_visible()

    # when
    name, text = downloaded(page, "export-tree-csv")

    # then
    assert re.fullmatch(r"throughline-tree-\d{4}-\d{2}-\d{2}\.csv", name)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == TREE_HEADER
    first = dict(zip(TREE_HEADER, rows[1], strict=True))
    assert (first["kind"], first["id"], first["parent_id"], first["depth"]) == (
        "GOAL", goal["id"], "", "0"
    )  # fmt: skip
    assert first["title"] == first["path"] == OBJECTIVE
    assert first["team"] == goal["ownerTeam"]["name"] == "Sales"
    assert (first["progress"], first["expected_progress"], first["health"], first["leads"]) == (
        goal["progress"], goal["expectedProgress"], goal["health"], goal["money"]["leads"]
    )  # fmt: skip
    reporting = goal["money"]["reporting"]  # the demo mixes USD and EUR work

    def amount(name: str) -> str:
        return (reporting[name] or {}).get("amount", "")

    assert (first["reporting_currency"], first["budget_reporting"],
            first["spend_to_date_reporting"], first["roi_reporting"]) == (
        reporting["currency"], amount("budget"), amount("spendToDate"), reporting["roi"] or "",
    )  # fmt: skip
    assert first["budget_reporting"]  # converted, not empty
    assert {row[0] for row in rows[1:]} == {"GOAL", "KEY_RESULT", "CAMPAIGN"}
    expect(page.get_by_role("status").filter(has_text=f"Saved {name}.")).to_be_visible()
    screenshot(page, "tree-exported")


def test_the_calendar_exports_the_range_and_filters_shown(page, api):
    # given: campaigns only, in the month view
    sign_in(page)
    page.goto("/#/calendar?view=month&kinds=CAMPAIGN")
    expect(page.get_by_role("status").filter(has_text=re.compile("entries from"))).to_be_visible()

    # when
    name, text = downloaded(page, "export-calendar-jsonl")

    # then: the file covers the dates on screen, with the entries the API gives for them
    found = re.fullmatch(
        r"throughline-calendar-(\d{4}-\d{2}-\d{2})-to-(\d{4}-\d{2}-\d{2})\.jsonl", name
    )
    assert found, name
    start, end = found.groups()
    rows = [json.loads(line) for line in text.splitlines()]
    entries = api(CALENDAR, **{"from": start, "to": end, "filter": {"kinds": ["CAMPAIGN"]}})
    nodes = entries["calendar"]["entries"]["nodes"]
    assert [row["id"] for row in rows] == [node["id"] for node in nodes]
    assert rows and {row["kind"] for row in rows} == {"CAMPAIGN"}
    assert rows[0]["title"] == nodes[0]["title"]
    shown = page.locator("[data-entry]").evaluate_all("els => els.map(e => e.dataset.entry)")
    assert set(shown) <= {row["id"] for row in rows}
    screenshot(page, "calendar-exported")
