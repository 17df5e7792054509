"""Funnels through the API, on both engines, every figure computed by hand: stages
through the alignment shares (exact inside, whole units shown), a missing stage shown
as missing (never 0) with no rate into or out of it, REVENUE per currency, the
breakdown by channel and the filter on one, and a statement count that does not grow
with the organisation."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import clock
from server.enums import Channel, ResultMetric
from server.statements import count_statements
from tests import factories

pytestmark = pytest.mark.date_sensitive

MQL, SQL, OPP, REV = (
    ResultMetric.MQL,
    ResultMetric.SQL,
    ResultMetric.OPPORTUNITIES,
    ResultMetric.REVENUE,
)

FUNNEL = """
fragment Stages on Funnel {
  stages { metric missing count exactCount amounts { amount currency } }
  steps { from to rate valuePerUnit { amount currency } }
}
"""

NODE_FUNNEL = (
    """
query NodeFunnel($id: ID!, $period: DateRange!, $channel: Channel) {
  node(id: $id) {
    ... on Campaign { funnel(period: $period, channel: $channel) { ...Stages ...Channels } }
    ... on KeyResult { funnel(period: $period, channel: $channel) { ...Stages ...Channels } }
    ... on Goal { funnel(period: $period, channel: $channel) { ...Stages ...Channels } }
  }
}
fragment Channels on Funnel {
  byChannel { channel stages { metric missing count exactCount amounts { amount currency } }
              steps { from to rate valuePerUnit { amount currency } } }
}
"""
    + FUNNEL
)

PORTFOLIO_FUNNEL = (
    """
query PortfolioFunnel($period: DateRange!, $channel: Channel) {
  funnel(period: $period, channel: $channel) { start end ...Stages byChannel { channel } }
}
"""
    + FUNNEL
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def count(metric, whole, exact_count=None):
    return {
        "metric": metric.value,
        "missing": False,
        "count": str(whole),
        "exactCount": str(whole if exact_count is None else exact_count),
        "amounts": [],
    }


def money(metric, *amounts):
    return {
        "metric": metric.value,
        "missing": False,
        "count": None,
        "exactCount": None,
        "amounts": [{"amount": a, "currency": c} for a, c in amounts],
    }


def missing(metric):
    return {
        "metric": metric.value,
        "missing": True,
        "count": None,
        "exactCount": None,
        "amounts": [],
    }


def step(source, target, rate=None, *per_unit):
    return {
        "from": source.value,
        "to": target.value,
        "rate": rate,
        "valuePerUnit": [{"amount": a, "currency": c} for a, c in per_unit],
    }


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Campaign A (USD, runs on EMAIL alone) supports key result 1 with a 0.6 share and
    key result 2 with 0.4; campaign B (EUR, two channels) supports key result 1 whole;
    both key results measure one goal. C and D support nothing.

    Results dated 100 days ago:
    - A: 5 MQL (no channel: EMAIL, its only one), 3 SQL on EMAIL, 1000 USD revenue
      (no channel: EMAIL), 7 LEADS (not a stage), and 100 MQL dated before the period;
    - B: 10 MQL and 4 SQL on PAID_SOCIAL, 2 opportunities and 900 EUR revenue with no
      channel (B has two: none);
    - C: 4 MQL on EMAIL; D: 0 MQL and 2 SQL on EVENTS.
    """
    today = clock.today()
    day = today - timedelta(days=100)
    o = SimpleNamespace(
        period={"start": (today - timedelta(days=300)).isoformat(), "end": today.isoformat()}
    )
    team = await factories.team(name="Growth")
    o.goal = await factories.goal(team)
    o.kr1 = await factories.key_result(o.goal)
    o.kr2 = await factories.key_result(o.goal)
    o.a = await factories.campaign(team, [Channel.EMAIL], currency="USD")
    o.b = await factories.campaign(team, [Channel.PAID_SOCIAL, Channel.EVENTS], currency="EUR")
    o.c = await factories.campaign(team, [Channel.EMAIL])
    o.d = await factories.campaign(team, [Channel.EVENTS])
    await factories.align(o.a, o.kr1, "0.6")
    await factories.align(o.a, o.kr2, "0.4")
    await factories.align(o.b, o.kr1, "1")
    for campaign, metric, value, channel in [
        (o.a, MQL, "5", None),
        (o.a, SQL, "3", Channel.EMAIL),
        (o.a, REV, "1000", None),
        (o.a, ResultMetric.LEADS, "7", None),
        (o.b, MQL, "10", Channel.PAID_SOCIAL),
        (o.b, SQL, "4", Channel.PAID_SOCIAL),
        (o.b, OPP, "2", None),
        (o.b, REV, "900", None),
        (o.c, MQL, "4", Channel.EMAIL),
        (o.d, MQL, "0", Channel.EVENTS),
        (o.d, SQL, "2", Channel.EVENTS),
    ]:
        await factories.result(campaign, metric, value, channel=channel, date=day)
    await factories.result(o.a, MQL, "100", date=today - timedelta(days=301))
    return o


