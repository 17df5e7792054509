"""Alignment mutations: set all at once, align one, unalign one. The shares of a campaign
add up to exactly 1 after every one of them (hand-computed below), and each is checked
for permissions, validation, version and history."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import HistoryAction, Role
from tests import factories

CAMPAIGN_ALIGNMENTS = """
fragment CampaignAlignments on Campaign {
  id version isAligned
  alignments { share keyResult { id } }
}
"""

READ_CAMPAIGN = (
    """
query ReadCampaign($id: ID!) {
  node(id: $id) { ...CampaignAlignments }
}
"""
    + CAMPAIGN_ALIGNMENTS
)

SET_ALIGNMENTS = (
    """
mutation SetAlignments($input: CampaignSetAlignmentsInput!) {
  campaignSetAlignments(input: $input) {
    campaign { ...CampaignAlignments }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_ALIGNMENTS
)

ALIGN = (
    """
mutation Align($input: CampaignAlignInput!) {
  campaignAlign(input: $input) {
    campaign { ...CampaignAlignments }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_ALIGNMENTS
)

UNALIGN = (
    """
mutation Unalign($input: CampaignUnalignInput!) {
  campaignUnalign(input: $input) {
    campaign { ...CampaignAlignments }
    userErrors { field code message }
  }
}
"""
    + CAMPAIGN_ALIGNMENTS
)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """A growth campaign, three growth key results, a sales key result, and people."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    growth_goal = await factories.goal(o.growth, title="Grow pipeline")
    o.kr_a = await factories.key_result(growth_goal, title="500 SQLs")
    o.kr_b = await factories.key_result(growth_goal, title="2,000 MQLs")
    o.kr_c = await factories.key_result(growth_goal, title="40 demos a week")
    o.kr_d = await factories.key_result(growth_goal, title="10 case studies")
    sales_goal = await factories.goal(o.sales, title="Close more")
    o.kr_sales = await factories.key_result(sales_goal, title="120 deals")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars")
    return o


def shares_of(view: dict) -> dict[str, Decimal]:
    """Key result ID -> share, as the API shows a campaign's alignments."""
    return {a["keyResult"]["id"]: Decimal(a["share"]) for a in view["alignments"]}


def expected(*pairs) -> dict[str, Decimal]:
    return {gid(key_result): Decimal(share) for key_result, share in pairs}


async def read_campaign(gql, campaign) -> dict:
    return (await gql.data(READ_CAMPAIGN, {"id": gid(campaign)}))["node"]


async def read_shares(gql, campaign) -> dict[str, Decimal]:
    return shares_of(await read_campaign(gql, campaign))


async def history_of(row, action: HistoryAction | None = None) -> list[models.HistoryEntry]:
    entries = models.HistoryEntry.filter(node_type=type(row).__name__, node_id=row.pk)
    return await (entries.filter(action=action) if action else entries)


def alignments_input(*pairs) -> list[dict[str, str]]:
    return [{"keyResultId": gid(kr), "share": share} for kr, share in pairs]


async def set_alignments(client, campaign, version: int, *pairs) -> dict:
    return await client.mutate(
        SET_ALIGNMENTS,
        {"id": gid(campaign), "version": version, "alignments": alignments_input(*pairs)},
        "campaignSetAlignments",
    )


async def align(client, campaign, version: int, key_result, share: str) -> dict:
    return await client.mutate(
        ALIGN,
        {"id": gid(campaign), "version": version, "keyResultId": gid(key_result), "share": share},
        "campaignAlign",
    )


async def unalign(client, campaign, version: int, key_result) -> dict:
    return await client.mutate(
        UNALIGN,
        {"id": gid(campaign), "version": version, "keyResultId": gid(key_result)},
        "campaignUnalign",
    )


# campaignSetAlignments


async def test_editor_sets_all_alignments_at_once(gql, org):
    # when
    payload = await set_alignments(
        gql.as_user(org.editor), org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4")
    )

    # then
    assert payload["userErrors"] == []
    read = await read_campaign(gql, org.campaign)
    assert shares_of(read) == expected((org.kr_a, "0.6"), (org.kr_b, "0.4"))
    assert (read["version"], read["isAligned"]) == (2, True)
    [entry] = await history_of(org.campaign)
    assert (entry.action, entry.actor_id) == (HistoryAction.ALIGNMENTS_SET, org.editor.pk)
    assert entry.changes == {
        "alignments": {
            "before": [],
            "after": [
                {"keyResult": org.kr_a.pk, "share": "0.6"},
                {"keyResult": org.kr_b.pk, "share": "0.4"},
            ],
        }
    }
    for row in await models.Alignment.filter(campaign_id=org.campaign.pk):
        [created] = await history_of(row)
        assert created.action == HistoryAction.CREATED


async def test_align_a_third_then_unalign_it_keeps_shares_summing_to_one(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4"))

    # when: 0.6 and 0.4 shrink by half to make room for 0.5
    aligned = await align(editor, org.campaign, 2, org.kr_c, "0.5")

    # then
    assert aligned["userErrors"] == []
    assert await read_shares(gql, org.campaign) == expected(
        (org.kr_a, "0.3"), (org.kr_b, "0.2"), (org.kr_c, "0.5")
    )

    # when: 0.3 and 0.2 double back to the whole
    await unalign(editor, org.campaign, 3, org.kr_c)

    # then
    shares = await read_shares(gql, org.campaign)
    assert shares == expected((org.kr_a, "0.6"), (org.kr_b, "0.4"))
    assert sum(shares.values()) == 1
    assert (await read_campaign(gql, org.campaign))["version"] == 4
    entries = await history_of(org.campaign, HistoryAction.ALIGNMENTS_SET)
    assert [entry.changes["alignments"]["after"] for entry in entries[1:]] == [
        [
            {"keyResult": org.kr_a.pk, "share": "0.3"},
            {"keyResult": org.kr_b.pk, "share": "0.2"},
            {"keyResult": org.kr_c.pk, "share": "0.5"},
        ],
        [
            {"keyResult": org.kr_a.pk, "share": "0.6"},
            {"keyResult": org.kr_b.pk, "share": "0.4"},
        ],
    ]


async def test_re_sharing_an_alignment_scales_the_others(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(
        editor, org.campaign, 1, (org.kr_a, "0.3"), (org.kr_b, "0.2"), (org.kr_c, "0.5")
    )

    # when: the others had 0.5 between them and now get 0.4, a factor of 0.8
    await align(editor, org.campaign, 2, org.kr_c, "0.6")

    # then
    assert await read_shares(gql, org.campaign) == expected(
        (org.kr_a, "0.24"), (org.kr_b, "0.16"), (org.kr_c, "0.6")
    )
    assert await models.Alignment.all().count() == 3


async def test_unalign_puts_the_rounding_remainder_on_the_largest_share(gql, org):
    # given: four quarters
    editor = gql.as_user(org.editor)
    quarters = [(kr, "0.25") for kr in (org.kr_a, org.kr_b, org.kr_c, org.kr_d)]
    await set_alignments(editor, org.campaign, 1, *quarters)

    # when: each remaining 0.25 becomes 1/3, rounded to 0.3333, which sums to 0.9999
    await unalign(editor, org.campaign, 2, org.kr_c)

    # then: the first of the equal largest takes the remaining 0.0001
    shares = await read_shares(gql, org.campaign)
    assert shares == expected((org.kr_a, "0.3334"), (org.kr_b, "0.3333"), (org.kr_d, "0.3333"))
    assert sum(shares.values()) == 1


async def test_align_rounds_and_keeps_the_sum_exact(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(
        editor, org.campaign, 1, (org.kr_a, "0.5"), (org.kr_b, "0.3"), (org.kr_c, "0.2")
    )

    # when: the others get 0.3333 between them; 0.5, 0.3 and 0.2 times 0.3333 round to
    # 0.1667, 0.1 and 0.0667, which make 0.3334, so the largest (kr_a) gives back 0.0001
    await align(editor, org.campaign, 2, org.kr_d, "0.6667")

    # then
    shares = await read_shares(gql, org.campaign)
    assert shares == expected(
        (org.kr_a, "0.1666"), (org.kr_b, "0.1"), (org.kr_c, "0.0667"), (org.kr_d, "0.6667")
    )
    assert sum(shares.values()) == 1


async def test_the_first_alignment_of_a_campaign_has_share_one(gql, org):
    # given
    editor = gql.as_user(org.editor)

    # when
    refused = await align(editor, org.campaign, 1, org.kr_a, "0.5")
    accepted = await align(editor, org.campaign, 1, org.kr_a, "1")

    # then
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("share", "SHARES_DO_NOT_SUM_TO_ONE")
    ]
    assert accepted["userErrors"] == []
    assert await read_shares(gql, org.campaign) == expected((org.kr_a, "1"))


async def test_align_with_share_one_beside_others_is_refused(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4"))

    # when
    payload = await align(editor, org.campaign, 2, org.kr_c, "1")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("share", "OUT_OF_RANGE")]
    assert await read_shares(gql, org.campaign) == expected((org.kr_a, "0.6"), (org.kr_b, "0.4"))


async def test_an_empty_list_unaligns_and_old_alignments_can_return(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4"))

    # when
    emptied = await set_alignments(editor, org.campaign, 2)
    restored = await set_alignments(editor, org.campaign, 3, (org.kr_b, "0.7"), (org.kr_a, "0.3"))

    # then
    assert (emptied["campaign"]["isAligned"], emptied["campaign"]["alignments"]) == (False, [])
    assert restored["userErrors"] == []
    assert await read_shares(gql, org.campaign) == expected((org.kr_a, "0.3"), (org.kr_b, "0.7"))
    assert await models.Alignment.all().count() == 2
    [row_a] = await models.Alignment.filter(key_result_id=org.kr_a.pk)
    actions = [entry.action for entry in await history_of(row_a)]
    assert actions == [HistoryAction.CREATED, HistoryAction.ARCHIVED, HistoryAction.UPDATED]


async def test_setting_the_same_alignments_changes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4"))

    # when
    payload = await set_alignments(
        editor, org.campaign, 2, (org.kr_b, "0.40"), (org.kr_a, "0.6000")
    )

    # then
    assert payload["campaign"]["version"] == 2
    assert len(await history_of(org.campaign)) == 1


async def test_a_campaign_may_support_another_teams_key_result(gql, org):
    # when
    payload = await set_alignments(
        gql.as_user(org.editor), org.campaign, 1, (org.kr_a, "0.5"), (org.kr_sales, "0.5")
    )

    # then
    assert payload["userErrors"] == []
    assert await read_shares(gql, org.campaign) == expected(
        (org.kr_a, "0.5"), (org.kr_sales, "0.5")
    )


SET_ERRORS = [
    ([("a", "0.5"), ("b", "0.4")], "alignments", "SHARES_DO_NOT_SUM_TO_ONE"),
    ([("a", "0.7"), ("b", "0.4")], "alignments", "SHARES_DO_NOT_SUM_TO_ONE"),
    ([("a", "0"), ("b", "1")], "alignments.0.share", "OUT_OF_RANGE"),
    ([("a", "-0.5"), ("b", "1.5")], "alignments.1.share", "OUT_OF_RANGE"),
    ([("a", "0.12345"), ("b", "0.87655")], "alignments.0.share", "INVALID"),
    ([("a", "0.5"), ("a", "0.5")], "alignments.1.keyResultId", "DUPLICATE"),
    ([("a", "0.5"), ("archived", "0.5")], "alignments.1.keyResultId", "ARCHIVED"),
    ([("a", "0.5"), ("b", "0.25"), ("junk", "0.25")], "alignments.2.keyResultId", "NOT_FOUND"),
    ([("a", "0.5"), ("goal", "0.5")], "alignments.1.keyResultId", "NOT_FOUND"),
]


async def test_set_alignments_reports_each_invalid_input_and_changes_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_c, "1"))
    archived_kr = await factories.archive(await factories.key_result(org.kr_a.goal))
    ids = {
        "a": gid(org.kr_a),
        "b": gid(org.kr_b),
        "archived": gid(archived_kr),
        "junk": "not-an-id",
        "goal": encode_global_id("Goal", org.kr_a.goal_id),
    }

    for pairs, field, code in SET_ERRORS:
        # when
        alignments = [{"keyResultId": ids[name], "share": share} for name, share in pairs]
        payload = await editor.mutate(
            SET_ALIGNMENTS,
            {"id": gid(org.campaign), "version": 2, "alignments": alignments},
            "campaignSetAlignments",
        )

        # then
        assert payload["campaign"] is None, pairs
        codes = {e["code"] for e in payload["userErrors"] if e["field"] == field}
        assert codes == {code}, payload["userErrors"]
    read = await read_campaign(gql, org.campaign)
    assert (shares_of(read), read["version"]) == (expected((org.kr_c, "1")), 2)
    assert len(await history_of(org.campaign)) == 1


async def test_the_sum_refused_is_named_in_the_message(gql, org):
    # when
    payload = await set_alignments(
        gql.as_user(org.editor), org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.3")
    )

    # then
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("alignments", "SHARES_DO_NOT_SUM_TO_ONE")
    assert "0.9" in error["message"]


async def test_a_lone_alignment_below_one_is_refused(gql, org):
    # when
    payload = await set_alignments(gql.as_user(org.editor), org.campaign, 1, (org.kr_a, "0.99"))

    # then
    assert [e["code"] for e in payload["userErrors"]] == ["SHARES_DO_NOT_SUM_TO_ONE"]
    assert await read_shares(gql, org.campaign) == {}


async def test_align_and_unalign_report_invalid_input(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_b, "0.4"))
    archived_kr = await factories.archive(await factories.key_result(org.kr_a.goal))

    # when
    zero = await align(editor, org.campaign, 2, org.kr_c, "0")
    too_fine = await align(editor, org.campaign, 2, org.kr_c, "0.00001")
    to_archived = await align(editor, org.campaign, 2, archived_kr, "0.5")
    not_aligned = await unalign(editor, org.campaign, 2, org.kr_c)

    # then
    codes = [
        [(e["field"], e["code"]) for e in payload["userErrors"]]
        for payload in (zero, too_fine, to_archived, not_aligned)
    ]
    assert codes == [
        [("share", "OUT_OF_RANGE")],
        [("share", "INVALID")],
        [("keyResultId", "ARCHIVED")],
        [("keyResultId", "NOT_FOUND")],
    ]
    read = await read_campaign(gql, org.campaign)
    assert (shares_of(read), read["version"]) == (expected((org.kr_a, "0.6"), (org.kr_b, "0.4")), 2)


async def test_align_refuses_a_share_that_would_squeeze_the_others_to_nothing(gql, org):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(
        editor, org.campaign, 1, (org.kr_a, "0.5"), (org.kr_b, "0.25"), (org.kr_c, "0.25")
    )

    # when: 0.0001 cannot be split among three alignments
    payload = await align(editor, org.campaign, 2, org.kr_d, "0.9999")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("share", "OUT_OF_RANGE")]
    assert len(await read_shares(gql, org.campaign)) == 3


MUTATIONS = ["set", "align", "unalign"]


async def run(mutation: str, client, org, version: int) -> dict:
    """The body of one alignment mutation, as any client sends it."""
    if mutation == "set":
        variables = {"alignments": alignments_input((org.kr_a, "0.5"), (org.kr_b, "0.5"))}
        query = SET_ALIGNMENTS
    elif mutation == "align":
        variables = {"keyResultId": gid(org.kr_b), "share": "0.5"}
        query = ALIGN
    else:
        variables = {"keyResultId": gid(org.kr_a)}
        query = UNALIGN
    variables |= {"id": gid(org.campaign), "version": version}
    return await client.raw(query, {"input": variables})


@pytest.mark.parametrize("who", ["viewer", "sales_editor"])
@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_alignments_are_refused_outside_the_owning_team(gql, org, who, mutation):
    # given: the sales editor owns kr_sales, not the campaign
    await set_alignments(gql, org.campaign, 1, (org.kr_a, "0.5"), (org.kr_sales, "0.5"))

    # when
    body = await run(mutation, gql.as_user(getattr(org, who)), org, 2)

    # then
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    read = await read_campaign(gql, org.campaign)
    assert (shares_of(read), read["version"]) == (
        expected((org.kr_a, "0.5"), (org.kr_sales, "0.5")),
        2,
    )


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_alignments_with_a_stale_version_are_a_conflict(gql, org, mutation):
    # given
    editor = gql.as_user(org.editor)
    await set_alignments(editor, org.campaign, 1, (org.kr_a, "0.6"), (org.kr_c, "0.4"))

    # when
    body = await run(mutation, editor, org, 1)

    # then
    assert [e["extensions"]["code"] for e in body["errors"]] == ["CONFLICT"]
    read = await read_campaign(gql, org.campaign)
    assert (shares_of(read), read["version"]) == (expected((org.kr_a, "0.6"), (org.kr_c, "0.4")), 2)
    assert len(await history_of(org.campaign)) == 1


async def test_racing_alignment_changes_on_one_version_let_exactly_one_win(gql, org):
    # given
    editor = gql.as_user(org.editor)
    racing = [
        {"input": {"id": gid(org.campaign), "version": 1, "alignments": alignments_input(*p)}}
        for p in ([(org.kr_a, "0.5"), (org.kr_b, "0.5")], [(org.kr_a, "0.2"), (org.kr_c, "0.8")])
    ]

    # when
    answers = await asyncio.gather(*(editor.raw(SET_ALIGNMENTS, v) for v in racing))

    # then
    won = [a for a in answers if "errors" not in a]
    lost = [a for a in answers if "errors" in a]
    assert len(won) == len(lost) == 1
    assert [e["extensions"]["code"] for e in lost[0]["errors"]] == ["CONFLICT"]
    winner = won[0]["data"]["campaignSetAlignments"]["campaign"]
    assert await read_shares(gql, org.campaign) == shares_of(winner)
    assert len(await history_of(org.campaign)) == 1
    assert await models.Alignment.all().count() == 2
