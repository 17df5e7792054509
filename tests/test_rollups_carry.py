"""An engine taking over from the engine before it (`server.rollups.carry`) answers
exactly what an engine computed afresh answers, after every kind of write: each figure,
every risk in order, the risks under each goal and about each node. And it does take
over what a write left alone (else these comparisons would prove nothing)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import models
from server.currency.model import ExchangeRate
from server.enums import KeyResultSource, ReportedHealth, ResultMetric, TaskStatus
from server.read_model import Snapshot
from server.rollups.carry import Carried
from server.rollups.engine import Rollups
from server.rollups.from_model import FROM_MODEL, section
from server.rollups.funnel import DEFAULT_STAGES
from server.rollups.risk_rules import RULE_READS, RULES
from server.rollups.shared import _computed
from server.settings import Thresholds
from tests.snapshots import current, edited

TODAY = date(2026, 6, 15)
PERIODS = [(date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 4, 1), date(2026, 6, 30))]


def engine(snapshot: Snapshot, before: Rollups | None = None) -> Rollups:
    sections = {which: section(snapshot, which) for which in FROM_MODEL}
    carried = Carried.of(before) if before is not None else None
    return _computed(snapshot, sections, True, TODAY, Thresholds(), carried)


def answers(rollups: Rollups) -> dict:
    """Everything an engine answers about the organisation."""
    graph = rollups.graph
    goals, key_results = sorted(graph.goals), sorted(graph.key_results)
    campaigns = sorted(graph.campaigns)
    return {
        "goal progress": [rollups.goal_progress(g) for g in goals],
        "key result progress": [rollups.key_result_progress(k) for k in key_results],
        "campaign progress": [rollups.campaign_progress(c) for c in campaigns],
        "campaign money": [rollups.campaign_money(c) for c in campaigns],
        "key result money": [rollups.key_result_money(k) for k in key_results],
        "goal money": [rollups.goal_money(g) for g in goals],
        "risks": rollups.all_risks,
        "risks under": {g: rollups.risks_involving((models.Goal, g)) for g in goals},
        "risks by node": rollups._risks_by_node,
        "portfolios": [rollups.portfolio(*period) for period in PERIODS],
        "measurements": [rollups.key_result_measurement(k) for k in key_results],
        "values": [rollups.key_result_value(k) for k in key_results],
        "funnels": [
            rollups.funnel(node, *period, DEFAULT_STAGES)
            for node in [None, *((models.Goal, g) for g in goals[:20])]
            for period in PERIODS
        ],
    }


def first_live(snapshot: Snapshot, model: type, **where) -> models.Model:
    rows = sorted(snapshot.table(model).values(), key=lambda row: row.pk)
    return next(
        row
        for row in rows
        if getattr(row, "archived_at", None) is None
        and all(getattr(row, name) == value for name, value in where.items())
    )


def direct_task(snapshot: Snapshot) -> models.Model:
    """An open task on a live key result and on no campaign."""
    return next(
        task
        for task in sorted(snapshot.table(models.Task).values(), key=lambda t: t.pk)
        if task.archived_at is None
        and task.campaign_id is None
        and task.status == TaskStatus.TODO
        and snapshot.live(models.KeyResult, task.key_result_id) is not None
    )


def writes(snapshot: Snapshot) -> list[tuple[str, str, callable]]:
    """(what, table, how to change one row of the latest snapshot) for each kind of write."""
    later = datetime(2026, 6, 14, 9, tzinfo=UTC)

    def new_check_in(s: Snapshot) -> models.Model:
        row = first_live(s, models.CheckIn)
        return edited(row, id=10**6, checked_in_at=later, value=Decimal("7"))

    def status_update(pk: int, at: datetime, **target) -> callable:
        def build(s: Snapshot) -> models.Model:
            return models.StatusUpdate(
                id=pk, health=ReportedHealth.ON_TRACK, body="", posted_at=at, **target
            )

        return build

    old = datetime(2026, 4, 1, 9, tzinfo=UTC)  # 75 days before: past the 30 days
    key_result = first_live(snapshot, models.KeyResult, archived_at=None).pk
    goal = first_live(snapshot, models.Goal).pk
    return [
        ("a key result's old status update", "status_update",
         status_update(10**6, old, key_result_id=key_result)),
        ("a goal's old status update", "status_update",
         status_update(10**6 + 1, old, goal_id=goal)),
        ("the key result's update renewed", "status_update",
         status_update(10**6 + 2, later, key_result_id=key_result)),
        ("a check-in", "key_result",
         lambda s: edited(first_live(s, models.KeyResult), current_value=Decimal("999"))),
        ("a check-in row", "check_in", new_check_in),
        ("a key result renamed", "key_result",
         lambda s: edited(first_live(s, models.KeyResult), title="Renamed")),
        ("a key result moved", "key_result",
         lambda s: edited(first_live(s, models.KeyResult),
                          goal_id=max(g.pk for g in s.table(models.Goal).values()))),
        ("a key result archived, its own task left unaligned", "key_result",
         lambda s: edited(s.row(models.KeyResult, direct_task(s).key_result_id),
                          archived_at=later)),
        ("a task done", "task",
         lambda s: edited(first_live(s, models.Task, status=TaskStatus.TODO),
                          status=TaskStatus.DONE)),
        ("a task overdue", "task",
         lambda s: edited(first_live(s, models.Task, status=TaskStatus.TODO),
                          due_date=TODAY - timedelta(days=30))),
        ("a campaign's budget", "campaign",
         lambda s: edited(first_live(s, models.Campaign), budget=Decimal("1"))),
        ("a spend entry", "spend_entry",
         lambda s: edited(first_live(s, models.SpendEntry), amount=Decimal("123456"))),
        ("an alignment's share", "alignment",
         lambda s: edited(first_live(s, models.Alignment), share=Decimal("0.1"))),
        ("a goal moved to the top", "goal",
         lambda s: edited(first_live(s, models.Goal, parent_id=first_live(
             s, models.Goal, parent_id=None).pk), parent_id=None)),
        ("a milestone moved", "milestone",
         lambda s: edited(first_live(s, models.Milestone), start_date=TODAY, end_date=TODAY)),
        ("a user's capacity", "app_user",
         lambda s: edited(first_live(s, models.User), weekly_capacity_hours=Decimal("1"))),
        ("an exchange rate set", "exchange_rate",
         lambda s: ExchangeRate(id=10**6, currency="EUR", quote="USD", date=date(2025, 1, 1),
                                rate=Decimal("1.1"), source="manual")),
        ("an exchange rate corrected", "exchange_rate",
         lambda s: edited(s.row(ExchangeRate, 10**6), rate=Decimal("1.3"))),
    ]  # fmt: skip


@pytest.fixture
async def organisation(db) -> Snapshot:
    await load_document(generate_document(400, 7, TODAY), name=synthetic_name(400, 7))
    return await current()


SOURCES = [
    (KeyResultSource.METRIC, ResultMetric.LEADS, None),
    (KeyResultSource.METRIC, ResultMetric.REVENUE, None),
    (KeyResultSource.COST_PER, ResultMetric.LEADS, None),
    (KeyResultSource.CONVERSION_RATE, ResultMetric.SQL, ResultMetric.MQL),
    (KeyResultSource.ROI, None, None),
]


@pytest.fixture
async def measured(db) -> Snapshot:
    """The organisation with every aligned key result measured, by one formula or
    another in turn."""
    await load_document(generate_document(400, 7, TODAY), name=synthetic_name(400, 7))
    aligned = sorted(
        set(await models.Alignment.filter(archived_at=None).values_list("key_result_id", flat=True))
    )
    for n, pk in enumerate(aligned):
        kind, metric, base = SOURCES[n % len(SOURCES)]
        money = kind in (KeyResultSource.COST_PER, KeyResultSource.ROI) or metric == "REVENUE"
        await models.KeyResult.filter(pk=pk).update(
            source=kind,
            source_metric=metric,
            source_base_metric=base,
            **({"currency": "USD"} if money else {}),
        )
    return await current()


def feeding(
    snapshot: Snapshot, rollups: Rollups, model: type = models.ResultEntry
) -> models.Model:
    """A live result (or spend) entry counted in a live measured key result's value."""
    kind = model.__name__
    for entry in sorted(snapshot.table(model).values(), key=lambda e: e.pk):
        if entry.archived_at is not None:
            continue
        for alignment in rollups.graph.alignments_of_campaign.get(entry.campaign_id, []):
            found = rollups.key_result_measurement(alignment.key_result_id)
            if (
                found is not None
                and rollups.graph.key_result_live(alignment.key_result_id)
                and found.counted((kind, entry.pk)) is not None
            ):
                return entry
    raise AssertionError(f"no {kind} feeds a measured key result")


