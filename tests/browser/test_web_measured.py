"""A key result measured from its campaigns' results in the web client: the detail panel
names its source, draws its computed history with the same chart as check-ins, and
offers no check-in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import screenshot, sign_in, sync_api
from tests.pinned_time import pinned_now

pytestmark = pytest.mark.date_sensitive

expect = sync_api.expect

GOALS = "{ goals(first: 50) { nodes { id periodStart periodEnd ownerTeam { id } } } }"
CREATE_KR = """
mutation($i: KeyResultCreateInput!) { keyResultCreate(input: $i) {
  keyResult { id } userErrors { message } } }
"""
CREATE_CAMPAIGN = """
mutation($i: CampaignCreateInput!) { campaignCreate(input: $i) {
  campaign { id version } userErrors { message } } }
"""
ALIGN = """
mutation($i: CampaignSetAlignmentsInput!) { campaignSetAlignments(input: $i) {
  userErrors { message } } }
"""
RESULT = """
mutation($i: CampaignResultAddInput!) { campaignResultAdd(input: $i) { userErrors { message } } }
"""


def test_a_measured_key_result_shows_its_source_and_computed_history(page, api):
    # given: a key result counting SQLs, fed by a new campaign with two days of results
    today = pinned_now().date()
    goal = next(
        g
        for g in api(GOALS)["goals"]["nodes"]
        if date.fromisoformat(g["periodStart"]) <= today - timedelta(days=3)
        and date.fromisoformat(g["periodEnd"]) >= today
    )
    kr = api(
        CREATE_KR,
        i={
            "goalId": goal["id"],
            "title": "SQLs from the spring push",
            "startValue": "0",
            "targetValue": "100",
            "dueDate": goal["periodEnd"],
            "source": {"kind": "METRIC", "metric": "SQL"},
        },
    )["keyResultCreate"]["keyResult"]
    campaign = api(
        CREATE_CAMPAIGN,
        i={
            "name": "Spring push",
            "ownerTeamId": goal["ownerTeam"]["id"],
            "startDate": (today - timedelta(days=3)).isoformat(),
            "endDate": goal["periodEnd"],
            "budget": "100",
            "currency": "USD",
        },
    )["campaignCreate"]["campaign"]
    api(ALIGN, i={"id": campaign["id"], "version": campaign["version"],
                  "alignments": [{"keyResultId": kr["id"], "share": "1"}]})  # fmt: skip
    for days_ago, value in ((2, "12"), (1, "30")):
        day = (today - timedelta(days=days_ago)).isoformat()
        api(RESULT, i={"campaignId": campaign["id"], "date": day, "metric": "SQL", "value": value})
    sign_in(page)

    # when
    page.goto(f"/#/goals/{kr['id']}")

    # then: 12 + 30, its formula, a chart of two days, and no check-in form
    expect(page.locator("[data-figure=current]")).to_have_text("42")
    expect(page.locator("[data-figure=source]")).to_contain_text("the total of SQL")
    expect(page.get_by_text("Value history")).to_be_visible()
    expect(page.locator("figure.chart canvas").first).to_be_visible()
    expect(page.locator("figure.chart figcaption")).to_contain_text("2 days with results")
    expect(page.get_by_test_id("checkin-form")).to_have_count(0)
    screenshot(page, "measured-key-result")
