"""campaignSpendUpsert, campaignResultUpsert and keyResultCheckInUpsert over HTTP: the
same entries sent twice change nothing the second time, a changed entry is updated in
place, one bad entry writes nothing and is named by its index, and permissions hold
per entry. Money figures are checked against totals worked out by hand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import HistoryAction, ResultMetric, Role
from tests import factories

pytestmark = pytest.mark.date_sensitive

SPEND_UPSERT = """
mutation SpendUpsert($input: CampaignSpendUpsertInput!) {
  campaignSpendUpsert(input: $input) {
    created updated unchanged
    spendEntries { id version source externalId amount { amount currency } }
    userErrors { field code message }
  }
}
"""

RESULT_UPSERT = """
mutation ResultUpsert($input: CampaignResultUpsertInput!) {
  campaignResultUpsert(input: $input) {
    created updated unchanged
    resultEntries { id version metric value }
    userErrors { field code message }
  }
}
"""

CHECK_IN_UPSERT = """
mutation CheckInUpsert($input: KeyResultCheckInUpsertInput!) {
  keyResultCheckInUpsert(input: $input) {
    created updated unchanged
    checkIns { id version value }
    userErrors { field code message }
  }
}
"""

CAMPAIGN_MONEY = """
query Money($id: ID!) {
  node(id: $id) {
    ... on Campaign { version money { spendToDate { amount } leads } }
  }
}
"""

KEY_RESULT = """
query KeyResult($id: ID!) {
  node(id: $id) { ... on KeyResult { version currentValue } }
}
"""


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with a USD campaign and a key result each, an editor of each team and
    a viewer."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars", currency="USD")
    o.sales_campaign = await factories.campaign(o.sales, name="Partner days", currency="USD")
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.key_result = await factories.key_result(
        o.goal, title="Weekly sign-ups", start_value=Decimal(0), target_value=Decimal(100)
    )
    return o


def spend_entries(campaign, count: int, *, source: str = "google-ads") -> list[dict]:
    """`count` entries of 1.00 to 10.00 (repeating), dated over the last 30 days."""
    today = clock.today()
    return [
        {
            "source": source,
            "externalId": f"row-{index}",
            "campaignId": gid(campaign),
            "date": (today - timedelta(days=index % 30)).isoformat(),
            "amount": f"{index % 10 + 1}.00",
            "currency": "USD",
        }
        for index in range(count)
    ]


async def spend_to_date(gql, campaign) -> Decimal | None:
    money = (await gql.data(CAMPAIGN_MONEY, {"id": gid(campaign)}))["node"]["money"]
    return money["spendToDate"] and Decimal(money["spendToDate"]["amount"])


async def state() -> tuple[int, int, list[int]]:
    """Entries, history entries and every entry's version."""
    versions = await models.SpendEntry.all().order_by("id").values_list("version", flat=True)
    return await models.SpendEntry.all().count(), await models.HistoryEntry.all().count(), versions


async def test_a_thousand_entries_sent_twice_are_counted_once(gql, org):
    # given
    entries = spend_entries(org.campaign, 1000)

    # when
    first = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    after_first = await state()
    second = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then: 100 of each amount from 1 to 10: 100 × 55 = 5500
    assert first["userErrors"] == []
    assert (first["created"], first["updated"], first["unchanged"]) == (1000, 0, 0)
    assert [entry["amount"]["amount"] for entry in first["spendEntries"][:3]] == [
        "1.00",
        "2.00",
        "3.00",
    ]
    assert [(e["source"], e["externalId"]) for e in first["spendEntries"][998:]] == [
        ("google-ads", "row-998"),
        ("google-ads", "row-999"),
    ]
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 1000)
    assert [e["id"] for e in second["spendEntries"]] == [e["id"] for e in first["spendEntries"]]
    count, history, versions = await state()
    assert (count, history, versions) == after_first
    assert count == 1000 and set(versions) == {1}
    # each entry recorded twice, as a single entry is: CREATED on it, SPEND_ADDED on the campaign
    assert history == 2000
    added = await models.HistoryEntry.filter(
        node_type="Campaign", node_id=org.campaign.pk, action=HistoryAction.SPEND_ADDED
    ).count()
    assert added == 1000
    assert await spend_to_date(gql, org.campaign) == Decimal("5500")