def moved_into_a_period(snapshot: Snapshot, rollups: Rollups) -> models.Model:
    """An entry of a campaign supporting a measured key result, given that key result's
    metric and a date in its period (counted from now on)."""
    for kr in sorted(rollups.graph.key_results.values(), key=lambda k: k.id):
        metric = kr.source.metric
        if metric is None or not rollups.graph.key_result_live(kr.id):
            continue
        measurement = rollups.key_result_measurement(kr.id)
        if measurement is None or measurement.start > TODAY:
            continue
        for alignment in rollups.graph.alignments_of_key_result.get(kr.id, []):
            entries = sorted(
                (e for e in snapshot.table(models.ResultEntry).values()
                 if e.campaign_id == alignment.campaign_id and e.archived_at is None
                 and measurement.counted(("ResultEntry", e.pk)) is None),
                key=lambda e: e.pk,
            )  # fmt: skip
            if entries:
                return edited(entries[0], metric=metric, date=measurement.start)
    raise AssertionError("no entry to move into a measured key result's period")


def measured_writes(rollups: Rollups) -> list[tuple[str, str, callable]]:
    """Writes that move measured key results without touching a key result row."""
    archived = datetime(2026, 6, 14, tzinfo=UTC)
    return [
        ("more of a counted result", "result_entry",
         lambda s: edited(e := feeding(s, rollups), value=e.value + 1000)),
        ("more counted spend", "spend_entry",
         lambda s: edited(e := feeding(s, rollups, models.SpendEntry), amount=e.amount + 1000)),
        ("a new result entry", "result_entry",
         lambda s: edited(feeding(s, rollups), id=10**6, value=Decimal("5"))),
        ("an entry moved into a period", "result_entry",
         lambda s: moved_into_a_period(s, rollups)),
        ("a counted result archived", "result_entry",
         lambda s: edited(feeding(s, rollups), archived_at=archived)),
        ("a key result back to check-ins", "key_result",
         lambda s: edited(next(k for k in sorted(s.table(models.KeyResult).values(),
                                                 key=lambda k: k.pk)
                               if k.source is not KeyResultSource.MANUAL),
                          source=KeyResultSource.MANUAL, source_metric=None,
                          source_base_metric=None)),
    ]  # fmt: skip


