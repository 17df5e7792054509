"""Key results measured from their aligned campaigns' results, through the API.

Every figure is worked out by hand below. The clock stands on 2026-04-30; the goal runs
through 2026 and the key results are due 2026-06-30, so their period is 2026-01-01 ..
2026-06-30 (181 days, 120 of them over: expected progress 120 / 181 = 0.6630).
"""

from __future__ import annotations

from datetime import date

import pytest

from schema.core.node import global_id_of
from server import clock, models
from server.enums import KeyResultSource, MeasureUnit, ResultMetric
from tests import factories as make

TODAY = date(2026, 4, 30)
DUE = date(2026, 6, 30)

MEASURED = """
query ($id: ID!) { node(id: $id) { ... on KeyResult {
  version currentValue progress attainment expectedProgress health
  source { kind metric baseMetric formula }
  measurement {
    formula value reason numerator denominator currency periodStart periodEnd
    campaigns { campaign { id } share value contribution denominator denominatorContribution
                entries { entry { id } amount contribution } }
    gaps { code message entry { id } }
  }
  valueHistory { totalCount nodes { day at value note } }
  checkIns { totalCount }
  goal { progress progressBreakdown { items { node { id } counted progress } } }
} } }
"""

CREATE = """
mutation ($input: KeyResultCreateInput!) { keyResultCreate(input: $input) {
  keyResult { id source { kind metric baseMetric } currentValue }
  userErrors { field code message }
} }
"""

UPDATE = """
mutation ($input: KeyResultUpdateInput!) { keyResultUpdate(input: $input) {
  keyResult { id version source { kind metric baseMetric } currentValue
              history { nodes { action changes { field before after } } } }
  userErrors { field code message }
} }
"""

CHECK_IN = """
mutation ($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
  keyResult { id version currentValue }
  userErrors { field code message }
} }
"""

CHECK_IN_UPSERT = """
mutation ($input: KeyResultCheckInUpsertInput!) { keyResultCheckInUpsert(input: $input) {
  created updated unchanged
  userErrors { field code message }
} }
"""

RESULT_ADD = """
mutation ($input: CampaignResultAddInput!) { campaignResultAdd(input: $input) {
  userErrors { field code message }
} }
"""

SPEND_ADD = """
mutation ($input: CampaignSpendAddInput!) { campaignSpendAdd(input: $input) {
  userErrors { field code message }
} }
"""

TRACE = """
query ($id: ID!) { trace(id: $id) {
  movedKeyResults { keyResult { id } share amount contribution reason }
} }
"""

