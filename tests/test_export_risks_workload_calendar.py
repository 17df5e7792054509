"""Exports of risks, workload and a calendar range over HTTP, on both engines: rows
written out by hand (tests/export_org.py explains the figures) and compared with what
the GraphQL API answers for the same filters."""

from __future__ import annotations

import pytest

from server import clock
from tests.export_org import TODAY, csv_rows, fetch, jsonl_rows, organisation

RISKS = """
query ($filter: RiskFilter) { risks(filter: $filter, first: 100) { nodes {
  kind severity message node { id } related { id } figures { name value } } } }
"""
WORKLOAD = """
query ($ids: [ID!]!) { nodes(ids: $ids) {
  ... on Team { name workload(from: "2026-04-13", to: "2026-04-26") { ...Weeks } }
  ... on User { name workload(from: "2026-04-13", to: "2026-04-26") { ...Weeks } }
} }
fragment Weeks on Workload { weeks { weekStart weekEnd capacityHours bookedHours
  utilisation overbooked tasks { task { id } } } }
"""
CALENDAR = """
query ($filter: CalendarFilter) {
  calendar(from: "2026-04-01", to: "2026-04-30", timeZone: "Europe/Berlin", filter: $filter) {
    entries(first: 100) { nodes { id kind title description allDay startDate endDate
      startsAt endsAt team { name } node { id } objectives { id title } channels audience
      blocking externalCalendar location } }
    conflicts { rule severity startDate endDate message entries { id } } } }
"""
ADMIN = "Test Admin"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def test_risks_csv_row_of_a_budget_overrun(db, gql):
    # given
    ids = await organisation()

    # when
    response = await fetch(gql, "/export/risks.csv", kinds="BUDGET_OVERRUN")

    # then
    assert csv_rows(response) == [
        {
            "kind": "BUDGET_OVERRUN",
            "severity": "CRITICAL",
            "node_type": "Campaign",
            "node_id": ids["c2"],
            "node": "Brand push",
            "message": "Brand push has spent 1,200.00 USD of its 1,000.00 USD budget.",
            "goal_ids": "",
            "goals": "",
            "related_ids": "",
            "figures": "budget=1000.00; spendToDate=1200.00; overrun=200.00; currency=USD",
        }
    ]


async def test_risks_are_those_of_the_api_in_its_order(db, gql):
    # given
    await organisation()

    # when
    rows = jsonl_rows(await fetch(gql, "/export/risks.jsonl"))

    # then
    api = (await gql.data(RISKS))["risks"]["nodes"]
    assert len(rows) == len(api) > 3
    for row, risk in zip(rows, api, strict=True):
        assert (row["kind"], row["severity"], row["message"], row["node_id"]) == (
            risk["kind"], risk["severity"], risk["message"], risk["node"]["id"]
        )  # fmt: skip
        assert row["related_ids"] == [node["id"] for node in risk["related"]]
        assert row["figures"] == {f["name"]: f["value"] for f in risk["figures"]}


async def test_risks_under_a_goal_name_the_goals_they_threaten(db, gql):
    # given
    ids = await organisation()

    # when
    rows = jsonl_rows(await fetch(gql, "/export/risks.jsonl", under=ids["g2"]))

    # then: the webinars slip (AT_RISK against their dates); they serve both goals
    api = (await gql.data(RISKS, {"filter": {"under": ids["g2"]}}))["risks"]["nodes"]
    assert [row["message"] for row in rows] == [risk["message"] for risk in api]
    slip = next(row for row in rows if row["kind"] == "SCHEDULE_SLIP")
    assert slip["node_id"] == ids["c1"]
    assert slip["goal_ids"] == [ids["g1"], ids["g2"]]
    assert slip["goals"] == ["Grow pipeline", "=Q2 push"]


def weeks(kind, subject_id, name, capacity, booked, utilisation, tasks):
    return [
        {
            "subject_type": kind,
            "subject_id": subject_id,
            "subject": name,
            "week_start": start,
            "week_end": end,
            "capacity_hours": capacity,
            "booked_hours": booked,
            "utilisation": utilisation,
            "overbooked": "false",
            "tasks": tasks,
        }  # fmt: skip
        for start, end in (("2026-04-13", "2026-04-19"), ("2026-04-20", "2026-04-26"))
    ]


async def test_workload_csv_books_hours_against_capacity_per_week(db, gql):
    # given: 30 h over the ten weekdays from 13 to 24 April for Ana, on Growth's campaign;
    # Growth's capacity is Ana's 32 h and half of Ben's 40 h (he is on two teams)
    ids = await organisation()
    admin = await gql.signed_in_user()
    admin_id = (await gql.data("{ me { id } }"))["me"]["id"]

    # when
    response = await fetch(
        gql, "/export/workload.csv", **{"from": "2026-04-13", "to": "2026-04-26"}
    )

    # then
    assert csv_rows(response) == [
        *weeks("TEAM", ids["growth"], "Growth", "52.00", "15.00", "0.2885", "1"),
        *weeks("TEAM", ids["sales"], "Sales", "20.00", "0.00", "0.0000", "0"),
        *weeks("PERSON", ids["ana"], "Ana Lima", "32.00", "15.00", "0.4688", "1"),
        *weeks("PERSON", ids["ben"], "Ben Okafor", "40.00", "0.00", "0.0000", "0"),
        *weeks("PERSON", admin_id, admin.name, "40.00", "0.00", "0.0000", "0"),
    ]