async def test_a_changed_entry_is_updated_in_place(gql, org):
    # given: 1 + 2 + 3 spent
    entries = spend_entries(org.campaign, 3)
    await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    entries[1]["amount"] = "20.50"
    entries[2]["note"] = "Corrected by the ad platform"

    # when
    payload = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then: 1 + 20.50 + 3
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (0, 2, 1)
    assert [entry["version"] for entry in payload["spendEntries"]] == [1, 2, 2]
    assert await models.SpendEntry.all().count() == 3
    assert await spend_to_date(gql, org.campaign) == Decimal("24.5")
    row = await models.SpendEntry.get(external_id="row-1")
    [update] = await models.HistoryEntry.filter(
        node_type="SpendEntry", node_id=row.pk, action=HistoryAction.UPDATED
    )
    assert update.changes == {"amount": {"before": "2", "after": "20.50"}}


async def test_one_bad_entry_among_many_writes_nothing_and_is_named(gql, org):
    # given
    await gql.mutate(
        SPEND_UPSERT, {"entries": spend_entries(org.campaign, 5)}, "campaignSpendUpsert"
    )
    before = await state()
    entries = spend_entries(org.campaign, 600)
    entries[3]["amount"] = "9.99"  # a change that must not be applied either
    entries[317]["amount"] = "-5"
    entries[450]["currency"] = "EUR"

    # when
    payload = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("entries.317.amount", "NEGATIVE"),
        ("entries.450.currency", "CURRENCY_MISMATCH"),
    ]
    assert (payload["created"], payload["updated"], payload["unchanged"]) == (0, 0, 0)
    assert payload["spendEntries"] == []
    assert await state() == before
    assert await spend_to_date(gql, org.campaign) == Decimal("15")


async def test_the_same_key_twice_in_one_call_is_refused(gql, org):
    # given
    entries = spend_entries(org.campaign, 6)
    entries[5]["externalId"] = " row-2 "  # spaces around it do not make it another entry

    # when
    payload = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("entries.5.externalId", "DUPLICATE")
    ]
    assert "entry 2" in payload["userErrors"][0]["message"]
    assert await models.SpendEntry.all().count() == 0