async def test_measured_key_results_answer_as_an_engine_computed_afresh(measured) -> None:
    snapshot = measured
    before = engine(snapshot)
    answers(before)
    assert any(before.key_result_measurement(k) for k in before.graph.key_results)
    for what, table, change in measured_writes(before) + writes(snapshot):
        # when
        row = change(snapshot)
        snapshot = snapshot.changed(snapshot.version + 1, {table: {row.pk: row}})
        taken = engine(snapshot, before)
        fresh = engine(snapshot)

        # then
        assert answers(taken) == answers(fresh), what
        before = taken


async def test_a_result_entry_moves_the_key_results_it_feeds_and_nothing_else(measured) -> None:
    # given
    snapshot = measured
    before = engine(snapshot)
    answers(before)
    entry = feeding(snapshot, before)
    fed = {
        a.key_result_id
        for a in before.graph.alignments_of_campaign[entry.campaign_id]
        if (m := before.key_result_measurement(a.key_result_id)) is not None
        and m.counted(("ResultEntry", entry.pk)) is not None
    }

    # when
    after = snapshot.changed(
        snapshot.version + 1,
        {"result_entry": {entry.pk: edited(entry, value=entry.value + 1000)}},
    )
    taken = engine(after, before)

    # then: the key results it feeds moved, with the goals above them; others kept
    moved = {
        pk
        for pk in taken.graph.key_results
        if taken.key_result_value(pk) != before.key_result_value(pk)
    }
    assert moved == fed
    goals_above = set().union(*(_above(before, before.graph.key_results[k].goal_id) for k in fed))
    for pk in taken.graph.goals:
        kept = taken.goal_progress(pk) is before.goal_progress(pk)
        assert kept == (pk not in goals_above), pk
    for pk in taken.graph.key_results:
        if pk not in fed:
            assert taken.key_result_progress(pk) is before.key_result_progress(pk)
    assert taken.graph.key_results is before.graph.key_results
    assert answers(taken) == answers(engine(after))


