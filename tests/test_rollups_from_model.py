"""Section rows built from the read model: the rows, filters and order the rollups read.

Hand-computed on a small organisation holding every case a section filters, flags,
orders or converts (`server/rollups/from_model.py`), on both engines; and each section
is built once per snapshot, kept by the next one until a table it reads changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

from tortoise import connections

from server.currency.rates import RateRow
from server.dates import FIRST_DATE, LAST_DATE
from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    MilestoneKind,
    ResultMetric,
    TaskStatus,
)
from server.read_model import ReadModel
from server.rollups import rows as r
from server.rollups.from_model import FROM_MODEL, section_rows
from server.rollups.sections import Section
from tests import factories as make

START, END = date(2026, 1, 1), date(2026, 12, 31)
EASTERN = timezone(timedelta(hours=-5))


async def organisation() -> dict:
    """Rows of every kind, live and archived; returns them by name."""
    o: dict = {}
    o["sales"] = await make.team(name="Sales")
    o["marketing"] = await make.team(name="Marketing")
    o["gone"] = await make.team(name="Gone")
    o["ava"] = await make.user(
        [o["sales"], o["marketing"], o["gone"]], name="Ava", weekly_capacity_hours=D(32)
    )
    o["ben"] = await make.user([o["marketing"]], name="Ben")
    o["g1"] = await make.goal(o["sales"], title="Grow", category=GoalCategory.REVENUE)
    o["g2"] = await make.goal(o["sales"], o["g1"], title="Old", weight=D(2))
    o["k1"] = await make.key_result(o["g1"], title="Pipeline", current_value=D(10))
    o["k2"] = await make.key_result(o["g1"], title="Dropped")
    o["k3"] = await make.key_result(o["g2"], title="Deals", due_date=date(2026, 6, 30))
    o["first"] = await make.check_in(o["k2"], 5, checked_in_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    o["evening"] = await make.check_in(
        o["k1"], 8, checked_in_at=datetime(2026, 3, 1, 22, 30, tzinfo=EASTERN)
    )
    o["early"] = await make.check_in(o["k1"], 4, checked_in_at=datetime(2026, 2, 1, 9, tzinfo=UTC))
    o["withdrawn"] = await make.check_in(o["k1"], 9)
    channels = [Channel.PAID_SOCIAL, Channel.EMAIL, Channel.PAID_SEARCH]
    o["spring"] = await make.campaign(
        o["marketing"], channels, name="Spring", audience="SMB", status=CampaignStatus.ACTIVE
    )
    o["winter"] = await make.campaign(o["sales"], [Channel.EVENTS], name="Winter")
    await make.align(o["spring"], o["k1"], "0.6")
    await make.align(o["spring"], o["k2"], "0.4")  # to an archived key result
    await make.align(o["winter"], o["k1"])  # of an archived campaign
    o["unaligned"] = await make.align(o["spring"], o["k3"], "0.2")  # archived itself
    o["spent"] = await make.spend(o["spring"], "100.50", channel=Channel.EMAIL)
    o["refund"] = await make.spend(o["spring"], "7")
    o["winter_spent"] = await make.spend(o["winter"], "20", date=date(2026, 1, 2))
    o["leads"] = await make.result(o["spring"], ResultMetric.LEADS, 12, channel=Channel.EMAIL)
    o["recount"] = await make.result(o["spring"], ResultMetric.LEADS, 99)
    o["own"] = await make.task(campaign=o["spring"], team=o["sales"], assignee=o["ava"])
    o["campaigns"] = await make.task(campaign=o["spring"], estimate_hours=D("2.5"))
    o["goals"] = await make.task(key_result=o["k1"], status=TaskStatus.DONE)
    o["archived_owner"] = await make.task(campaign=o["winter"], due_date=date(2026, 2, 1))
    o["nobody"] = await make.task(start_date=date(2026, 5, 1))
    o["cancelled"] = await make.task(campaign=o["spring"])
    o["launch"] = await make.milestone(
        o["marketing"], kind=MilestoneKind.LAUNCH, campaign=o["spring"], end_date=date(2026, 4, 2)
    )
    o["moved"] = await make.milestone(o["sales"], key_result=o["k1"])
    await make.exchange_rate("GBP", "1.25", date(2026, 2, 2))
    await make.exchange_rate("EUR", "1.1", date(2026, 3, 2))
    await make.exchange_rate("EUR", "0.9", date(2026, 3, 2), quote="GBP")
    await make.exchange_rate("EUR", "1.05", date(2026, 1, 5))
    # status updates: on a goal late in the evening east of UTC (the next UTC day), on a
    # key result, one withdrawn, and one on a campaign (which the stale risk ignores)
    o["said"] = await make.status_update(
        goal=o["g1"], posted_at=datetime(2026, 3, 1, 22, 30, tzinfo=EASTERN)
    )
    o["noted"] = await make.status_update(
        key_result=o["k1"], posted_at=datetime(2026, 2, 1, 9, tzinfo=UTC)
    )
    o["retracted"] = await make.status_update(key_result=o["k1"])
    await make.status_update(campaign=o["spring"])
    await make.archive(o["retracted"])
    for name in ("gone", "ben", "g2", "k2", "withdrawn", "winter", "unaligned", "refund"):
        await make.archive(o[name])
    for name in ("recount", "cancelled", "moved"):
        await make.archive(o[name])
    # rows older than the supported dates (written before they were checked)
    db = connections.get("default")
    await db.execute_script(f"UPDATE goal SET period_start = '1800-02-03' WHERE id = {o['g1'].pk}")
    await db.execute_script(f"UPDATE task SET due_date = '2300-02-03' WHERE id = {o['nobody'].pk}")
    return o


def task_row(task, team, *, status=TaskStatus.TODO, start=None, due=None, hours=None):
    return r.TaskRow(
        task.pk,
        task.title,
        task.campaign_id,
        task.key_result_id,
        task.assignee_id,
        team,
        status,
        start,
        due,
        hours,
    )


def expected(o: dict) -> dict[Section, list]:
    sales, marketing, gone = (o[name].pk for name in ("sales", "marketing", "gone"))
    g1, g2, k1, k2, k3 = (o[name].pk for name in ("g1", "g2", "k1", "k2", "k3"))
    spring, winter, ava, ben = (o[name].pk for name in ("spring", "winter", "ava", "ben"))
    march, april = date(2026, 3, 15), date(2026, 4, 1)
    return {
        Section.GOALS: [
            r.GoalRow(g1, None, sales, "Grow", GoalCategory.REVENUE, FIRST_DATE, END, D(1)),
            r.GoalRow(g2, g1, sales, "Old", GoalCategory.OTHER, START, END, D(2), archived=True),
        ],
        Section.KEY_RESULTS: [
            r.KeyResultRow(k1, g1, "Pipeline", D(0), D(100), D(10), END, D(1)),
            r.KeyResultRow(k2, g1, "Dropped", D(0), D(100), D(0), END, D(1), archived=True),
            r.KeyResultRow(k3, g2, "Deals", D(0), D(100), D(0), date(2026, 6, 30), D(1)),
        ],
        Section.CHECK_INS: [  # by key result, then time; the day in UTC
            r.CheckInRow(k1, date(2026, 2, 1)),
            r.CheckInRow(k1, date(2026, 3, 2)),
            r.CheckInRow(k2, date(2026, 1, 5)),
        ],
        Section.CAMPAIGNS: [
            r.CampaignRow(
                spring,
                "Spring",
                marketing,
                "SMB",
                date(2026, 3, 1),
                date(2026, 5, 31),
                CampaignStatus.ACTIVE,
                D(10000),
                "USD",
            ),
            r.CampaignRow(
                winter,
                "Winter",
                sales,
                "",
                date(2026, 3, 1),
                date(2026, 5, 31),
                CampaignStatus.DRAFT,
                D(10000),
                "USD",
                archived=True,
            ),
        ],
        Section.CHANNELS: [  # by campaign, then channel
            r.ChannelRow(spring, Channel.EMAIL),
            r.ChannelRow(spring, Channel.PAID_SEARCH),
            r.ChannelRow(spring, Channel.PAID_SOCIAL),
            r.ChannelRow(winter, Channel.EVENTS),
        ],
        Section.ALIGNMENTS: [r.AlignmentRow(spring, k1, D("0.6"))],
        Section.SPEND: [
            r.SpendRow(spring, march, Channel.EMAIL, D("100.50"), "USD", o["spent"].pk),
            r.SpendRow(winter, date(2026, 1, 2), None, D(20), "USD", o["winter_spent"].pk),
        ],
        Section.RESULTS: [
            r.ResultRow(
                spring, date(2026, 3, 20), Channel.EMAIL, ResultMetric.LEADS, D(12), o["leads"].pk
            )
        ],
        Section.TASKS: [  # the team: its own, its campaign's (archived or not), its goal's
            task_row(o["own"], sales),
            task_row(o["campaigns"], marketing, hours=D("2.5")),
            task_row(o["goals"], sales, status=TaskStatus.DONE),
            task_row(o["archived_owner"], sales, due=date(2026, 2, 1)),
            task_row(o["nobody"], None, start=date(2026, 5, 1), due=LAST_DATE),
        ],
        Section.USERS: [
            r.UserRow(ava, "Ava", D(32)),
            r.UserRow(ben, "Ben", D(40), archived=True),
        ],
        Section.TEAMS: [
            r.TeamRow(sales, "Sales"),
            r.TeamRow(marketing, "Marketing"),
            r.TeamRow(gone, "Gone", archived=True),
        ],
        Section.MEMBERSHIPS: [r.MembershipRow(sales, ava), r.MembershipRow(marketing, ava)],
        Section.RATES: [  # by currency, quote and date, every quote
            RateRow("EUR", "GBP", date(2026, 3, 2), D("0.9")),
            RateRow("EUR", "USD", date(2026, 1, 5), D("1.05")),
            RateRow("EUR", "USD", date(2026, 3, 2), D("1.1")),
            RateRow("GBP", "USD", date(2026, 2, 2), D("1.25")),
        ],
        Section.MILESTONES: [
            r.MilestoneRow(
                o["launch"].pk,
                o["launch"].title,
                marketing,
                MilestoneKind.LAUNCH,
                april,
                date(2026, 4, 2),
                spring,
                None,
            )
        ],
        Section.STATUS_UPDATES: [
            r.StatusUpdateRow(None, k1, date(2026, 2, 1)),
            r.StatusUpdateRow(g1, None, date(2026, 3, 2)),
        ],
    }


async def test_each_section_holds_the_rows_the_rollups_read(db):
    # given
    o = await organisation()

    # when
    snapshot = await ReadModel().current()

    # then
    wanted = expected(o)
    assert set(wanted) == set(FROM_MODEL) == set(Section) - {Section.CALENDAR}
    for section in FROM_MODEL:
        assert section_rows(snapshot, section) == wanted[section], section


async def test_a_section_is_built_again_only_when_a_table_it_reads_changes(db):
    # given
    team = await make.team()
    goal = await make.goal(team)
    key_result = await make.key_result(goal)
    await make.task(key_result=key_result)
    read_model = ReadModel()
    before = await read_model.current()
    sections = {section: section_rows(before, section) for section in FROM_MODEL}

    # when: a goal changes owner
    other = await make.team(name="Other")
    goal.owner_team = other
    await goal.save()
    after = await read_model.current()

    # then: the sections reading goals or teams are new, the others the same lists
    rebuilt = {s for s in FROM_MODEL if section_rows(after, s) is not sections[s]}
    assert rebuilt == {Section.GOALS, Section.TASKS, Section.TEAMS, Section.MEMBERSHIPS}
    assert section_rows(after, Section.TASKS)[0].team_id == other.pk
    assert section_rows(after, Section.GOALS) is section_rows(after, Section.GOALS)
