"""Campaign mutations: create, update (channels included) and archive, each checked
through the API for its result, permissions, validation, version check and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import CampaignStatus, Channel, HistoryAction, Role
from tests import factories

CAMPAIGN_FIELDS = """
fragment CampaignFields on Campaign {
  id name description audience startDate endDate status
  budget { amount currency } channels version archivedAt
  ownerTeam { id } owner { id }
}
"""

READ_CAMPAIGN = (
    """
query ReadCampaign($id: ID!) {
  node(id: $id) { ...CampaignFields }
}
"""
    + CAMPAIGN_FIELDS
)

COUNT_CAMPAIGNS = """
query CountCampaigns {
  campaigns(filter: {includeArchived: true}) { totalCount }
}
"""

CAMPAIGN_CREATE = (
    """
mutation CampaignCreate($input: CampaignCreateInput!) {
  campaignCreate(input: $input) {
    campaign { ...CampaignFields }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_FIELDS
)

CAMPAIGN_UPDATE = (
    """
mutation CampaignUpdate($input: CampaignUpdateInput!) {
  campaignUpdate(input: $input) {
    campaign { ...CampaignFields }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_FIELDS
)

CAMPAIGN_ARCHIVE = (
    """
mutation CampaignArchive($input: CampaignArchiveInput!) {
  campaignArchive(input: $input) {
    campaign { ...CampaignFields }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_FIELDS
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


def ref(row) -> dict[str, str] | None:
    return None if row is None else {"id": gid(row)}


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams with their editors, a viewer, and a campaign of the growth team."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.campaign = await factories.campaign(
        o.growth,
        channels=[Channel.WEBINAR, Channel.EMAIL],
        name="Spring webinars",
        description="Four sessions",
        audience="Ops leads",
        owner=o.editor,
        status=CampaignStatus.PLANNED,
        budget=Decimal("10000.00"),
        currency="USD",
    )
    return o


def expected_campaign(campaign: models.Campaign, **changes) -> dict:
    """The API's view of the fixture campaign, with `changes` applied."""
    view = {
        "id": gid(campaign),
        "name": "Spring webinars",
        "description": "Four sessions",
        "audience": "Ops leads",
        "startDate": "2026-03-01",
        "endDate": "2026-05-31",
        "status": "PLANNED",
        "budget": {"amount": "10000.00", "currency": "USD"},
        "channels": ["EMAIL", "WEBINAR"],
        "version": 1,
        "archivedAt": None,
        "ownerTeam": {"id": encode_global_id("Team", campaign.owner_team_id)},
        "owner": {"id": encode_global_id("User", campaign.owner_id)},
    }
    return {**view, **changes}


def money(view: dict) -> tuple[Decimal, str]:
    return Decimal(view["amount"]), view["currency"]


async def read_campaign(gql, campaign: models.Campaign | str) -> dict:
    global_id = campaign if isinstance(campaign, str) else gid(campaign)
    view = (await gql.data(READ_CAMPAIGN, {"id": global_id}))["node"]
    return {**view, "budget": {**view["budget"], "amount": f"{money(view['budget'])[0]:.2f}"}}


async def campaign_count(gql) -> int:
    return (await gql.data(COUNT_CAMPAIGNS))["campaigns"]["totalCount"]


async def history_of(row) -> list[models.HistoryEntry]:
    return await models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)


def new_campaign(org, **fields) -> dict:
    base = {
        "name": "Summer push",
        "ownerTeamId": gid(org.growth),
        "startDate": "2026-06-01",
        "endDate": "2026-08-31",
        "budget": "25000",
        "currency": "EUR",
    }
    return {**base, **fields}


# campaignCreate


async def test_editor_creates_a_campaign_for_their_team(gql, org):
    # given
    fields = new_campaign(
        org,
        name="  Summer push ",
        description="Paid and organic",
        audience="SMB founders",
        ownerId=gid(org.editor),
        status="ACTIVE",
        budget="25000.50",
        currency="eur",
        channels=["SEO", "EMAIL", "SEO"],
    )

    # when
    payload = await gql.as_user(org.editor).mutate(CAMPAIGN_CREATE, fields, "campaignCreate")

    # then
    assert payload["userErrors"] == []
    created = payload["campaign"]
    expected = {
        "id": created["id"],
        "name": "Summer push",
        "description": "Paid and organic",
        "audience": "SMB founders",
        "startDate": "2026-06-01",
        "endDate": "2026-08-31",
        "status": "ACTIVE",
        "budget": {"amount": "25000.50", "currency": "EUR"},
        "channels": ["EMAIL", "SEO"],
        "version": 1,
        "archivedAt": None,
        "ownerTeam": ref(org.growth),
        "owner": ref(org.editor),
    }
    assert await read_campaign(gql, created["id"]) == expected
    row = await models.Campaign.get(name="Summer push")
    [entry] = await history_of(row)
    assert (entry.action, entry.actor_id) == (HistoryAction.CREATED, org.editor.pk)
    assert entry.changes["channels"] == {"before": None, "after": ["EMAIL", "SEO"]}
    assert entry.changes["budget"] == {"before": None, "after": "25000.50"}


async def test_a_campaign_needs_only_name_team_dates_and_budget(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_CREATE, new_campaign(org), "campaignCreate"
    )

    # then
    created = await read_campaign(gql, payload["campaign"]["id"])
    assert (created["status"], created["channels"], created["owner"]) == ("DRAFT", [], None)
    assert (created["description"], created["audience"]) == ("", "")
    assert await campaign_count(gql) == 2


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_create_is_refused_outside_the_owning_team(gql, org, who):
    # when
    error = await gql.as_user(getattr(org, who)).error(
        CAMPAIGN_CREATE, {"input": new_campaign(org)}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await campaign_count(gql) == 1
    assert await models.HistoryEntry.all().count() == 0


CREATE_ERRORS = [
    ({"name": "   "}, "name", "REQUIRED"),
    ({"name": "x" * 201}, "name", "TOO_LONG"),
    ({"description": "x" * 10_001}, "description", "TOO_LONG"),
    ({"audience": "x" * 201}, "audience", "TOO_LONG"),
    ({"endDate": "2026-05-31"}, "endDate", "END_BEFORE_START"),
    ({"budget": "-0.01"}, "budget", "NEGATIVE"),
    ({"budget": "10.005"}, "budget", "INVALID"),
    ({"currency": "XYZ"}, "currency", "UNKNOWN_CURRENCY"),
    ({"ownerTeamId": encode_global_id("Team", 99_999)}, "ownerTeamId", "NOT_FOUND"),
    ({"ownerTeamId": "archived team"}, "ownerTeamId", "ARCHIVED"),
    ({"ownerId": "junk"}, "ownerId", "NOT_FOUND"),
    ({"ownerId": "archived user"}, "ownerId", "ARCHIVED"),
]


async def test_create_reports_each_invalid_input_and_writes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    archived = {
        "archived team": gid(await factories.archive(await factories.team())),
        "archived user": gid(await factories.archive(await factories.user())),
    }

    for fields, field, code in CREATE_ERRORS:
        # when
        named = {name: archived.get(value, value) for name, value in fields.items()}
        payload = await editor.mutate(CAMPAIGN_CREATE, new_campaign(org, **named), "campaignCreate")

        # then
        assert payload["campaign"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await campaign_count(gql) == 1
    assert await models.HistoryEntry.all().count() == 0


async def test_create_reports_every_problem_at_once(gql, org):
    # given
    fields = new_campaign(org, name="", budget="-5", currency="ABC", endDate="2026-01-01")

    # when
    payload = await gql.as_user(org.editor).mutate(CAMPAIGN_CREATE, fields, "campaignCreate")

    # then
    assert {(e["field"], e["code"]) for e in payload["userErrors"]} == {
        ("name", "REQUIRED"),
        ("budget", "NEGATIVE"),
        ("currency", "UNKNOWN_CURRENCY"),
        ("endDate", "END_BEFORE_START"),
    }
    assert await campaign_count(gql) == 1


@pytest.mark.parametrize("fields", [{"status": "LAUNCHED"}, {"channels": ["TELEPATHY"]}])
async def test_unknown_enum_values_are_refused_by_the_schema(gql, org, fields):
    # when
    error = await gql.as_user(org.editor).error(
        CAMPAIGN_CREATE, {"input": new_campaign(org, **fields)}
    )

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await campaign_count(gql) == 1


# campaignUpdate


async def test_editor_updates_fields_and_channels_in_one_version(gql, org):
    # given
    changes = {
        "id": gid(org.campaign),
        "version": 1,
        "name": "Spring webinars 2026",
        "budget": "12500.25",
        "endDate": "2026-06-15",
        "channels": ["PAID_SEARCH", "EMAIL"],
    }

    # when
    payload = await gql.as_user(org.editor).mutate(CAMPAIGN_UPDATE, changes, "campaignUpdate")

    # then
    assert payload["userErrors"] == []
    expected = expected_campaign(
        org.campaign,
        name="Spring webinars 2026",
        budget={"amount": "12500.25", "currency": "USD"},
        endDate="2026-06-15",
        channels=["EMAIL", "PAID_SEARCH"],
        version=2,
    )
    assert await read_campaign(gql, org.campaign) == expected
    [entry] = await history_of(org.campaign)
    assert (entry.action, entry.actor_id) == (HistoryAction.UPDATED, org.editor.pk)
    assert entry.changes == {
        "name": {"before": "Spring webinars", "after": "Spring webinars 2026"},
        "budget": {"before": "10000", "after": "12500.25"},
        "end_date": {"before": "2026-05-31", "after": "2026-06-15"},
        "channels": {"before": ["EMAIL", "WEBINAR"], "after": ["EMAIL", "PAID_SEARCH"]},
    }


async def test_a_change_of_channels_alone_is_a_change_of_the_campaign(gql, org):
    # when
    await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "channels": ["WEBINAR"]},
        "campaignUpdate",
    )

    # then
    read = await read_campaign(gql, org.campaign)
    assert (read["channels"], read["version"]) == (["WEBINAR"], 2)
    [entry] = await history_of(org.campaign)
    assert entry.changes == {"channels": {"before": ["EMAIL", "WEBINAR"], "after": ["WEBINAR"]}}


async def test_sending_the_same_values_changes_nothing(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {
            "id": gid(org.campaign),
            "version": 1,
            "name": "Spring webinars",
            "budget": "10000",
            "channels": ["WEBINAR", "EMAIL"],
        },
        "campaignUpdate",
    )

    # then
    assert payload["campaign"]["version"] == 1
    assert await history_of(org.campaign) == []


async def test_null_clears_the_optional_fields(gql, org):
    # when
    await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {
            "id": gid(org.campaign),
            "version": 1,
            "description": None,
            "audience": None,
            "ownerId": None,
            "channels": None,
        },
        "campaignUpdate",
    )

    # then
    assert await read_campaign(gql, org.campaign) == expected_campaign(
        org.campaign, description="", audience="", owner=None, channels=[], version=2
    )


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_update_is_refused_outside_the_owning_team(gql, org, who):
    # when
    error = await gql.as_user(getattr(org, who)).error(
        CAMPAIGN_UPDATE,
        {"input": {"id": gid(org.campaign), "version": 1, "name": "Taken", "channels": []}},
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign)
    assert await history_of(org.campaign) == []


async def test_handing_a_campaign_to_a_team_you_are_not_in_is_refused(gql, org):
    # when
    error = await gql.as_user(org.editor).error(
        CAMPAIGN_UPDATE,
        {"input": {"id": gid(org.campaign), "version": 1, "ownerTeamId": gid(org.sales)}},
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign)


async def test_an_admin_hands_a_campaign_to_another_team(gql, org):
    # when
    payload = await gql.mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "ownerTeamId": gid(org.sales)},
        "campaignUpdate",
    )

    # then
    assert payload["campaign"]["ownerTeam"] == ref(org.sales)
    [entry] = await history_of(org.campaign)
    assert entry.changes == {"owner_team_id": {"before": org.growth.pk, "after": org.sales.pk}}