async def test_each_write_answers_as_an_engine_computed_afresh(organisation) -> None:
    snapshot = organisation
    before = engine(snapshot)
    answers(before)  # every memo filled, as a busy server fills them
    for what, table, change in writes(snapshot):
        # when
        row = change(snapshot)
        snapshot = snapshot.changed(snapshot.version + 1, {table: {row.pk: row}})
        taken = engine(snapshot, before)
        fresh = engine(snapshot)

        # then
        assert answers(taken) == answers(fresh), what
        before = taken


async def test_a_check_in_keeps_what_it_cannot_change(organisation) -> None:
    # given
    snapshot = organisation
    before = engine(snapshot)
    answers(before)
    key_result = first_live(snapshot, models.KeyResult)
    goal = snapshot.row(models.Goal, key_result.goal_id)
    other_goals = [pk for pk in before.graph.goals if pk != goal.pk and pk != goal.parent_id]

    # when
    checked_in = edited(key_result, current_value=Decimal("999"))
    after = snapshot.changed(snapshot.version + 1, {"key_result": {key_result.pk: checked_in}})
    taken = engine(after, before)

    # then: rules reading no key result values are taken over whole, with their goals
    for rule in ("budget", "schedule", "overdue_tasks", "over_capacity", "unaligned_work",
                 "calendar_conflicts"):  # fmt: skip
        assert taken.rule_risks[rule] is before.rule_risks[rule], rule
        assert taken.rule_goals[rule] is before.rule_goals[rule], rule
    assert (
        taken.rule_risks["key_results_off_track"] is not before.rule_risks["key_results_off_track"]
    )
    # the goals not above the key result keep their progress; its goal is recomputed
    unrelated = [pk for pk in other_goals if pk not in _above(before, goal.pk)]
    assert unrelated
    for pk in unrelated:
        assert taken.goal_progress(pk) is before.goal_progress(pk)
    assert taken.goal_progress(goal.pk) is not before.goal_progress(goal.pk)
    assert taken.campaign_money(next(iter(before.graph.campaigns))) is before.campaign_money(
        next(iter(before.graph.campaigns))
    )
    # the periods' portfolios and the indexes of untouched sections are taken over
    for period in PERIODS:
        assert taken.portfolio(*period) is before.portfolio(*period)
    for index in ("goals", "campaigns", "spend_of", "results_of", "channels_of", "tasks"):
        assert getattr(taken.graph, index) is getattr(before.graph, index), index
    assert taken.graph.key_results is not before.graph.key_results
    # the key result's own risks are found again, the others' taken over as they were
    others = [
        (rule, risk)
        for rule in ("key_results_off_track", "stale_check_ins")
        for risk in before.rule_risks[rule]
        if risk.node != (models.KeyResult, key_result.pk)
    ]
    assert others
    for rule, risk in others:
        assert any(kept is risk for kept in taken.rule_risks[rule]), rule
    # and the risk lists are updated, not built again: goals not above it share theirs
    assert taken._risk_changes is not None
    assert len(taken._risk_changes.removed) + len(taken._risk_changes.added) <= 4
    answers(taken)
    shared = [pk for pk in unrelated if pk in before._risks_under]
    assert shared
    for pk in shared:
        assert taken._risks_under[pk] is before._risks_under[pk]


