"""`trace(id:)` up to the objectives, and `goal.supportingWork` down the whole subtree."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from server.enums import ResultMetric
from tests import factories

TRACE = """
query Trace($id: ID!) {
  trace(id: $id) {
    node { __typename id }
    aligned
    paths {
      share
      nodes { __typename id }
      objective { id isRoot }
    }
  }
}
"""

SUPPORTING_WORK = """
query SupportingWork($id: ID!) {
  node(id: $id) {
    ... on Goal {
      supportingWork {
        campaigns { totalCount nodes { id } }
        tasks { totalCount nodes { id } }
        milestones { totalCount nodes { id } }
      }
    }
  }
}
"""

SUPPORTING_WORK_OF_ALL_GOALS = """
query SupportingWorkOfAllGoals {
  goals(first: 100) {
    nodes {
      id
      supportingWork {
        campaigns { totalCount }
        tasks { totalCount }
        milestones { totalCount }
      }
    }
  }
}
"""

SUPPORTING_TASKS_PAGE = """
query SupportingTasksPage($id: ID!) {
  node(id: $id) {
    ... on Goal {
      supportingWork {
        tasks(first: 1) { totalCount pageInfo { hasNextPage } nodes { id } }
      }
    }
  }
}
"""


def encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def gid(row) -> str:
    return encode(f"{type(row).__name__}:{row.pk}")


def path_of(*rows, share: str = "1") -> tuple:
    """A path as the tests compare it: (node IDs in order, share, objective ID)."""
    return (tuple(gid(r) for r in rows), Decimal(share), gid(rows[-1]))


def paths_of(trace: dict) -> list[tuple]:
    """The paths of a trace in the same form, sorted so the order does not matter."""
    found = [
        (
            tuple(n["id"] for n in p["nodes"]),
            Decimal(p["share"]),
            p["objective"]["id"],
        )
        for p in trace["paths"]
    ]
    return sorted(found)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Three top-level objectives; a campaign supports key results under two of them
    (0.6 / 0.4) and a task on it also sits directly on a key result of the third."""
    o = SimpleNamespace()
    o.team = await factories.team(name="Growth")
    o.user = await factories.user(teams=[o.team])
    o.root_a = await factories.goal(o.team, title="Revenue")
    o.child_a = await factories.goal(o.team, parent=o.root_a, title="Pipeline")
    o.grand_a = await factories.goal(o.team, parent=o.child_a, title="Inbound")
    o.root_b = await factories.goal(o.team, title="Awareness")
    o.root_c = await factories.goal(o.team, title="Retention")
    o.kr_a = await factories.key_result(o.grand_a)
    o.kr_b = await factories.key_result(o.root_b)
    o.kr_c = await factories.key_result(o.root_c)
    o.camp = await factories.campaign(o.team)
    o.align_a = await factories.align(o.camp, o.kr_a, "0.6")
    o.align_b = await factories.align(o.camp, o.kr_b, "0.4")
    o.task = await factories.task(campaign=o.camp, key_result=o.kr_c)
    return o


async def test_task_on_campaign_and_key_result_has_three_paths(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.task)})

    # then
    trace = data["trace"]
    assert trace["aligned"] is True
    assert trace["node"] == {"__typename": "Task", "id": gid(org.task)}
    assert paths_of(trace) == sorted(
        [
            path_of(
                org.task, org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6"
            ),
            path_of(org.task, org.camp, org.kr_b, org.root_b, share="0.4"),
            path_of(org.task, org.kr_c, org.root_c, share="1"),
        ]
    )


async def test_trace_path_nodes_carry_their_types_in_order(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.task)})

    # then
    type_sequences = sorted(
        tuple(n["__typename"] for n in p["nodes"]) for p in data["trace"]["paths"]
    )
    assert type_sequences == sorted(
        [
            ("Task", "Campaign", "KeyResult", "Goal", "Goal", "Goal"),
            ("Task", "Campaign", "KeyResult", "Goal"),
            ("Task", "KeyResult", "Goal"),
        ]
    )


async def test_trace_objectives_are_top_level_goals(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.task)})

    # then
    objectives = sorted(p["objective"]["id"] for p in data["trace"]["paths"])
    assert objectives == sorted([gid(org.root_a), gid(org.root_b), gid(org.root_c)])
    assert all(p["objective"]["isRoot"] for p in data["trace"]["paths"])