UPDATE_ERRORS = [
    ({"name": None}, "name", "REQUIRED"),
    ({"name": "x" * 201}, "name", "TOO_LONG"),
    ({"description": "x" * 10_001}, "description", "TOO_LONG"),
    ({"audience": "x" * 201}, "audience", "TOO_LONG"),
    ({"startDate": "2026-06-01"}, "endDate", "END_BEFORE_START"),
    ({"endDate": "2026-02-28"}, "endDate", "END_BEFORE_START"),
    ({"startDate": None}, "startDate", "REQUIRED"),
    ({"status": None}, "status", "REQUIRED"),
    ({"budget": None}, "budget", "REQUIRED"),
    ({"budget": "-1"}, "budget", "NEGATIVE"),
    ({"budget": "0.001"}, "budget", "INVALID"),
    ({"currency": "EURO"}, "currency", "UNKNOWN_CURRENCY"),
    ({"ownerTeamId": None}, "ownerTeamId", "REQUIRED"),
    ({"ownerTeamId": encode_global_id("Goal", 1)}, "ownerTeamId", "NOT_FOUND"),
    ({"ownerId": encode_global_id("User", 99_999)}, "ownerId", "NOT_FOUND"),
]


async def test_update_reports_each_invalid_input_and_changes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)

    for fields, field, code in UPDATE_ERRORS:
        # when
        payload = await editor.mutate(
            CAMPAIGN_UPDATE, {"id": gid(org.campaign), "version": 1, **fields}, "campaignUpdate"
        )

        # then
        assert payload["campaign"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign)
    assert await history_of(org.campaign) == []