async def node_funnel(gql, node, period, channel=None) -> dict:
    variables = {"id": gid(node), "period": period, "channel": channel}
    return (await gql.data(NODE_FUNNEL, variables))["node"]["funnel"]


async def test_a_campaign_funnel_with_a_missing_stage(gql, org):
    # when
    funnel = await node_funnel(gql, org.a, org.period)

    # then: no opportunity was reported: missing, and no rate into or out of it
    expected_stages = [count(MQL, 5), count(SQL, 3), missing(OPP), money(REV, ("1000.00", "USD"))]
    expected_steps = [step(MQL, SQL, "0.6000"), step(SQL, OPP), step(OPP, REV)]
    assert funnel["stages"] == expected_stages
    assert funnel["steps"] == expected_steps
    assert funnel["byChannel"] == [
        {"channel": "EMAIL", "stages": expected_stages, "steps": expected_steps}
    ]


async def test_a_key_result_funnel_follows_the_shares_exactly(gql, org):
    # when
    funnel = await node_funnel(gql, org.kr1, org.period)

    # then: MQL 0.6 x 5 + 10 = 13; SQL 0.6 x 3 + 4 = 5.8 (shown 6); 2 opportunities;
    # revenue 0.6 x 1000 USD and 900 EUR; 5.8 / 13 = 0.44615..., 2 / 5.8 = 0.34482...;
    # per opportunity 600 / 2 USD and 900 / 2 EUR
    assert funnel["stages"] == [
        count(MQL, 13),
        count(SQL, 6, "5.8"),
        count(OPP, 2),
        money(REV, ("900.00", "EUR"), ("600.00", "USD")),
    ]
    assert funnel["steps"] == [
        step(MQL, SQL, "0.4462"),
        step(SQL, OPP, "0.3448"),
        step(OPP, REV, None, ("450.00", "EUR"), ("300.00", "USD")),
    ]
    # by channel: EMAIL (A's), PAID_SOCIAL (B's), none (B's unchanneled entries) last
    by_channel = {part["channel"]: part for part in funnel["byChannel"]}
    assert list(by_channel) == ["EMAIL", "PAID_SOCIAL", None]
    assert by_channel["EMAIL"]["stages"] == [
        count(MQL, 3),
        count(SQL, 2, "1.8"),
        missing(OPP),
        money(REV, ("600.00", "USD")),
    ]
    assert by_channel["EMAIL"]["steps"][0] == step(MQL, SQL, "0.6000")
    assert by_channel[None]["stages"] == [
        missing(MQL),
        missing(SQL),
        count(OPP, 2),
        money(REV, ("900.00", "EUR")),
    ]
    assert by_channel[None]["steps"][2] == step(OPP, REV, None, ("450.00", "EUR"))


async def test_the_other_key_result_and_the_goal(gql, org):
    # when
    kr2 = await node_funnel(gql, org.kr2, org.period)
    goal = await node_funnel(gql, org.goal, org.period)

    # then: key result 2 gets 0.4 of A: 2 MQL, 1.2 SQL (shown 1), 400 USD
    assert kr2["stages"] == [
        count(MQL, 2),
        count(SQL, 1, "1.2"),
        missing(OPP),
        money(REV, ("400.00", "USD")),
    ]
    assert kr2["steps"][0] == step(MQL, SQL, "0.6000")
    # the goal counts A once, whole (0.6 + 0.4), and B: 15 MQL, 7 SQL, 2 opportunities;
    # 7 / 15 = 0.46666..., 2 / 7 = 0.28571...
    assert goal["stages"] == [
        count(MQL, 15),
        count(SQL, 7),
        count(OPP, 2),
        money(REV, ("900.00", "EUR"), ("1000.00", "USD")),
    ]
    assert goal["steps"] == [
        step(MQL, SQL, "0.4667"),
        step(SQL, OPP, "0.2857"),
        step(OPP, REV, None, ("450.00", "EUR"), ("500.00", "USD")),
    ]