async def test_the_same_external_id_from_another_source_is_another_entry(gql, org):
    # when
    await gql.mutate(
        SPEND_UPSERT, {"entries": spend_entries(org.campaign, 2)}, "campaignSpendUpsert"
    )
    payload = await gql.mutate(
        SPEND_UPSERT,
        {"entries": spend_entries(org.campaign, 2, source="linkedin-ads")},
        "campaignSpendUpsert",
    )

    # then: 1 + 2 from each source
    assert payload["created"] == 2
    assert await spend_to_date(gql, org.campaign) == Decimal("6")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"source": "  "}, "entries.0.source", "REQUIRED"),
        ({"externalId": ""}, "entries.0.externalId", "REQUIRED"),
        ({"externalId": "x" * 201}, "entries.0.externalId", "TOO_LONG"),
        ({"source": "google\nads"}, "entries.0.source", "INVALID"),
        ({"campaignId": "bm90LWFuLWlk"}, "entries.0.campaignId", "NOT_FOUND"),
        ({"amount": "1.234"}, "entries.0.amount", "INVALID"),
        ({"date": "1850-01-01"}, "entries.0.date", "OUT_OF_RANGE"),
    ],
)
async def test_bad_fields_are_reported_and_nothing_is_written(gql, org, change, field, code):
    # given
    entries = spend_entries(org.campaign, 1)
    entries[0].update(change)

    # when
    body = await gql.raw(SPEND_UPSERT, {"input": {"entries": entries}})

    # then
    errors = body["data"]["campaignSpendUpsert"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert await models.SpendEntry.all().count() == 0


async def test_more_than_a_thousand_entries_are_refused(gql, org):
    # when
    payload = await gql.mutate(
        SPEND_UPSERT, {"entries": spend_entries(org.campaign, 1001)}, "campaignSpendUpsert"
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("entries", "OUT_OF_RANGE")]
    assert await models.SpendEntry.all().count() == 0


async def test_a_viewer_may_not_upsert(gql, org):
    # when
    error = await gql.as_user(org.viewer).error(
        SPEND_UPSERT, {"input": {"entries": spend_entries(org.campaign, 2)}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await models.SpendEntry.all().count() == 0


async def test_an_editor_writes_only_under_their_teams_campaigns(gql, org):
    # given
    editor = gql.as_user(org.editor)
    entries = spend_entries(org.campaign, 3)
    entries[1]["campaignId"] = gid(org.sales_campaign)

    # when
    refused = await editor.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    own = await editor.mutate(
        SPEND_UPSERT, {"entries": spend_entries(org.campaign, 3)}, "campaignSpendUpsert"
    )
    # the Sales editor sends the same keys: they are Growth's entries now
    taken = await gql.as_user(org.sales_editor).mutate(
        SPEND_UPSERT, {"entries": spend_entries(org.sales_campaign, 1)}, "campaignSpendUpsert"
    )

    # then
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("entries.1.campaignId", "NOT_ALLOWED")
    ]
    assert own["userErrors"] == [] and own["created"] == 3
    assert [(e["field"], e["code"]) for e in taken["userErrors"]] == [
        ("entries.0.externalId", "NOT_ALLOWED")
    ]
    assert await models.SpendEntry.filter(campaign_id=org.campaign.pk).count() == 3
    assert await models.SpendEntry.filter(campaign_id=org.sales_campaign.pk).count() == 0


async def test_an_archived_entry_is_not_brought_back(gql, org):
    # given
    entries = spend_entries(org.campaign, 2)
    await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    await factories.archive(await models.SpendEntry.get(external_id="row-1"))

    # when
    payload = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("entries.1.externalId", "ARCHIVED")
    ]


async def test_results_are_upserted_and_counted_once(gql, org):
    # given: 10 + 20 + 30 leads, and 500 of revenue
    today = clock.today().isoformat()
    entries = [
        {
            "source": "crm",
            "externalId": f"leads-{n}",
            "campaignId": gid(org.campaign),
            "date": today,
            "metric": "LEADS",
            "value": str(n * 10),
        }
        for n in (1, 2, 3)
    ] + [
        {
            "source": "crm",
            "externalId": "revenue-1",
            "campaignId": gid(org.campaign),
            "date": today,
            "metric": "REVENUE",
            "value": "500",
        }
    ]

    # when
    first = await gql.mutate(RESULT_UPSERT, {"entries": entries}, "campaignResultUpsert")
    entries[0]["value"] = "15"
    second = await gql.mutate(RESULT_UPSERT, {"entries": entries}, "campaignResultUpsert")

    # then: 15 + 20 + 30
    assert (first["created"], second["updated"], second["unchanged"]) == (4, 1, 3)
    money = (await gql.data(CAMPAIGN_MONEY, {"id": gid(org.campaign)}))["node"]["money"]
    assert Decimal(money["leads"]) == 65
    assert await models.ResultEntry.filter(metric=ResultMetric.LEADS).count() == 3


def check_in(org, external_id: str, value: str, at: datetime) -> dict:
    return {
        "source": "product-analytics",
        "externalId": external_id,
        "keyResultId": gid(org.key_result),
        "value": value,
        "checkedInAt": at.isoformat(),
    }


async def test_check_ins_move_the_current_value_to_the_latest(gql, org):
    # given: three weekly measurements, sent out of order
    now = clock.now().astimezone(UTC).replace(microsecond=0)
    weeks = [now - timedelta(days=14), now - timedelta(days=7), now - timedelta(days=1)]
    entries = [
        check_in(org, "week-3", "42", weeks[2]),
        check_in(org, "week-1", "10", weeks[0]),
        check_in(org, "week-2", "25", weeks[1]),
    ]

    # when
    first = await gql.mutate(CHECK_IN_UPSERT, {"entries": entries}, "keyResultCheckInUpsert")
    after_first = (await gql.data(KEY_RESULT, {"id": gid(org.key_result)}))["node"]
    again = await gql.mutate(CHECK_IN_UPSERT, {"entries": entries}, "keyResultCheckInUpsert")
    after_again = (await gql.data(KEY_RESULT, {"id": gid(org.key_result)}))["node"]
    entries[0]["value"] = "40"
    corrected = await gql.mutate(CHECK_IN_UPSERT, {"entries": entries}, "keyResultCheckInUpsert")
    after_correction = (await gql.data(KEY_RESULT, {"id": gid(org.key_result)}))["node"]

    # then
    assert first["created"] == 3
    assert Decimal(after_first["currentValue"]) == 42 and after_first["version"] == 2
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert after_again == after_first
    assert corrected["updated"] == 1
    assert Decimal(after_correction["currentValue"]) == 40 and after_correction["version"] == 3
    [first_entry, correction] = await models.HistoryEntry.filter(
        node_type="KeyResult", node_id=org.key_result.pk, action=HistoryAction.CHECKED_IN
    ).order_by("id")
    assert first_entry.changes["current_value"] == {"before": "0", "after": "42"}
    assert correction.changes["current_value"] == {"before": "42", "after": "40"}


async def test_a_check_in_needs_its_moment_and_not_a_future_one(gql, org):
    # given
    future = clock.now() + timedelta(days=2)
    entries = [check_in(org, "w", "1", future), check_in(org, "v", "1", future)]
    del entries[1]["checkedInAt"]

    # when
    body = await gql.raw(CHECK_IN_UPSERT, {"input": {"entries": entries}})
    payload = await gql.mutate(CHECK_IN_UPSERT, {"entries": entries[:1]}, "keyResultCheckInUpsert")

    # then: the missing field is refused by the schema; the future one is a user error
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("entries.0.checkedInAt", "OUT_OF_RANGE")
    ]
    assert await models.CheckIn.all().count() == 0