async def test_the_currency_stays_once_there_is_spend(gql, org):
    # given
    await factories.spend(org.campaign, "120.00")

    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "currency": "EUR", "budget": "9000"},
        "campaignUpdate",
    )

    # then
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("currency", "CURRENCY_MISMATCH")
    assert "USD" in error["message"]
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign)


async def test_the_currency_may_change_while_all_spend_is_archived(gql, org):
    # given
    await factories.archive(await factories.spend(org.campaign, "120.00"))

    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "currency": "gbp"},
        "campaignUpdate",
    )

    # then
    assert payload["userErrors"] == []
    read = await read_campaign(gql, org.campaign)
    assert (read["budget"]["currency"], read["version"]) == ("GBP", 2)


async def test_update_with_a_stale_version_is_a_conflict(gql, org):
    # given
    first = {"id": gid(org.campaign), "version": 1, "name": "Spring webinars, v2"}
    await gql.as_user(org.editor).mutate(CAMPAIGN_UPDATE, first, "campaignUpdate")

    # when
    error = await gql.as_user(org.editor).error(
        CAMPAIGN_UPDATE, {"input": {**first, "name": "Lost edit", "channels": ["PR"]}}
    )

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["currentVersion"] == 2
    assert await read_campaign(gql, org.campaign) == expected_campaign(
        org.campaign, name="Spring webinars, v2", version=2
    )
    assert len(await history_of(org.campaign)) == 1


