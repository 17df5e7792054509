"""A task without a team of its own belongs to its campaign's owner team, else to its
key result's goal's owner team, wherever a team is derived: workload, OVER_CAPACITY,
risks and tasks by team, `team.tasks`, the calendar and the flat goal tree.

The clock stands on Monday 2026-01-12; every task runs Monday to Friday of that week.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from schema.core.node import global_id_of as gid
from server import clock
from tests import factories as make

TODAY = date(2026, 1, 12)
MONDAY, FRIDAY = date(2026, 1, 12), date(2026, 1, 16)

QUERY = """
query ($team: ID!, $goal: ID!) {
  team: node(id: $team) { ... on Team {
    workload(from: "2026-01-12", to: "2026-01-18") { capacityHours bookedHours }
    tasks { nodes { title } }
    risks { nodes { kind severity } }
  } }
  tasks(filter: {teams: [$team]}) { nodes { title } }
  risks(filter: {teams: [$team], kinds: [OVER_CAPACITY]}) { nodes { node { id } } }
  calendar(from: "2026-01-01", to: "2026-01-31", filter: {teams: [$team], includeTasks: true}) {
    entries { nodes { title team { name } } }
  }
  goalTreeFlat(root: $goal) { nodes { kind title teamName } }
}
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def test_a_task_without_a_team_belongs_to_its_campaigns_or_goals_team(gql):
    # given: Red (capacity 10 h a week) owns a goal and a campaign aligned to it;
    # Blue names itself on one task of Red's campaign
    red, blue = await make.team(name="Red"), await make.team(name="Blue")
    await make.user(teams=[red], weekly_capacity_hours=Decimal(10))
    goal = await make.goal(red, title="Goal")
    kr = await make.key_result(goal, title="KR")
    campaign = await make.campaign(
        red, name="Launch", start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)
    )
    await make.align(campaign, kr)
    week = {"start_date": MONDAY, "due_date": FRIDAY}
    await make.task(title="campaign task", campaign=campaign, estimate_hours=10, **week)
    await make.task(title="key result task", key_result=kr, estimate_hours=5, **week)
    await make.task(title="blue task", campaign=campaign, team=blue, estimate_hours=3, **week)

    # when
    data = await gql.data(QUERY, {"team": gid(red), "goal": gid(goal)})

    # then: Red books 10 + 5 hours against 10 (over by 50%: HIGH); Blue's task is Blue's
    ours = ["campaign task", "key result task"]
    team = data["team"]
    assert team["workload"] == {"capacityHours": "10.00", "bookedHours": "15.00"}
    assert [t["title"] for t in team["tasks"]["nodes"]] == ours
    assert team["risks"]["nodes"] == [{"kind": "OVER_CAPACITY", "severity": "HIGH"}]
    assert [t["title"] for t in data["tasks"]["nodes"]] == ours
    assert data["risks"]["nodes"] == [{"node": {"id": gid(red)}}]
    entries = [(e["title"], e["team"]["name"]) for e in data["calendar"]["entries"]["nodes"]]
    assert entries == [("Launch", "Red"), ("campaign task", "Red"), ("key result task", "Red")]
    rows = [(r["title"], r["teamName"]) for r in data["goalTreeFlat"]["nodes"]]
    assert rows == [
        ("Goal", "Red"),
        ("KR", "Red"),
        ("Launch", "Red"),
        ("campaign task", "Red"),
        ("blue task", "Blue"),
        ("key result task", "Red"),
    ]