async def test_a_spend_entry_recomputes_the_portfolios_and_the_spend_index(organisation) -> None:
    # given
    snapshot = organisation
    before = engine(snapshot)
    answers(before)
    year = PERIODS[0]
    entry = min(
        (e for e in snapshot.table(models.SpendEntry).values()
         if e.archived_at is None and year[0] <= e.date <= TODAY
         and snapshot.live(models.Campaign, e.campaign_id) is not None),
        key=lambda e: e.pk,
    )  # fmt: skip

    # when
    changed = edited(entry, amount=entry.amount + 1000)
    after = snapshot.changed(snapshot.version + 1, {"spend_entry": {entry.pk: changed}})
    taken = engine(after, before)

    # then
    assert taken.portfolio(*year) is not before.portfolio(*year)
    assert taken.portfolio(*year).total.total.spend.get(entry.currency) == (
        before.portfolio(*year).total.total.spend.get(entry.currency) + 1000
    )
    assert taken.graph.spend_of is not before.graph.spend_of
    assert taken.graph.campaigns is before.graph.campaigns


async def test_another_day_takes_nothing_over(organisation) -> None:
    snapshot = organisation
    before = engine(snapshot)
    answers(before)
    sections = {which: section(snapshot, which) for which in FROM_MODEL}
    tomorrow = _computed(
        snapshot, sections, True, TODAY + timedelta(days=1), Thresholds(), Carried.of(before)
    )
    assert tomorrow.rule_risks["budget"] is not before.rule_risks["budget"]
    assert answers(tomorrow) == answers(
        _computed(snapshot, sections, True, TODAY + timedelta(days=1), Thresholds())
    )


def _above(rollups: Rollups, goal_id: int) -> set[int]:
    found: set[int] = set()
    current: int | None = goal_id
    while current is not None and current not in found:
        found.add(current)
        current = rollups.graph.goals[current].parent_id
    return found


def test_every_rule_says_what_it_reads() -> None:
    assert set(RULE_READS) == {rule.__name__ for rule in RULES}


async def test_a_rate_written_recomputes_the_money_it_converts(organisation) -> None:
    # given: a EUR campaign whose budget converts at the weekly rate before its start
    snapshot = organisation
    before = engine(snapshot)
    answers(before)
    eur = next(
        c
        for c in sorted(before.graph.campaigns.values(), key=lambda c: c.id)
        if c.currency == "EUR" and not c.archived and c.start_date.weekday() != 0
    )
    weekly = before.campaign_money(eur.id).total.reported.budget.total
    assert weekly is not None and weekly != eur.budget * Decimal("1.5")

    # when: a rate of the campaign's own start day is written
    rate = ExchangeRate(
        id=10**6, currency="EUR", quote="USD", date=eur.start_date, rate=Decimal("1.5")
    )
    after = snapshot.changed(snapshot.version + 1, {"exchange_rate": {rate.pk: rate}})
    taken = engine(after, before)

    # then: its budget converts at that rate; the rest is carried, and equal to afresh
    reported = taken.campaign_money(eur.id).total.reported
    assert reported.gaps == ()
    assert reported.budget.total == eur.budget * Decimal("1.5")
    assert taken.graph.campaigns is before.graph.campaigns  # only money is recomputed
    assert answers(taken) == answers(engine(after))
