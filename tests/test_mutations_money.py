"""Spend and result mutations: adding entries to a campaign and archiving them, checked
through the API for the values stored, permissions, validation, version and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import Channel, HistoryAction, ResultMetric, Role
from tests import factories

SPEND_FIELDS = """
fragment SpendFields on SpendEntry {
  id date channel note version archivedAt
  amount { amount currency }
  campaign { id }
}
"""

RESULT_FIELDS = """
fragment ResultFields on ResultEntry {
  id date channel metric value note version archivedAt
  campaign { id }
}
"""

READ_ENTRIES = (
    """
query ReadEntries($id: ID!) {
  node(id: $id) {
    ... on Campaign {
      version
      spend { nodes { ...SpendFields } }
      results { nodes { ...ResultFields } }
    }
  }
}
"""
    + SPEND_FIELDS
    + RESULT_FIELDS
)

SPEND_ADD = (
    """
mutation SpendAdd($input: CampaignSpendAddInput!) {
  campaignSpendAdd(input: $input) {
    spendEntry { ...SpendFields }
    campaign { id version }
    userErrors { field code message }
  }
}
"""
    + SPEND_FIELDS
)

RESULT_ADD = (
    """
mutation ResultAdd($input: CampaignResultAddInput!) {
  campaignResultAdd(input: $input) {
    resultEntry { ...ResultFields }
    campaign { id version }
    userErrors { field code message }
  }
}
"""
    + RESULT_FIELDS
)

SPEND_ARCHIVE = (
    """
mutation SpendArchive($input: SpendEntryArchiveInput!) {
  spendEntryArchive(input: $input) {
    spendEntry { ...SpendFields }
    campaign { id }
    userErrors { field code message }
  }
}
"""
    + SPEND_FIELDS
)

RESULT_ARCHIVE = (
    """
mutation ResultArchive($input: ResultEntryArchiveInput!) {
  resultEntryArchive(input: $input) {
    resultEntry { ...ResultFields }
    campaign { id }
    userErrors { field code message }
  }
}
"""
    + RESULT_FIELDS
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """A growth campaign in USD with one spend and one result entry, and people."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars", currency="USD")
    o.spend = await factories.spend(
        o.campaign, "400.00", date=date(2026, 3, 10), channel=Channel.EMAIL
    )
    o.result = await factories.result(o.campaign, ResultMetric.LEADS, "35", date=date(2026, 3, 12))
    return o


async def read_entries(gql, campaign) -> dict:
    """The campaign's version and its live entries, amounts as Decimals."""
    node = (await gql.data(READ_ENTRIES, {"id": gid(campaign)}))["node"]
    spend = [
        {**entry, "amount": (Decimal(entry["amount"]["amount"]), entry["amount"]["currency"])}
        for entry in node["spend"]["nodes"]
    ]
    results = [{**entry, "value": Decimal(entry["value"])} for entry in node["results"]["nodes"]]
    return {"version": node["version"], "spend": spend, "results": results}


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


def new_spend(org, **fields) -> dict:
    base = {
        "campaignId": gid(org.campaign),
        "date": "2026-03-20",
        "amount": "1250.50",
        "currency": "USD",
    }
    return {**base, **fields}


def new_result(org, **fields) -> dict:
    base = {"campaignId": gid(org.campaign), "date": "2026-03-21", "metric": "REVENUE"}
    return {**base, "value": "18000.5", **fields}


# campaignSpendAdd


async def test_editor_adds_spend_in_the_campaigns_currency(gql, org):
    # given
    fields = new_spend(org, currency="usd", channel="PAID_SEARCH", note=" March search ads ")

    # when
    payload = await gql.as_user(org.editor).mutate(SPEND_ADD, fields, "campaignSpendAdd")

    # then
    assert payload["userErrors"] == []
    assert payload["campaign"] == {"id": gid(org.campaign), "version": 1}
    added = payload["spendEntry"]
    read = await read_entries(gql, org.campaign)
    assert read["version"] == 1
    assert [(e["id"], e["amount"]) for e in read["spend"]] == [
        (gid(org.spend), (Decimal("400.00"), "USD")),
        (added["id"], (Decimal("1250.50"), "USD")),
    ]
    [stored] = [e for e in read["spend"] if e["id"] == added["id"]]
    assert (stored["date"], stored["channel"], stored["note"]) == (
        "2026-03-20",
        "PAID_SEARCH",
        "March search ads",
    )
    assert (stored["version"], stored["campaign"]) == (1, {"id": gid(org.campaign)})
    row = await models.SpendEntry.get(note="March search ads")
    [created] = await history_of(row)
    [added_to_campaign] = await history_of(org.campaign)
    assert (created.action, created.actor_id) == (HistoryAction.CREATED, org.editor.pk)
    assert (added_to_campaign.action, added_to_campaign.actor_id) == (
        HistoryAction.SPEND_ADDED,
        org.editor.pk,
    )
    assert added_to_campaign.changes == {
        "spendEntry": {
            "before": None,
            "after": {
                "id": row.pk,
                "date": "2026-03-20",
                "channel": "PAID_SEARCH",
                "amount": "1250.50",
                "currency": "USD",
            },
        }
    }