async def test_trace_of_a_goal_climbs_to_its_root(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.grand_a)})

    # then
    assert data["trace"]["aligned"] is True
    assert paths_of(data["trace"]) == [path_of(org.grand_a, org.child_a, org.root_a)]


async def test_trace_of_a_root_goal_is_the_goal_itself(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.root_b)})

    # then
    assert data["trace"]["aligned"] is True
    assert data["trace"]["node"] == {"__typename": "Goal", "id": gid(org.root_b)}
    assert paths_of(data["trace"]) == [path_of(org.root_b)]


async def test_trace_of_a_key_result(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.kr_a)})

    # then
    assert data["trace"]["aligned"] is True
    assert paths_of(data["trace"]) == [path_of(org.kr_a, org.grand_a, org.child_a, org.root_a)]


async def test_trace_of_a_campaign_splits_by_share(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.camp)})

    # then
    assert data["trace"]["aligned"] is True
    assert paths_of(data["trace"]) == sorted(
        [
            path_of(org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6"),
            path_of(org.camp, org.kr_b, org.root_b, share="0.4"),
        ]
    )


async def test_trace_of_a_milestone_on_a_campaign(gql, org):
    # given
    milestone = await factories.milestone(org.team, campaign=org.camp)

    # when
    data = await gql.data(TRACE, {"id": gid(milestone)})

    # then
    assert paths_of(data["trace"]) == sorted(
        [
            path_of(
                milestone, org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6"
            ),
            path_of(milestone, org.camp, org.kr_b, org.root_b, share="0.4"),
        ]
    )


async def test_trace_of_a_milestone_on_a_key_result(gql, org):
    # given
    milestone = await factories.milestone(org.team, key_result=org.kr_b)

    # when
    data = await gql.data(TRACE, {"id": gid(milestone)})

    # then
    assert data["trace"]["aligned"] is True
    assert paths_of(data["trace"]) == [path_of(milestone, org.kr_b, org.root_b)]


async def test_trace_of_a_check_in(gql, org):
    # given
    check_in = await factories.check_in(org.kr_b, "3")

    # when
    data = await gql.data(TRACE, {"id": gid(check_in)})

    # then
    assert data["trace"]["node"] == {"__typename": "CheckIn", "id": gid(check_in)}
    assert paths_of(data["trace"]) == [path_of(check_in, org.kr_b, org.root_b)]


async def test_trace_of_a_spend_entry(gql, org):
    # given
    spend = await factories.spend(org.camp, "100")

    # when
    data = await gql.data(TRACE, {"id": gid(spend)})

    # then
    assert paths_of(data["trace"]) == sorted(
        [
            path_of(spend, org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6"),
            path_of(spend, org.camp, org.kr_b, org.root_b, share="0.4"),
        ]
    )


async def test_trace_of_a_result_entry(gql, org):
    # given
    result = await factories.result(org.camp, ResultMetric.LEADS, "7")

    # when
    data = await gql.data(TRACE, {"id": gid(result)})

    # then
    assert paths_of(data["trace"]) == sorted(
        [
            path_of(result, org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6"),
            path_of(result, org.camp, org.kr_b, org.root_b, share="0.4"),
        ]
    )


async def test_trace_of_an_alignment_carries_its_share(gql, org):
    # when
    data = await gql.data(TRACE, {"id": gid(org.align_b)})

    # then
    assert data["trace"]["aligned"] is True
    assert paths_of(data["trace"]) == [path_of(org.align_b, org.kr_b, org.root_b, share="0.4")]


async def test_task_with_neither_campaign_nor_key_result_is_unaligned(gql, org):
    # given
    task = await factories.task()

    # when
    data = await gql.data(TRACE, {"id": gid(task)})

    # then
    assert data["trace"] == {
        "node": {"__typename": "Task", "id": gid(task)},
        "aligned": False,
        "paths": [],
    }


async def test_task_on_an_unaligned_campaign_is_unaligned(gql, org):
    # given
    campaign = await factories.campaign(org.team)
    task = await factories.task(campaign=campaign)

    # when
    data = await gql.data(TRACE, {"id": gid(task)})

    # then
    assert (data["trace"]["aligned"], data["trace"]["paths"]) == (False, [])


async def test_milestone_with_neither_campaign_nor_key_result_is_unaligned(gql, org):
    # given
    milestone = await factories.milestone(org.team)

    # when
    data = await gql.data(TRACE, {"id": gid(milestone)})

    # then
    assert (data["trace"]["aligned"], data["trace"]["paths"]) == (False, [])


async def test_unaligned_campaign_has_no_paths(gql, org):
    # given
    campaign = await factories.campaign(org.team)

    # when
    data = await gql.data(TRACE, {"id": gid(campaign)})

    # then
    assert data["trace"] == {
        "node": {"__typename": "Campaign", "id": gid(campaign)},
        "aligned": False,
        "paths": [],
    }


async def test_archived_alignment_is_not_a_path(gql, org):
    # given
    await factories.archive(org.align_b)

    # when
    data = await gql.data(TRACE, {"id": gid(org.camp)})

    # then
    assert paths_of(data["trace"]) == [
        path_of(org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a, share="0.6")
    ]


async def test_campaign_whose_only_alignment_is_archived_is_unaligned(gql, org):
    # given
    campaign = await factories.campaign(org.team)
    alignment = await factories.align(campaign, org.kr_a, "1")
    await factories.archive(alignment)

    # when
    data = await gql.data(TRACE, {"id": gid(campaign)})

    # then
    assert (data["trace"]["aligned"], data["trace"]["paths"]) == (False, [])


async def test_archived_key_result_is_not_a_path(gql, org):
    # given
    await factories.archive(org.kr_c)

    # when
    data = await gql.data(TRACE, {"id": gid(org.task)})

    # then: only the two paths through the campaign remain
    assert [p[0][1] for p in paths_of(data["trace"])] == [gid(org.camp), gid(org.camp)]
    assert len(data["trace"]["paths"]) == 2


async def test_archived_campaign_is_not_a_path(gql, org):
    # given
    await factories.archive(org.camp)

    # when
    data = await gql.data(TRACE, {"id": gid(org.task)})

    # then
    assert paths_of(data["trace"]) == [path_of(org.task, org.kr_c, org.root_c)]


@pytest.mark.parametrize("kind", ["team", "user"])
async def test_trace_of_a_team_or_user_is_bad_user_input(gql, org, kind):
    # when
    error = await gql.error(TRACE, {"id": gid(getattr(org, kind))})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["trace"]


@pytest.mark.parametrize("type_name", ["Task", "Goal", "Campaign", "Milestone", "Alignment"])
async def test_trace_of_an_unknown_id_is_null(gql, org, type_name):
    # when
    body = await gql.raw(TRACE, {"id": encode(f"{type_name}:999999")})

    # then
    assert "errors" not in body
    assert body["data"] == {"trace": None}


@pytest.mark.parametrize(
    "bad_id", ["%%%", encode("Task"), encode("Task:x"), encode("Nothing:1"), encode("Task:-3")]
)
async def test_trace_of_a_malformed_id_is_bad_user_input(gql, org, bad_id):
    # when
    error = await gql.error(TRACE, {"id": bad_id})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- goal.supportingWork ----------------------------------------------------------------


@pytest.fixture
async def tree(db: str) -> SimpleNamespace:
    """top → middle → bottom, plus an archived branch and an unrelated objective."""
    t = SimpleNamespace()
    t.team = await factories.team(name="Growth")
    t.top = await factories.goal(t.team, title="Top")
    t.middle = await factories.goal(t.team, parent=t.top, title="Middle")
    t.bottom = await factories.goal(t.team, parent=t.middle, title="Bottom")
    t.archived_branch = await factories.goal(t.team, parent=t.top, title="Old")
    await factories.archive(t.archived_branch)
    t.other = await factories.goal(t.team, title="Other objective")

    t.kr_top = await factories.key_result(t.top)
    t.kr_bottom = await factories.key_result(t.bottom)
    t.kr_bottom2 = await factories.key_result(t.bottom)
    t.kr_old = await factories.key_result(t.archived_branch)
    t.kr_other = await factories.key_result(t.other)

    # Created late-starting first: supporting campaigns are listed by start date.
    t.camp_late = await factories.campaign(t.team, start_date=date(2026, 6, 1))
    await factories.align(t.camp_late, t.kr_top, "1")
    # Aligned to two key results of the same subtree: listed once.
    t.camp_twice = await factories.campaign(t.team, start_date=date(2026, 2, 1))
    await factories.align(t.camp_twice, t.kr_bottom, "0.5")
    await factories.align(t.camp_twice, t.kr_bottom2, "0.5")
    t.camp_unaligned = await factories.campaign(t.team)
    t.camp_other = await factories.campaign(t.team)
    await factories.align(t.camp_other, t.kr_other, "1")
    t.camp_old = await factories.campaign(t.team)
    await factories.align(t.camp_old, t.kr_old, "1")

    t.task_grand = await factories.task(campaign=t.camp_twice)
    t.task_direct = await factories.task(key_result=t.kr_top)
    # On an aligned campaign and on a key result of the same subtree: counted once.
    t.task_both = await factories.task(campaign=t.camp_twice, key_result=t.kr_bottom)
    t.task_unaligned = await factories.task(campaign=t.camp_unaligned)
    t.task_other = await factories.task(campaign=t.camp_other)
    t.task_old = await factories.task(campaign=t.camp_old)
    t.task_archived = await factories.task(campaign=t.camp_twice)
    await factories.archive(t.task_archived)

    t.ms_bottom_kr = await factories.milestone(
        t.team, key_result=t.kr_bottom, start_date=date(2026, 5, 1)
    )
    t.ms_camp = await factories.milestone(
        t.team, campaign=t.camp_twice, start_date=date(2026, 3, 1)
    )
    t.ms_unaligned = await factories.milestone(t.team, campaign=t.camp_unaligned)
    t.ms_loose = await factories.milestone(t.team)
    return t


def ids(connection: dict) -> list[str]:
    return [n["id"] for n in connection["nodes"]]


async def test_supporting_campaigns_of_the_whole_subtree(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.top)})

    # then: by start date, each once; unaligned, unrelated and archived-branch ones left out
    campaigns = data["node"]["supportingWork"]["campaigns"]
    assert campaigns["totalCount"] == 2
    assert ids(campaigns) == [gid(tree.camp_twice), gid(tree.camp_late)]


async def test_supporting_tasks_of_the_whole_subtree(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.top)})

    # then
    tasks = data["node"]["supportingWork"]["tasks"]
    assert tasks["totalCount"] == 3
    assert ids(tasks) == [gid(tree.task_grand), gid(tree.task_direct), gid(tree.task_both)]