RISKS = """
query ($id: ID!) { node(id: $id) { ... on KeyResult {
  risks { nodes { kind severity figures { name value } } }
} } }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def gid(row) -> str:
    return global_id_of(row)


async def measured_key_result(goal, source=KeyResultSource.METRIC, metric=None, base=None, **f):
    f.setdefault("target_value", 1200)
    return await make.key_result(
        goal,
        due_date=DUE,
        source=source,
        source_metric=metric,
        source_base_metric=base,
        **f,
    )


async def two_campaigns():
    """`sqls` (SQL, 0 -> 1200) fed by A at 0.6 and B at 0.5; A's other 0.4 and B's
    other 0.5 go to a typed key result."""
    team = await make.team()
    goal = await make.goal(team, title="Pipeline")
    other_goal = await make.goal(team, title="Elsewhere")
    sqls = await measured_key_result(goal, metric=ResultMetric.SQL, title="SQLs")
    typed = await make.key_result(other_goal, title="typed")
    a = await make.campaign(team, name="A", start_date=date(2026, 1, 1), end_date=DUE)
    b = await make.campaign(team, name="B", start_date=date(2026, 1, 1), end_date=DUE)
    await make.align(a, sqls, "0.6")
    await make.align(a, typed, "0.4")
    await make.align(b, sqls, "0.5")
    await make.align(b, typed, "0.5")
    sql = ResultMetric.SQL
    entries = {
        "a1": await make.result(a, sql, 100, date=date(2026, 2, 10)),
        "a2": await make.result(a, sql, 50, date=date(2026, 3, 5)),
        "a_before": await make.result(a, sql, 999, date=date(2025, 12, 31)),
        "a_future": await make.result(a, sql, 70, date=date(2026, 5, 10)),
        "a_mql": await make.result(a, ResultMetric.MQL, 400, date=date(2026, 2, 10)),
        "b1": await make.result(b, sql, 80, date=date(2026, 3, 5)),
        "b2": await make.result(b, sql, 20, date=date(2026, 4, 1)),
    }
    return goal, sqls, typed, a, b, entries


async def node(gql, row, query: str = MEASURED) -> dict:
    return (await gql.data(query, {"id": gid(row)}))["node"]


async def test_a_metric_key_result_sums_its_campaigns_results_times_their_shares(gql):
    # given
    goal, sqls, _, a, b, e = await two_campaigns()

    # when
    found = await node(gql.as_admin(), sqls)

    # then: 0.6 x (100 + 50) + 0.5 x (80 + 20) = 90 + 50 = 140; the entry before the
    # period, the one after today and the MQL are not counted
    assert found["currentValue"] == "140"
    assert found["source"] == {
        "kind": "METRIC",
        "metric": "SQL",
        "baseMetric": None,
        "formula": "the total of SQL",
    }
    m = found["measurement"]
    assert (m["value"], m["numerator"], m["denominator"], m["reason"]) == ("140", "140", None, None)
    assert (m["periodStart"], m["periodEnd"], m["currency"]) == ("2026-01-01", "2026-06-30", None)
    assert m["gaps"] == []
    assert [
        (c["campaign"]["id"], c["share"], c["value"], c["contribution"]) for c in m["campaigns"]
    ] == [(gid(a), "0.6000", "150", "90"), (gid(b), "0.5000", "100", "50")]
    assert [
        [(x["entry"]["id"], x["amount"], x["contribution"]) for x in c["entries"]]
        for c in m["campaigns"]
    ] == [
        [(gid(e["a1"]), "100", "60"), (gid(e["a2"]), "50", "30")],
        [(gid(e["b1"]), "80", "40"), (gid(e["b2"]), "20", "10")],
    ]
    # progress 140 / 1200 = 0.11666..; expected 120 / 181; a gap of 0.546: OFF_TRACK
    assert (found["progress"], found["attainment"]) == ("0.1167", "0.1167")
    assert (found["expectedProgress"], found["health"]) == ("0.6630", "OFF_TRACK")
    assert found["goal"]["progress"] == "0.1167"
    # one point per day with a change: 0.6 x 100; + 0.6 x 50 + 0.5 x 80; + 0.5 x 20
    assert [(p["day"], p["value"], p["at"]) for p in found["valueHistory"]["nodes"]] == [
        ("2026-02-10", "60", "2026-02-10T00:00:00+00:00"),
        ("2026-03-05", "130", "2026-03-05T00:00:00+00:00"),
        ("2026-04-01", "140", "2026-04-01T00:00:00+00:00"),
    ]


async def test_a_new_result_moves_the_key_result_its_goal_and_its_risk(gql):
    # given: read once, so the next read takes over from a computed engine
    goal, sqls, typed, a, b, e = await two_campaigns()
    admin = gql.as_admin()
    before = await node(admin, sqls)
    risk_before = await node(admin, sqls, RISKS)
    typed_before = await node(admin, typed)

    # when: 100 more SQLs on B (share 0.5), through the API
    added = await admin.data(
        RESULT_ADD,
        {"input": {"campaignId": gid(b), "date": "2026-04-15", "metric": "SQL", "value": "100"}},
    )

    # then: 140 + 50 = 190, and progress, goal progress and the risk's figure follow
    assert added["campaignResultAdd"]["userErrors"] == []
    after = await node(admin, sqls)
    assert (before["currentValue"], after["currentValue"]) == ("140", "190")
    assert after["progress"] == "0.1583"  # 190 / 1200
    assert after["goal"]["progress"] == "0.1583"
    assert after["valueHistory"]["nodes"][-1] == {
        "day": "2026-04-15",
        "at": "2026-04-15T00:00:00+00:00",
        "value": "190",
        "note": "",
    }
    figures = {
        f["name"]: f["value"]
        for risk in (await node(admin, sqls, RISKS))["risks"]["nodes"]
        if risk["kind"] == "KEY_RESULT_OFF_TRACK"
        for f in risk["figures"]
    }
    old = {
        f["name"]: f["value"]
        for risk in risk_before["risks"]["nodes"]
        if risk["kind"] == "KEY_RESULT_OFF_TRACK"
        for f in risk["figures"]
    }
    assert (old["currentValue"], figures["currentValue"]) == ("140", "190")
    # a typed key result on the same campaigns does not move
    assert (await node(admin, typed))["currentValue"] == typed_before["currentValue"] == "0.0000"


async def test_a_manual_check_in_on_a_metric_key_result_is_refused(gql):
    # given
    _, sqls, *_ = await two_campaigns()
    admin = gql.as_admin()

    # when
    payload = (
        await admin.data(
            CHECK_IN, {"input": {"id": gid(sqls), "version": sqls.version, "value": "500"}}
        )
    )["keyResultCheckIn"]
    bulk = (
        await admin.data(
            CHECK_IN_UPSERT,
            {
                "input": {
                    "entries": [
                        {
                            "source": "crm",
                            "externalId": "1",
                            "keyResultId": gid(sqls),
                            "value": "500",
                            "checkedInAt": "2026-04-01T09:00:00Z",
                        }
                    ]
                }
            },
        )
    )["keyResultCheckInUpsert"]

    # then: a clear error, and nothing written
    assert payload["keyResult"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("id", "MEASURED")
    assert "computed" in error["message"] and "MANUAL" in error["message"]
    assert [(x["field"], x["code"]) for x in bulk["userErrors"]] == [
        ("entries.0.keyResultId", "MEASURED")
    ]
    assert bulk["created"] == 0
    assert await models.CheckIn.filter(key_result_id=sqls.pk).count() == 0
    stored = await models.KeyResult.get(pk=sqls.pk)
    assert (stored.version, stored.current_value) == (sqls.version, sqls.current_value)
    assert (await node(admin, sqls))["currentValue"] == "140"


async def test_a_csv_of_check_ins_on_a_metric_key_result_is_refused(gql):
    # given
    _, sqls, *_ = await two_campaigns()
    admin = gql.as_admin()
    body = (
        "source,external_id,key_result_id,value,checked_in_at,note\n"
        f"crm,week-1,{gid(sqls)},500,2026-04-01T09:00:00+00:00,\n"
    )

    # when
    response = await admin.http.post(
        "/import/check-ins",
        content=body.encode(),
        headers={"Content-Type": "text/csv", **(await admin.headers())},
    )

    # then: refused by line and column, nothing written
    assert response.status_code == 422
    assert [(e["line"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (2, "key_result_id", "MEASURED")
    ]
    assert await models.CheckIn.filter(key_result_id=sqls.pk).count() == 0


async def test_a_ratio_with_a_zero_denominator_has_no_value_and_no_progress(gql):
    # given: spend per lead on a campaign (share 0.5) with spend and no lead yet
    team = await make.team()
    goal = await make.goal(team)
    per_lead = await measured_key_result(
        goal,
        KeyResultSource.COST_PER,
        ResultMetric.LEADS,
        start_value=100,
        target_value=40,
        unit=MeasureUnit.CURRENCY,
        currency="USD",
    )
    await make.key_result(goal, current_value=50, due_date=DUE)
    d = await make.campaign(team, start_date=date(2026, 1, 1), end_date=DUE)
    await make.align(d, per_lead, "0.5")
    spent = await make.spend(d, "500.00", date=date(2026, 3, 1))
    admin = gql.as_admin()

    # when
    found = await node(admin, per_lead)

    # then: no value, a reason, and it is left out of its goal's progress
    assert found["currentValue"] is None
    m = found["measurement"]
    assert (m["value"], m["numerator"], m["denominator"]) == (None, "250", "0")
    assert "denominator is 0" in m["reason"]
    assert (found["progress"], found["health"]) == ("0.0000", "NOT_STARTED")
    items = {i["node"]["id"]: i for i in found["goal"]["progressBreakdown"]["items"]}
    assert items[gid(per_lead)]["counted"] is False
    assert found["goal"]["progress"] == "0.5000"  # the typed key result alone: 50 / 100
    assert found["valueHistory"]["nodes"] == [
        {"day": "2026-03-01", "at": "2026-03-01T00:00:00+00:00", "value": None, "note": ""}
    ]

    # when: 20 leads arrive
    await admin.data(
        RESULT_ADD,
        {"input": {"campaignId": gid(d), "date": "2026-03-02", "metric": "LEADS", "value": "20"}},
    )
    leads = await models.ResultEntry.get(campaign_id=d.pk)
    found = await node(admin, per_lead)

    # then: (0.5 x 500) / (0.5 x 20) = 25 USD per lead; from 100 towards 40: 75 / 60 = 1
    assert found["currentValue"] == "25"
    assert found["measurement"]["currency"] == "USD"
    assert (found["progress"], found["attainment"], found["health"]) == ("1.0000", "1.2500", "DONE")
    [part] = found["measurement"]["campaigns"]
    assert [(x["entry"]["id"], x["amount"], x["contribution"]) for x in part["entries"]] == [
        (gid(spent), "500", "250"),
        (gid(leads), "20", "10"),
    ]


async def test_conversion_rate_and_roi_weight_both_terms_by_the_share(gql):
    # given: A (0.4 here) has 150 SQLs of 400 MQLs in the period; C (share 1) 30 of 100;
    # A spent 1000 and earned 3000, C spent 500 and earned 500
    team = await make.team()
    goal = await make.goal(team)
    rate = await measured_key_result(
        goal, KeyResultSource.CONVERSION_RATE, ResultMetric.SQL, ResultMetric.MQL, target_value=1
    )
    roi = await measured_key_result(goal, KeyResultSource.ROI, target_value=3)
    a = await make.campaign(team, start_date=date(2026, 1, 1), end_date=DUE)
    c = await make.campaign(team, start_date=date(2026, 1, 1), end_date=DUE)
    await make.align(a, rate, "0.4")
    await make.align(a, roi, "0.6")
    await make.align(c, rate, "1")
    await make.align(c, roi, "0")  # never stored by the API, but a share of 0 adds nothing
    for campaign, sql, mql, spent, earned in ((a, 150, 400, 1000, 3000), (c, 30, 100, 500, 500)):
        await make.result(campaign, ResultMetric.SQL, sql, date=date(2026, 2, 1))
        await make.result(campaign, ResultMetric.MQL, mql, date=date(2026, 2, 1))
        await make.result(campaign, ResultMetric.REVENUE, earned, date=date(2026, 3, 1))
        await make.spend(campaign, spent, date=date(2026, 2, 15))
    admin = gql.as_admin()

    # when
    found_rate, found_roi = await node(admin, rate), await node(admin, roi)

    # then: (0.4 x 150 + 30) / (0.4 x 400 + 100) = 90 / 260 = 0.34615..
    assert found_rate["currentValue"] == "0.3462"
    m = found_rate["measurement"]
    assert (m["numerator"], m["denominator"], m["formula"]) == ("90", "260", "SQL / MQL")
    assert [
        (x["value"], x["denominator"], x["contribution"], x["denominatorContribution"])
        for x in m["campaigns"]
    ] == [("150", "400", "60", "160"), ("30", "100", "30", "100")]
    # ROI: (0.6 x (3000 - 1000) + 0 x 0) / (0.6 x 1000) = 1200 / 600 = 2, in USD
    assert found_roi["currentValue"] == "2"
    assert (found_roi["measurement"]["numerator"], found_roi["measurement"]["denominator"]) == (
        "1200",
        "600",
    )
    # the ROI points: spend first (-600 / 600 = -1), then the revenue (1200 / 600 = 2)
    assert [(p["day"], p["value"]) for p in found_roi["valueHistory"]["nodes"]] == [
        ("2026-02-15", "-1"),
        ("2026-03-01", "2"),
    ]


async def test_revenue_across_two_currencies_converts_each_entry_on_its_date(gql):
    # given: USD reporting; 1 EUR = 1.10 USD from 2026-01-15, 1.20 USD from 2026-03-01.
    # A (USD) gives 60% to `in_usd` and 40% to `in_eur`; B (EUR) 50% to each.
    team = await make.team()
    goal = await make.goal(team)
    revenue = {"metric": ResultMetric.REVENUE, "unit": MeasureUnit.CURRENCY}
    in_usd = await measured_key_result(goal, currency="USD", target_value=10000, **revenue)
    in_eur = await measured_key_result(goal, currency="EUR", target_value=10000, **revenue)
    a = await make.campaign(team, start_date=date(2026, 1, 1), end_date=DUE)
    b = await make.campaign(team, start_date=date(2026, 1, 1), end_date=DUE, currency="EUR")
    await make.align(a, in_usd, "0.6")
    await make.align(a, in_eur, "0.4")
    await make.align(b, in_usd, "0.5")
    await make.align(b, in_eur, "0.5")
    await make.exchange_rate("EUR", "1.10", date(2026, 1, 15))
    await make.exchange_rate("EUR", "1.20", date(2026, 3, 1))
    earned = ResultMetric.REVENUE
    usd_1000 = await make.result(a, earned, 1000, date=date(2026, 2, 1))
    eur_500 = await make.result(b, earned, 500, date=date(2026, 1, 10))  # before any rate
    eur_800 = await make.result(b, earned, 800, date=date(2026, 2, 2))
    await make.result(b, earned, 400, date=date(2026, 3, 5))
    admin = gql.as_admin()

    # when
    usd, eur = await node(admin, in_usd), await node(admin, in_eur)

    # then, in USD: 0.6 x 1000 + 0.5 x (800 x 1.10 + 400 x 1.20) = 600 + 440 + 240 = 1280;
    # the EUR 500 of 2026-01-10 has no rate on or before its date: a named gap
    assert usd["currentValue"] == "1280"
    assert usd["measurement"]["currency"] == "USD"
    [gap] = usd["measurement"]["gaps"]
    assert (gap["code"], gap["entry"]["id"]) == ("OTHER_CURRENCY", gid(eur_500))
    assert gap["message"] == (
        f"ResultEntry {eur_500.pk} (500 EUR on 2026-01-10) is left out: it has no exchange "
        "rate for EUR on or before 2026-01-10."
    )
    assert [
        [(x["amount"], x["contribution"]) for x in c["entries"]]
        for c in usd["measurement"]["campaigns"]
    ] == [[("1000", "600")], [("880", "440"), ("480", "240")]]
    assert [(p["day"], p["value"]) for p in usd["valueHistory"]["nodes"]] == [
        ("2026-02-01", "600"),
        ("2026-02-02", "1040"),
        ("2026-03-05", "1280"),
    ]
    # in EUR: 0.4 x 1000 USD / 1.10 (the EUR rate on 2026-02-01) + 0.5 x (500 + 800 + 400)
    # = 363.6363.. + 850 = 1213.6364; euros need no rate
    assert eur["currentValue"] == "1213.6364"
    assert eur["measurement"]["gaps"] == []
    assert eur["measurement"]["campaigns"][0]["entries"] == [
        {"entry": {"id": gid(usd_1000)}, "amount": "909.0909", "contribution": "363.6364"}
    ]
    # the trace of an entry names the key results it moves, converted for each
    moved = (await admin.data(TRACE, {"id": gid(eur_800)}))["trace"]["movedKeyResults"]
    assert [(m["keyResult"]["id"], m["share"], m["amount"], m["contribution"]) for m in moved] == [
        (gid(in_usd), "0.5000", "880", "440"),
        (gid(in_eur), "0.5000", "800", "400"),
    ]
    left_out = (await admin.data(TRACE, {"id": gid(eur_500)}))["trace"]["movedKeyResults"]
    assert [(m["amount"], m["reason"] is not None) for m in left_out] == [
        (None, True),
        ("500", False),
    ]

    # when: a rate from 2026-01-01 arrives (1 EUR = 1 USD until 01-15)
    await make.exchange_rate("EUR", "1.00", date(2026, 1, 1))

    # then: the gap closes; 1280 + 0.5 x 500 = 1530
    usd = await node(admin, in_usd)
    assert (usd["currentValue"], usd["measurement"]["gaps"]) == ("1530", [])
    assert usd["progress"] == "0.1530"


async def test_create_update_and_history_of_the_source(gql):
    # given
    team = await make.team()
    goal = await make.goal(team)
    admin = gql.as_admin()

    # when: created measured, then set back to check-ins
    created = (
        await admin.data(
            CREATE,
            {
                "input": {
                    "goalId": gid(goal),
                    "title": "MQLs",
                    "startValue": "0",
                    "targetValue": "500",
                    "dueDate": "2026-06-30",
                    "source": {"kind": "METRIC", "metric": "MQL"},
                }
            },
        )
    )["keyResultCreate"]
    kr_id = created["keyResult"]["id"]
    updated = (
        await admin.data(
            UPDATE, {"input": {"id": kr_id, "version": 1, "source": {"kind": "MANUAL"}}}
        )
    )["keyResultUpdate"]

    # then
    assert created["userErrors"] == []
    assert created["keyResult"]["source"] == {"kind": "METRIC", "metric": "MQL", "baseMetric": None}
    assert created["keyResult"]["currentValue"] == "0"
    assert updated["userErrors"] == []
    assert updated["keyResult"]["source"]["kind"] == "MANUAL"
    last = updated["keyResult"]["history"]["nodes"][-1]
    assert last["action"] == "UPDATED"
    assert {(c["field"], c["before"], c["after"]) for c in last["changes"]} == {
        ("source", "METRIC", "MANUAL"),
        ("sourceMetric", "MQL", None),
    }


@pytest.mark.parametrize(
    ("source", "errors"),
    [
        ({"kind": "METRIC"}, [("source.metric", "REQUIRED")]),
        ({"kind": "ROI", "metric": "SQL"}, [("source.metric", "INVALID")]),
        ({"kind": "CONVERSION_RATE", "metric": "SQL"}, [("source.baseMetric", "REQUIRED")]),
        (
            {"kind": "CONVERSION_RATE", "metric": "SQL", "baseMetric": "SQL"},
            [("source.baseMetric", "INVALID")],
        ),
        ({"kind": "COST_PER", "metric": "REVENUE"}, [("source.metric", "INVALID")]),
        ({"kind": "MANUAL", "baseMetric": "MQL"}, [("source.baseMetric", "INVALID")]),
        (None, [("source.kind", "REQUIRED")]),
    ],
)
async def test_a_source_that_names_the_wrong_metrics_is_refused(gql, source, errors):
    # given
    goal = await make.goal(await make.team())
    kr = await make.key_result(goal)

    # when
    payload = (
        await gql.as_admin().data(
            UPDATE, {"input": {"id": gid(kr), "version": 1, "source": source}}
        )
    )["keyResultUpdate"]

    # then: refused, nothing changed
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == errors
    stored = await models.KeyResult.get(pk=kr.pk)
    assert (stored.version, stored.source) == (1, KeyResultSource.MANUAL)


async def test_the_trace_of_a_result_entry_shows_the_key_results_it_moves(gql):
    # given
    _, sqls, typed, a, b, e = await two_campaigns()
    admin = gql.as_admin()

    # when
    moved = (await admin.data(TRACE, {"id": gid(e["a1"])}))["trace"]["movedKeyResults"]
    not_yet = (await admin.data(TRACE, {"id": gid(e["a_future"])}))["trace"]["movedKeyResults"]
    campaign = (await admin.data(TRACE, {"id": gid(a)}))["trace"]["movedKeyResults"]

    # then: A's first 100 SQLs add 0.6 x 100 to `sqls`; the typed key result is not moved
    assert moved == [
        {
            "keyResult": {"id": gid(sqls)},
            "share": "0.6000",
            "amount": "100",
            "contribution": "60",
            "reason": None,
        }
    ]
    assert not_yet == [] and campaign == []