async def test_spend_needs_no_channel_and_may_be_zero(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        SPEND_ADD, new_spend(org, amount="0"), "campaignSpendAdd"
    )

    # then
    added = payload["spendEntry"]
    assert (added["channel"], added["note"], Decimal(added["amount"]["amount"])) == (
        None,
        "",
        Decimal(0),
    )


SPEND_ERRORS = [
    ({"amount": "-0.01"}, "amount", "NEGATIVE"),
    ({"amount": "12.345"}, "amount", "INVALID"),
    ({"amount": "1e20"}, "amount", "OUT_OF_RANGE"),
    ({"currency": "DOGE"}, "currency", "UNKNOWN_CURRENCY"),
    ({"currency": "EUR"}, "currency", "CURRENCY_MISMATCH"),
    ({"note": "x" * 10_001}, "note", "TOO_LONG"),
    ({"campaignId": encode_global_id("Campaign", 99_999)}, "campaignId", "NOT_FOUND"),
    ({"campaignId": "archived"}, "campaignId", "ARCHIVED"),
]


async def test_spend_add_reports_each_invalid_input_and_writes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    archived = gid(await factories.archive(await factories.campaign(org.growth)))

    for fields, field, code in SPEND_ERRORS:
        # when
        named = {name: archived if value == "archived" else value for name, value in fields.items()}
        payload = await editor.mutate(SPEND_ADD, new_spend(org, **named), "campaignSpendAdd")

        # then
        assert payload["spendEntry"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await models.SpendEntry.all().count() == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_spend_in_another_currency_is_never_summed(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        SPEND_ADD, new_spend(org, currency="EUR"), "campaignSpendAdd"
    )

    # then
    [error] = payload["userErrors"]
    assert "USD" in error["message"] and "EUR" in error["message"]
    read = await read_entries(gql, org.campaign)
    assert [e["amount"] for e in read["spend"]] == [(Decimal("400.00"), "USD")]


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_adding_entries_is_refused_outside_the_owning_team(gql, org, who):
    # given
    client = gql.as_user(getattr(org, who))

    # when
    spend_error = await client.error(SPEND_ADD, {"input": new_spend(org)})
    result_error = await client.error(RESULT_ADD, {"input": new_result(org)})

    # then
    assert [spend_error["extensions"]["code"], result_error["extensions"]["code"]] == [
        "FORBIDDEN",
        "FORBIDDEN",
    ]
    read = await read_entries(gql, org.campaign)
    assert ([e["id"] for e in read["spend"]], [e["id"] for e in read["results"]]) == (
        [gid(org.spend)],
        [gid(org.result)],
    )
    assert await models.HistoryEntry.all().count() == 0


# campaignResultAdd


async def test_editor_adds_a_result(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        RESULT_ADD, new_result(org, channel="WEBINAR", note="Closed-won"), "campaignResultAdd"
    )

    # then
    assert payload["userErrors"] == []
    added = payload["resultEntry"]
    read = await read_entries(gql, org.campaign)
    assert [(e["id"], e["metric"], e["value"]) for e in read["results"]] == [
        (gid(org.result), "LEADS", Decimal(35)),
        (added["id"], "REVENUE", Decimal("18000.5")),
    ]
    [stored] = [e for e in read["results"] if e["id"] == added["id"]]
    assert (stored["date"], stored["channel"], stored["note"]) == (
        "2026-03-21",
        "WEBINAR",
        "Closed-won",
    )
    row = await models.ResultEntry.get(note="Closed-won")
    [created] = await history_of(row)
    [added_to_campaign] = await history_of(org.campaign)
    assert created.action == HistoryAction.CREATED
    assert added_to_campaign.action == HistoryAction.RESULT_ADDED
    assert added_to_campaign.changes == {
        "resultEntry": {
            "before": None,
            "after": {
                "id": row.pk,
                "date": "2026-03-21",
                "channel": "WEBINAR",
                "metric": "REVENUE",
                "value": "18000.5000",
            },
        }
    }


RESULT_ERRORS = [
    ({"value": "-1"}, "value", "NEGATIVE"),
    ({"value": "1.00001"}, "value", "INVALID"),
    ({"value": "NaN"}, "value", "INVALID"),
    ({"note": "x" * 10_001}, "note", "TOO_LONG"),
    ({"campaignId": "junk"}, "campaignId", "NOT_FOUND"),
    ({"campaignId": "archived"}, "campaignId", "ARCHIVED"),
]


async def test_result_add_reports_each_invalid_input_and_writes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    archived = gid(await factories.archive(await factories.campaign(org.growth)))

    for fields, field, code in RESULT_ERRORS:
        # when
        named = {name: archived if value == "archived" else value for name, value in fields.items()}
        payload = await editor.mutate(RESULT_ADD, new_result(org, **named), "campaignResultAdd")

        # then
        assert payload["resultEntry"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await models.ResultEntry.all().count() == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_an_unknown_metric_is_refused_by_the_schema(gql, org):
    # when
    error = await gql.as_user(org.editor).error(
        RESULT_ADD, {"input": new_result(org, metric="VIBES")}
    )

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await models.ResultEntry.all().count() == 1


# spendEntryArchive and resultEntryArchive


async def test_editor_archives_entries_recorded_by_mistake(gql, org):
    # given
    editor = gql.as_user(org.editor)

    # when
    spend = await editor.mutate(
        SPEND_ARCHIVE, {"id": gid(org.spend), "version": 1}, "spendEntryArchive"
    )
    result = await editor.mutate(
        RESULT_ARCHIVE, {"id": gid(org.result), "version": 1}, "resultEntryArchive"
    )

    # then
    for payload, entry in ((spend, "spendEntry"), (result, "resultEntry")):
        assert payload["userErrors"] == []
        assert payload[entry]["archivedAt"] is not None
        assert (payload[entry]["version"], payload["campaign"]) == (2, {"id": gid(org.campaign)})
    read = await read_entries(gql, org.campaign)
    assert (read["spend"], read["results"]) == ([], [])
    for row in (org.spend, org.result):
        [entry] = await history_of(row)
        assert (entry.action, entry.actor_id) == (HistoryAction.ARCHIVED, org.editor.pk)


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_archiving_entries_is_refused_outside_the_owning_team(gql, org, who):
    # given
    client = gql.as_user(getattr(org, who))

    # when
    errors = [
        await client.error(SPEND_ARCHIVE, {"input": {"id": gid(org.spend), "version": 1}}),
        await client.error(RESULT_ARCHIVE, {"input": {"id": gid(org.result), "version": 1}}),
    ]

    # then
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN", "FORBIDDEN"]
    read = await read_entries(gql, org.campaign)
    assert (len(read["spend"]), len(read["results"])) == (1, 1)
    assert await models.HistoryEntry.all().count() == 0


async def test_archiving_an_entry_with_a_stale_version_is_a_conflict(gql, org):
    # given
    await models.SpendEntry.filter(id=org.spend.pk).update(version=2)
    editor = gql.as_user(org.editor)

    # when
    spend_error = await editor.error(SPEND_ARCHIVE, {"input": {"id": gid(org.spend), "version": 1}})
    result_error = await editor.error(
        RESULT_ARCHIVE, {"input": {"id": gid(org.result), "version": 7}}
    )

    # then
    assert [spend_error["extensions"]["code"], result_error["extensions"]["code"]] == [
        "CONFLICT",
        "CONFLICT",
    ]
    read = await read_entries(gql, org.campaign)
    assert [e["version"] for e in read["spend"] + read["results"]] == [2, 1]
    assert await models.HistoryEntry.all().count() == 0


async def test_archiving_an_unknown_entry_is_not_found(gql, org):
    # when
    error = await gql.as_user(org.editor).error(
        SPEND_ARCHIVE, {"input": {"id": encode_global_id("SpendEntry", 99_999), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "NOT_FOUND"
