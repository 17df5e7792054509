"""The domain functions behind tracing, without GraphQL: `trace` and `supporting_ids`,
each over a snapshot of the read model taken after the test's rows were written."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from server import models
from server import trace as tracing
from server.enums import ResultMetric
from server.read_model import ReadModel, Snapshot
from server.statements import count_statements
from server.trace import Trace
from tests import factories


async def current() -> Snapshot:
    return await ReadModel().current()


async def trace(row) -> Trace:
    return tracing.trace(await current(), row)


async def supporting_ids(kind: str, goal_ids: list[int]) -> dict[int, list[int]]:
    return tracing.supporting_ids(await current(), kind, goal_ids)


def keys(rows) -> tuple[tuple[str, int], ...]:
    """Rows as (model name, primary key), so paths compare by identity, not by object."""
    return tuple((type(row).__name__, row.pk) for row in rows)


def path_keys(result: Trace) -> list[tuple]:
    return sorted((keys(p.rows), p.share) for p in result.paths)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    o = SimpleNamespace()
    o.team = await factories.team()
    o.root_a = await factories.goal(o.team)
    o.child_a = await factories.goal(o.team, parent=o.root_a)
    o.grand_a = await factories.goal(o.team, parent=o.child_a)
    o.root_b = await factories.goal(o.team)
    o.root_c = await factories.goal(o.team)
    o.kr_a = await factories.key_result(o.grand_a)
    o.kr_b = await factories.key_result(o.root_b)
    o.kr_c = await factories.key_result(o.root_c)
    o.camp = await factories.campaign(o.team)
    o.align_a = await factories.align(o.camp, o.kr_a, "0.6")
    o.align_b = await factories.align(o.camp, o.kr_b, "0.4")
    o.task = await factories.task(campaign=o.camp, key_result=o.kr_c)
    return o


async def test_trace_of_a_task_gives_every_path_with_its_share(org):
    # when
    result = await trace(org.task)

    # then
    assert result.origin is org.task
    assert result.aligned is True
    assert path_keys(result) == sorted(
        [
            (
                keys([org.task, org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a]),
                Decimal("0.6"),
            ),
            (keys([org.task, org.camp, org.kr_b, org.root_b]), Decimal("0.4")),
            (keys([org.task, org.kr_c, org.root_c]), Decimal(1)),
        ]
    )


async def test_trace_paths_end_at_top_level_goals(org):
    # when
    result = await trace(org.task)

    # then
    last = sorted(p.rows[-1].pk for p in result.paths)
    assert last == sorted([org.root_a.pk, org.root_b.pk, org.root_c.pk])
    assert all(p.rows[-1].parent_id is None for p in result.paths)


async def test_trace_of_a_root_goal_is_one_path_of_itself(org):
    # when
    result = await trace(org.root_a)

    # then
    assert result.aligned is True
    assert [keys(p.rows) for p in result.paths] == [keys([org.root_a])]
    assert result.paths[0].share == Decimal(1)


async def test_trace_of_a_nested_goal_climbs_to_the_root(org):
    # when
    result = await trace(org.grand_a)

    # then
    assert path_keys(result) == [(keys([org.grand_a, org.child_a, org.root_a]), Decimal(1))]


async def test_trace_of_a_campaign(org):
    # when
    result = await trace(org.camp)

    # then
    assert path_keys(result) == sorted(
        [
            (keys([org.camp, org.kr_a, org.grand_a, org.child_a, org.root_a]), Decimal("0.6")),
            (keys([org.camp, org.kr_b, org.root_b]), Decimal("0.4")),
        ]
    )


async def test_trace_of_an_alignment_starts_with_it_and_carries_its_share(org):
    # when
    result = await trace(org.align_a)

    # then
    assert path_keys(result) == [
        (keys([org.align_a, org.kr_a, org.grand_a, org.child_a, org.root_a]), Decimal("0.6"))
    ]


async def test_trace_of_a_check_in(org):
    # given
    check_in = await factories.check_in(org.kr_b, "1")

    # when
    result = await trace(check_in)

    # then
    assert path_keys(result) == [(keys([check_in, org.kr_b, org.root_b]), Decimal(1))]


async def test_trace_of_spend_and_result_entries_goes_through_the_campaign(org):
    # given
    spend = await factories.spend(org.camp, "1")
    result_entry = await factories.result(org.camp, ResultMetric.LEADS, "2")

    # when
    traces = [await trace(spend), await trace(result_entry)]

    # then
    for origin, result in zip([spend, result_entry], traces, strict=True):
        assert sorted((keys(p.rows[:3]), p.share) for p in result.paths) == sorted(
            [
                (keys([origin, org.camp, org.kr_a]), Decimal("0.6")),
                (keys([origin, org.camp, org.kr_b]), Decimal("0.4")),
            ]
        )


async def test_unaligned_work_has_no_paths(org):
    # given
    bare_task = await factories.task()
    bare_milestone = await factories.milestone(org.team)
    lonely_campaign = await factories.campaign(org.team)
    task_on_lonely = await factories.task(campaign=lonely_campaign)

    # when
    results = [
        await trace(row) for row in (bare_task, bare_milestone, lonely_campaign, task_on_lonely)
    ]

    # then
    assert [(r.aligned, r.paths) for r in results] == [(False, [])] * 4


async def test_archived_alignment_is_not_a_path(org):
    # given
    await factories.archive(org.align_a)

    # when
    result = await trace(org.camp)

    # then
    assert path_keys(result) == [(keys([org.camp, org.kr_b, org.root_b]), Decimal("0.4"))]


@pytest.mark.parametrize("model", ["team", "user"])
async def test_trace_refuses_rows_that_are_not_work_or_objectives(org, model):
    # given
    row = org.team if model == "team" else await factories.user()

    # when / then
    with pytest.raises(TypeError):
        await trace(row)


@pytest.mark.parametrize("origin", ["task", "camp", "kr_a", "grand_a", "align_a"])
async def test_trace_reads_the_snapshot_alone(org, origin):
    # given
    row = getattr(org, origin)
    snapshot = await current()

    # when
    with count_statements() as counter:
        result = tracing.trace(snapshot, row)

    # then
    assert result.aligned is True
    assert counter.count == 0, counter.statements


async def test_trace_statements_do_not_grow_with_depth(db):
    # given: a chain of twenty goals, a key result at the bottom and a task on it
    team = await factories.team()
    parent = None
    chain = []
    for _ in range(20):
        parent = await factories.goal(team, parent=parent)
        chain.append(parent)
    kr = await factories.key_result(chain[-1])
    task = await factories.task(key_result=kr)

    snapshot = await current()

    # when
    with count_statements() as counter:
        result = tracing.trace(snapshot, task)

    # then
    assert [len(p.rows) for p in result.paths] == [22]
    assert result.paths[0].rows[-1].pk == chain[0].pk
    assert counter.count == 0, counter.statements


async def test_trace_terminates_on_cyclic_goals(org):
    # given: corrupt data, a cycle between two goals
    a = await factories.goal(org.team)
    b = await factories.goal(org.team, parent=a)
    await models.Goal.filter(pk=a.pk).update(parent_id=b.pk)
    a = await models.Goal.get(pk=a.pk)

    # when
    result = await asyncio.wait_for(trace(a), timeout=10)

    # then: every goal appears once, however the cycle is cut
    assert sorted(row.pk for row in result.paths[0].rows) == sorted([a.pk, b.pk])


# --- supporting_ids -----------------------------------------------------------------------


@pytest.fixture
async def tree(db: str) -> SimpleNamespace:
    t = SimpleNamespace()
    t.team = await factories.team()
    t.top = await factories.goal(t.team)
    t.middle = await factories.goal(t.team, parent=t.top)
    t.bottom = await factories.goal(t.team, parent=t.middle)
    t.other = await factories.goal(t.team)
    t.empty = await factories.goal(t.team)
    t.kr_top = await factories.key_result(t.top)
    t.kr_bottom = await factories.key_result(t.bottom)
    t.kr_bottom2 = await factories.key_result(t.bottom)
    t.kr_other = await factories.key_result(t.other)
    t.camp_late = await factories.campaign(t.team, start_date=date(2026, 7, 1))
    await factories.align(t.camp_late, t.kr_top)
    t.camp_twice = await factories.campaign(t.team, start_date=date(2026, 2, 1))
    await factories.align(t.camp_twice, t.kr_bottom, "0.5")
    await factories.align(t.camp_twice, t.kr_bottom2, "0.5")
    t.camp_other = await factories.campaign(t.team)
    await factories.align(t.camp_other, t.kr_other)
    t.camp_unaligned = await factories.campaign(t.team)
    t.task_deep = await factories.task(campaign=t.camp_twice)
    t.task_direct = await factories.task(key_result=t.kr_top)
    t.task_other = await factories.task(campaign=t.camp_other)
    t.task_unaligned = await factories.task(campaign=t.camp_unaligned)
    t.ms_kr = await factories.milestone(t.team, key_result=t.kr_bottom, start_date=date(2026, 6, 1))
    t.ms_camp = await factories.milestone(
        t.team, campaign=t.camp_twice, start_date=date(2026, 3, 1)
    )
    t.ms_unaligned = await factories.milestone(t.team, campaign=t.camp_unaligned)
    return t


async def test_supporting_campaigns_of_many_goals_without_a_statement(tree):
    # given
    goal_ids = [tree.top.pk, tree.middle.pk, tree.bottom.pk, tree.other.pk, tree.empty.pk]
    snapshot = await current()

    # when
    with count_statements() as counter:
        found = tracing.supporting_ids(snapshot, "campaigns", goal_ids)

    # then
    assert found == {
        tree.top.pk: [tree.camp_twice.pk, tree.camp_late.pk],
        tree.middle.pk: [tree.camp_twice.pk],
        tree.bottom.pk: [tree.camp_twice.pk],
        tree.other.pk: [tree.camp_other.pk],
        tree.empty.pk: [],
    }
    assert counter.count == 0, counter.statements


async def test_supporting_tasks_of_many_goals(tree):
    # when
    found = await supporting_ids("tasks", [tree.top.pk, tree.middle.pk, tree.other.pk])

    # then
    assert found == {
        tree.top.pk: [tree.task_deep.pk, tree.task_direct.pk],
        tree.middle.pk: [tree.task_deep.pk],
        tree.other.pk: [tree.task_other.pk],
    }


async def test_supporting_milestones_by_date(tree):
    # when
    found = await supporting_ids("milestones", [tree.top.pk, tree.bottom.pk, tree.other.pk])

    # then
    assert found == {
        tree.top.pk: [tree.ms_camp.pk, tree.ms_kr.pk],
        tree.bottom.pk: [tree.ms_camp.pk, tree.ms_kr.pk],
        tree.other.pk: [],
    }


async def test_supporting_ids_of_no_goals_sends_nothing(db):
    # when
    snapshot = await current()
    with count_statements() as counter:
        found = tracing.supporting_ids(snapshot, "tasks", [])

    # then
    assert found == {}
    assert counter.count == 0


async def test_supporting_ids_of_an_unknown_goal_is_empty(tree):
    # when
    found = await supporting_ids("campaigns", [999999])

    # then
    assert found == {999999: []}


async def test_supporting_ids_skip_an_archived_subtree(tree):
    # given
    await factories.archive(tree.middle)

    # when
    found = await supporting_ids("tasks", [tree.top.pk])

    # then: the task deep under the archived goal no longer reaches the top
    assert found == {tree.top.pk: [tree.task_direct.pk]}


async def test_supporting_ids_skip_archived_work(tree):
    # given
    await factories.archive(tree.task_deep)
    await factories.archive(tree.camp_late)

    # when
    tasks = await supporting_ids("tasks", [tree.top.pk])
    campaigns = await supporting_ids("campaigns", [tree.top.pk])

    # then
    assert tasks == {tree.top.pk: [tree.task_direct.pk]}
    assert campaigns == {tree.top.pk: [tree.camp_twice.pk]}


async def test_supporting_ids_of_a_batch_of_many_goals(db):
    # given: forty objectives, each with one key result, campaign and task
    team = await factories.team()
    expected = {}
    for _ in range(40):
        goal = await factories.goal(team)
        kr = await factories.key_result(goal)
        campaign = await factories.campaign(team)
        await factories.align(campaign, kr)
        expected[goal.pk] = [campaign.pk]

    snapshot = await current()

    # when
    with count_statements() as counter:
        found = tracing.supporting_ids(snapshot, "campaigns", list(expected))

    # then
    assert found == expected
    assert counter.count == 0, counter.statements


async def test_supporting_ids_terminate_on_cyclic_goals(tree):
    # given: corrupt data, top made a child of bottom
    await models.Goal.filter(pk=tree.top.pk).update(parent_id=tree.bottom.pk)

    # when
    found = await asyncio.wait_for(supporting_ids("tasks", [tree.middle.pk]), timeout=10)

    # then: the whole cycle is one subtree
    assert sorted(found[tree.middle.pk]) == sorted([tree.task_deep.pk, tree.task_direct.pk])
