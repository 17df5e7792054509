"""userErrors read as plain language: no backticks, no API field names, no mutation
names, while `field` keeps the API's name for the client to place the message."""

from __future__ import annotations

import pytest

from schema.core.ids import encode_global_id
from server.enums import Role
from server.writes.plain import field_words, plain
from tests import factories


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "`periodEnd` (2026-01-01) is before `periodStart` (2026-02-01).",
            "The period end (2026-01-01) is before the period start (2026-02-01).",
        ),
        (
            "`alignments.1.share` must be above 0 and at most 1, not 2.",
            "The share of alignment 2 must be above 0 and at most 1, not 2.",
        ),
        (
            "This goal still has 1 live key result; first archive its key results "
            "(keyResultArchive).",
            "This goal still has 1 live key result; first archive its key results.",
        ),
        ("`ownerTeamId` names no Team.", "The owner team does not exist."),
        (
            "`status` must be one of TODO, IN_PROGRESS, DONE.",
            "The status must be one of TODO, in progress, DONE.",
        ),
        (
            "`currency` applies only when `unit` is CURRENCY (`unit` is PERCENT).",
            "The currency applies only when the unit is CURRENCY (the unit is PERCENT).",
        ),
        (
            "This key result is already in `alignments.0`.",
            "This key result is already in alignment 1.",
        ),
        (
            "Give exactly one of `url` and `content`.",
            "Give exactly one of the address and the uploaded file.",
        ),
    ],
)
def test_plain(message, expected):
    assert plain(message) == expected


def test_field_words():
    assert field_words("keyResultId") == "the key result"
    assert field_words("teamIds") == "the teams"
    assert field_words("filter.teams") == "the teams of the filter"


SET_ALIGNMENTS = """
mutation Set($input: CampaignSetAlignmentsInput!) {
  campaignSetAlignments(input: $input) { campaign { id } userErrors { field code message } }
}
"""

GOAL_CREATE = """
mutation Create($input: GoalCreateInput!) {
  goalCreate(input: $input) { goal { id } userErrors { field code message } }
}
"""


async def test_alignment_errors_arrive_in_plain_words(db, gql):
    # given
    team = await factories.team()
    editor = await factories.user(teams=[team], role=Role.EDITOR)
    campaign = await factories.campaign(team)
    first = await factories.key_result(await factories.goal(team))
    second = await factories.key_result(await factories.goal(team))
    shares = [
        {"keyResultId": encode_global_id("KeyResult", first.pk), "share": "0.6"},
        {"keyResultId": encode_global_id("KeyResult", second.pk), "share": "1.5"},
    ]

    # when
    answer = await gql.as_user(editor).mutate(
        SET_ALIGNMENTS,
        {"id": encode_global_id("Campaign", campaign.pk), "version": 1, "alignments": shares},
        "campaignSetAlignments",
    )

    # then
    assert answer["campaign"] is None
    assert answer["userErrors"] == [
        {
            "field": "alignments.1.share",
            "code": "OUT_OF_RANGE",
            "message": "The share of alignment 2 must be above 0 and at most 1, not 1.5.",
        }
    ]


async def test_goal_errors_name_no_field_code(db, gql):
    # given
    team = await factories.team()
    editor = await factories.user(teams=[team], role=Role.EDITOR)

    # when
    answer = await gql.as_user(editor).mutate(
        GOAL_CREATE,
        {
            "title": "  ",
            "ownerTeamId": encode_global_id("Team", team.pk),
            "category": "REVENUE",
            "periodStart": "2026-07-01",
            "periodEnd": "2026-06-30",
        },
        "goalCreate",
    )

    # then
    assert answer["goal"] is None
    fields = {error["field"]: error["message"] for error in answer["userErrors"]}
    assert set(fields) == {"title", "periodEnd"}
    assert fields["title"] == "The title must not be empty."
    for message in fields.values():
        assert "`" not in message and "periodEnd" not in message