async def test_the_portfolio_funnel_counts_every_campaign_and_filters_by_channel(gql, org):
    # when
    whole = (await gql.data(PORTFOLIO_FUNNEL, {"period": org.period}))["funnel"]
    social = (await gql.data(PORTFOLIO_FUNNEL, {"period": org.period, "channel": "PAID_SOCIAL"}))[
        "funnel"
    ]
    events = (await gql.data(PORTFOLIO_FUNNEL, {"period": org.period, "channel": "EVENTS"}))[
        "funnel"
    ]

    # then: A, B, C and D whole: MQL 5 + 10 + 4 + 0 = 19, SQL 3 + 4 + 2 = 9;
    # 9 / 19 = 0.47368..., 2 / 9 = 0.22222...
    assert whole["stages"][:3] == [count(MQL, 19), count(SQL, 9), count(OPP, 2)]
    assert whole["steps"][:2] == [step(MQL, SQL, "0.4737"), step(SQL, OPP, "0.2222")]
    assert [part["channel"] for part in whole["byChannel"]] == [
        "EMAIL",
        "EVENTS",
        "PAID_SOCIAL",
        None,
    ]
    # PAID_SOCIAL: B's 10 MQL and 4 SQL only
    assert social["stages"] == [count(MQL, 10), count(SQL, 4), missing(OPP), missing(REV)]
    assert social["steps"] == [step(MQL, SQL, "0.4000"), step(SQL, OPP), step(OPP, REV)]
    assert [part["channel"] for part in social["byChannel"]] == ["PAID_SOCIAL"]
    # EVENTS: D reported 0 MQL (a zero, not missing) then 2 SQL: no rate from zero
    assert events["stages"][:2] == [count(MQL, 0), count(SQL, 2)]
    assert events["steps"][0] == step(MQL, SQL)


@pytest.mark.parametrize(
    "period",
    [
        {"start": "2026-03-01"},
        {"start": "2026-03-01", "end": "2026-02-01"},
        {"start": "2000-01-01", "end": "2026-01-01"},
    ],
)
async def test_a_bad_period_is_refused(gql, org, period):
    # when
    error = await gql.error(PORTFOLIO_FUNNEL, {"period": period})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_stage_list_is_a_setting(client_with, org):
    # given
    gql = await client_with(funnel_stages=(MQL, ResultMetric.LEADS))

    # when
    funnel = await node_funnel(gql.as_admin(), org.a, org.period)

    # then: 7 LEADS from 5 MQL
    assert funnel["stages"] == [count(MQL, 5), count(ResultMetric.LEADS, 7)]
    assert funnel["steps"] == [step(MQL, ResultMetric.LEADS, "1.4000")]


EVERY_GOAL_FUNNEL = """
query Funnels($period: DateRange!) {
  goals(first: 30) { nodes {
    funnel(period: $period) { stages { count } steps { rate } byChannel { channel } }
    keyResults(first: 3) { nodes { funnel(period: $period) { stages { exactCount } } } }
  } }
  campaigns(first: 30) { nodes { funnel(period: $period) { stages { count } } } }
  funnel(period: $period) { stages { count amounts { amount } } }
}
"""


async def test_funnels_cost_no_statement_per_node(gql, org):
    async def statements() -> int:
        admin = gql.as_admin()
        await admin.signed_in_user()
        await admin.settle()
        await admin.data(EVERY_GOAL_FUNNEL, {"period": org.period})
        with count_statements() as counted:
            await admin.data(EVERY_GOAL_FUNNEL, {"period": org.period})
        return counted.count

    async def add(count_: int) -> None:
        team = await factories.team()
        for _ in range(count_):
            goal = await factories.goal(team)
            key_result = await factories.key_result(goal)
            campaign = await factories.campaign(team, [Channel.EMAIL])
            await factories.align(campaign, key_result)
            await factories.result(campaign, MQL, "3", date=clock.today() - timedelta(days=5))

    # given
    await add(2)
    small = await statements()

    # when
    await add(12)
    large = await statements()

    # then
    assert small == large == 1
