"""The campaigns export: a row per live campaign with its dates, team, progress and
money (as `Campaign.money`, also converted as its `reporting`), and the key results it
is aligned to with their shares.

Campaigns come in the API's default order (start date, then ID). `teams` keeps those
the teams own; `from`/`to` those running on at least one day of the range.
"""

from __future__ import annotations

from server import models
from server.exports.columns import Item, Row, Rows, columns
from server.exports.criteria import Criteria
from server.exports.figures import MONEY_COLUMNS, PROGRESS_COLUMNS, money_values, progress_values
from server.exports.ids import global_id
from server.exports.reporting import REPORTING_COLUMNS, reporting_values
from server.exports.source import Source
from server.rollups.arithmetic import fraction
from server.selection import admits

COLUMNS = (
    *columns(
        ("id", "The campaign's global ID."),
        ("name", "Its name."),
        ("status", "DRAFT, PLANNED, ACTIVE, PAUSED, COMPLETED or CANCELLED."),
        ("team", "The owner team's name."),
        ("start_date", "First day."),
        ("end_date", "Last day (included)."),
        ("channels", "Its channels."),
        ("audience", "Its audience; empty when it has none."),
    ),
    *PROGRESS_COLUMNS,
    *MONEY_COLUMNS,
    *REPORTING_COLUMNS,
    *columns(
        ("key_results", "The key results it is aligned to, each with its share: in CSV "
         "`title (share)`, in JSON lines objects with `id`, `title` and `share`."),
    ),
)  # fmt: skip


def campaign_rows(source: Source, criteria: Criteria) -> Rows:
    snapshot = source.snapshot
    live = (c for c in snapshot.table(models.Campaign).values() if c.archived_at is None)
    for campaign in snapshot.ordered(models.Campaign, live):
        if not admits(criteria.teams, campaign.owner_team_id):
            continue
        if criteria.start is not None and campaign.end_date < criteria.start:
            continue
        if criteria.end is not None and campaign.start_date > criteria.end:
            continue
        yield _row(source, campaign)


def _row(source: Source, campaign: models.Campaign) -> Row:
    engine, graph = source.rollups, source.rollups.graph
    team = graph.teams.get(campaign.owner_team_id)
    aligned = sorted(
        graph.alignments_of_campaign.get(campaign.pk, []), key=lambda a: a.key_result_id
    )
    key_results = []
    for alignment in aligned:
        title = graph.key_results[alignment.key_result_id].title
        share = fraction(alignment.share)
        key_results.append(
            Item(
                {
                    "id": global_id("KeyResult", alignment.key_result_id),
                    "title": title,
                    "share": share,
                },
                f"{title} ({share})",
            )
        )
    money = engine.campaign_money(campaign.pk)
    channels = [row.channel.value for row in graph.channels_of.get(campaign.pk, [])]
    return (
        global_id("Campaign", campaign.pk),
        campaign.name,
        campaign.status.value,
        None if team is None else team.name,
        campaign.start_date,
        campaign.end_date,
        channels,
        campaign.audience,
        *progress_values(engine.campaign_progress(campaign.pk)),
        *money_values(money),
        *reporting_values(money.total, source.thresholds.reporting_currency),
        key_results,
    )