async def test_workload_figures_are_those_of_the_api(db, gql):
    # given
    ids = await organisation()

    # when: one team, and the people on it
    params = {"from": "2026-04-15", "to": "2026-04-21", "teams": ids["sales"]}
    rows = jsonl_rows(await fetch(gql, "/export/workload.jsonl", **params))

    # then
    assert [(row["subject"], row["week_start"]) for row in rows] == [
        ("Sales", "2026-04-13"), ("Sales", "2026-04-20"),
        ("Ben Okafor", "2026-04-13"), ("Ben Okafor", "2026-04-20"),
    ]  # fmt: skip
    nodes = (await gql.data(WORKLOAD, {"ids": [ids["sales"], ids["ben"]]}))["nodes"]
    api = [(node["name"], week) for node in nodes for week in node["workload"]["weeks"]]
    for row, (name, week) in zip(rows, api, strict=True):
        assert row["subject"] == name
        assert (row["week_start"], row["week_end"], row["capacity_hours"], row["booked_hours"],
                row["utilisation"], row["overbooked"], row["tasks"]) == (
            week["weekStart"], week["weekEnd"], week["capacityHours"], week["bookedHours"],
            week["utilisation"], week["overbooked"], len(week["tasks"]))  # fmt: skip


async def test_calendar_json_lines_are_the_entries_of_the_api_with_their_conflicts(db, gql):
    # given
    ids = await organisation()
    params = {"from": "2026-04-01", "to": "2026-04-30", "timeZone": "Europe/Berlin",
              "includeTasks": "true"}  # fmt: skip

    # when
    rows = jsonl_rows(await fetch(gql, "/export/calendar.jsonl", **params))

    # then
    api = (await gql.data(CALENDAR, {"filter": {"includeTasks": True}}))["calendar"]
    entries = api["entries"]["nodes"]
    assert [row["id"] for row in rows] == [entry["id"] for entry in entries]
    for row, entry in zip(rows, entries, strict=True):
        assert (row["kind"], row["title"], row["description"], row["all_day"],
                row["start_date"], row["end_date"], row["starts_at"], row["ends_at"],
                row["team"], row["node_id"], row["objective_ids"], row["objectives"],
                row["channels"], row["audience"], row["blocking"], row["external_calendar"],
                row["location"]) == (
            entry["kind"], entry["title"], entry["description"], entry["allDay"],
            entry["startDate"], entry["endDate"], entry["startsAt"], entry["endsAt"],
            entry["team"]["name"], entry["node"]["id"], [g["id"] for g in entry["objectives"]],
            [g["title"] for g in entry["objectives"]], entry["channels"], entry["audience"],
            entry["blocking"], entry["externalCalendar"], entry["location"])  # fmt: skip
        clashes = [c for c in api["conflicts"] if entry["id"] in {e["id"] for e in c["entries"]}]
        assert row["conflicts"] == [
            {"rule": c["rule"], "severity": c["severity"], "startDate": c["startDate"],
             "endDate": c["endDate"], "message": c["message"]}
            for c in clashes
        ]  # fmt: skip
    # and by hand: the webinar at 14:00 UTC is at 16:00 in Berlin; the two launches clash
    by_id = {row["id"]: row for row in rows}
    webinar = by_id[f"milestone-{decoded(ids['m1'])}"]
    assert (webinar["starts_at"], webinar["ends_at"], webinar["objective_ids"]) == (
        "2026-04-16T16:00:00+02:00", "2026-04-16T17:00:00+02:00", [ids["g1"]]
    )  # fmt: skip
    launch = by_id[f"milestone-{decoded(ids['m2'])}"]
    assert [(c["rule"], c["severity"], c["startDate"]) for c in launch["conflicts"]] == [
        ("CROWDED_DAY", "MEDIUM", "2026-04-20")
    ]


def decoded(global_id: str) -> int:
    from schema.core.ids import decode_global_id

    return decode_global_id(global_id)[1]


async def test_calendar_csv_of_one_team_and_kind(db, gql):
    # given
    ids = await organisation()
    params = {"from": "2026-04-01", "to": "2026-04-30", "teams": ids["sales"], "kinds": "LAUNCH"}

    # when
    response = await fetch(gql, "/export/calendar.csv", **params)

    # then: the title starting with @ is guarded; the other launch is named in the clash
    (row,) = csv_rows(response)
    assert (row["id"], row["title"], row["all_day"], row["start_date"], row["end_date"]) == (
        f"milestone-{decoded(ids['m2'])}", "'@Pricing launch", "true", "2026-04-20",
        "2026-04-20"
    )  # fmt: skip
    assert row["starts_at"] == row["ends_at"] == ""
    assert row["conflicts"].startswith("CROWDED_DAY MEDIUM: ")