async def test_an_archived_campaign_cannot_be_updated(gql, org):
    # given
    await factories.archive(org.campaign)

    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "name": "Revived"},
        "campaignUpdate",
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", "ARCHIVED")]
    assert (await models.Campaign.get(id=org.campaign.pk)).name == "Spring webinars"


async def test_updating_an_unknown_campaign_is_not_found(gql, org):
    # when
    error = await gql.as_user(org.editor).error(
        CAMPAIGN_UPDATE,
        {"input": {"id": encode_global_id("Campaign", 99_999), "version": 1, "name": "Ghost"}},
    )

    # then
    assert error["extensions"]["code"] == "NOT_FOUND"


# campaignArchive


async def test_editor_archives_a_campaign(gql, org):
    # when
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_ARCHIVE, {"id": gid(org.campaign), "version": 1}, "campaignArchive"
    )

    # then
    archived = payload["campaign"]
    assert archived["archivedAt"] is not None
    assert await read_campaign(gql, org.campaign) == expected_campaign(
        org.campaign, version=2, archivedAt=archived["archivedAt"]
    )
    [entry] = await history_of(org.campaign)
    assert (entry.action, list(entry.changes)) == (HistoryAction.ARCHIVED, ["archived_at"])


async def test_archiving_twice_changes_nothing_more(gql, org):
    # given
    editor = gql.as_user(org.editor)
    archive = {"id": gid(org.campaign), "version": 1}
    await editor.mutate(CAMPAIGN_ARCHIVE, archive, "campaignArchive")

    # when
    payload = await editor.mutate(CAMPAIGN_ARCHIVE, {**archive, "version": 2}, "campaignArchive")

    # then
    assert payload["campaign"]["version"] == 2
    assert len(await history_of(org.campaign)) == 1


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
async def test_archive_is_refused_outside_the_owning_team(gql, org, who):
    # when
    error = await gql.as_user(getattr(org, who)).error(
        CAMPAIGN_ARCHIVE, {"input": {"id": gid(org.campaign), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign)


async def test_archive_with_a_stale_version_is_a_conflict(gql, org):
    # given
    await models.Campaign.filter(id=org.campaign.pk).update(version=3)

    # when
    error = await gql.as_user(org.editor).error(
        CAMPAIGN_ARCHIVE, {"input": {"id": gid(org.campaign), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert await read_campaign(gql, org.campaign) == expected_campaign(org.campaign, version=3)
    assert await history_of(org.campaign) == []


async def test_an_unchanged_date_is_kept_when_only_the_other_end_moves(gql, org):
    # when: the new start is before the stored end
    payload = await gql.as_user(org.editor).mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(org.campaign), "version": 1, "startDate": "2026-05-31"},
        "campaignUpdate",
    )

    # then
    assert payload["userErrors"] == []
    stored = await models.Campaign.get(id=org.campaign.pk)
    assert (stored.start_date, stored.end_date) == (date(2026, 5, 31), date(2026, 5, 31))