async def test_two_calls_racing_to_create_the_same_entries_count_them_once(gql, org):
    # given
    entries = spend_entries(org.campaign, 300)

    # when
    answers = await asyncio.gather(
        gql.raw(SPEND_UPSERT, {"input": {"entries": entries}}),
        gql.raw(SPEND_UPSERT, {"input": {"entries": entries}}),
    )

    # then: one created them; the other found them (serialised writers, SQLite) or was
    # refused with CONFLICT and nothing written (PostgreSQL)
    outcomes = sorted(
        answer["errors"][0]["extensions"]["code"]
        if "errors" in answer
        else str(answer["data"]["campaignSpendUpsert"]["created"])
        for answer in answers
    )
    assert outcomes in (["0", "300"], ["300", "CONFLICT"]), answers
    assert await models.SpendEntry.all().count() == 300
    assert await spend_to_date(gql, org.campaign) == Decimal(30 * 55)


async def test_an_editor_checks_in_only_on_their_teams_key_results(gql, org):
    # given
    at = clock.now() - timedelta(days=1)

    # when
    refused = await gql.as_user(org.sales_editor).mutate(
        CHECK_IN_UPSERT, {"entries": [check_in(org, "w", "5", at)]}, "keyResultCheckInUpsert"
    )
    allowed = await gql.as_user(org.editor).mutate(
        CHECK_IN_UPSERT, {"entries": [check_in(org, "w", "5", at)]}, "keyResultCheckInUpsert"
    )

    # then
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("entries.0.keyResultId", "NOT_ALLOWED")
    ]
    assert allowed["created"] == 1 and allowed["userErrors"] == []