async def test_supporting_milestones_of_the_whole_subtree(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.top)})

    # then: by date
    milestones = data["node"]["supportingWork"]["milestones"]
    assert milestones["totalCount"] == 2
    assert ids(milestones) == [gid(tree.ms_camp), gid(tree.ms_bottom_kr)]


async def test_supporting_work_of_a_middle_goal_excludes_work_above_it(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.middle)})

    # then
    work = data["node"]["supportingWork"]
    assert ids(work["campaigns"]) == [gid(tree.camp_twice)]
    assert ids(work["tasks"]) == [gid(tree.task_grand), gid(tree.task_both)]
    assert ids(work["milestones"]) == [gid(tree.ms_camp), gid(tree.ms_bottom_kr)]


async def test_supporting_work_of_a_leaf_goal(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.bottom)})

    # then
    work = data["node"]["supportingWork"]
    assert (
        work["campaigns"]["totalCount"],
        work["tasks"]["totalCount"],
        work["milestones"]["totalCount"],
    ) == (1, 2, 2)


async def test_supporting_work_of_another_objective_is_its_own(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK, {"id": gid(tree.other)})

    # then
    work = data["node"]["supportingWork"]
    assert ids(work["campaigns"]) == [gid(tree.camp_other)]
    assert ids(work["tasks"]) == [gid(tree.task_other)]
    assert work["milestones"] == {"totalCount": 0, "nodes": []}


async def test_supporting_work_of_many_goals_in_one_query(gql, tree):
    # when
    data = await gql.data(SUPPORTING_WORK_OF_ALL_GOALS)

    # then: (campaigns, tasks, milestones) per live goal
    counts = {
        n["id"]: tuple(
            n["supportingWork"][k]["totalCount"] for k in ("campaigns", "tasks", "milestones")
        )
        for n in data["goals"]["nodes"]
    }
    assert counts == {
        gid(tree.top): (2, 3, 2),
        gid(tree.middle): (1, 2, 2),
        gid(tree.bottom): (1, 2, 2),
        gid(tree.other): (1, 1, 0),
    }


async def test_supporting_work_pages(gql, tree):
    # when
    data = await gql.data(SUPPORTING_TASKS_PAGE, {"id": gid(tree.top)})

    # then
    tasks = data["node"]["supportingWork"]["tasks"]
    assert tasks == {
        "totalCount": 3,
        "pageInfo": {"hasNextPage": True},
        "nodes": [{"id": gid(tree.task_grand)}],
    }
