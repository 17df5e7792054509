"""The portfolio of a period: money and results in total, by team, by channel and by
goal category.

A campaign counts when it runs on at least one day of the period or has entries dated
in it. Its budget and projected spend are prorated by the share of its days inside
the period; spend and results are the entries dated inside the period (up to today).
By category, a campaign's figures follow its alignment shares to its key results'
goals' categories (the unaligned rest under no category).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from server.enums import GoalCategory
from server.rollups import rows as r
from server.rollups.arithmetic import ONE, ZERO, period_days
from server.rollups.money import Figures, MoneySummary, campaign_money, total_of
from server.rollups.reporting import Reported

if TYPE_CHECKING:
    from server.rollups.engine import Rollups


@dataclass(frozen=True)
class Portfolio:
    start: date
    end: date
    campaigns: int
    total: MoneySummary
    by_team: dict[int, MoneySummary]
    by_category: dict[GoalCategory | None, MoneySummary]


def overlap_fraction(campaign: r.CampaignRow, start: date, end: date) -> Decimal:
    """The share of the campaign's days that fall inside start..end."""
    first, last = max(campaign.start_date, start), min(campaign.end_date, end)
    if last < first:
        return ZERO
    return Decimal((last - first).days + 1) / period_days(campaign.start_date, campaign.end_date)


def _prorated(figures: Figures, full: Figures, share: Decimal) -> Figures:
    """Entries of the period, with the full campaign's budget and projection prorated
    (in the reporting currency too)."""
    budget = None if full.budget is None else full.budget.scaled(share)
    reported = figures.reported
    if reported is not None:
        whole = full.reported or Reported(reported.currency)
        reported = Reported(
            reported.currency,
            None if whole.budget is None else whole.budget.scaled(share),
            reported.spend,
            whole.projected.scaled(share),
            reported.revenue,
            reported.rates | whole.rates,
        )
    return Figures(budget, figures.spend, full.projected.scaled(share), figures.results, reported)


def campaign_in_period(
    rollups: Rollups, campaign: r.CampaignRow, start: date, end: date
) -> MoneySummary | None:
    graph = rollups.graph
    entries = campaign_money(
        campaign,
        [row.channel for row in graph.channels_of.get(campaign.id, [])],
        graph.spend_of.get(campaign.id, []),
        graph.results_of.get(campaign.id, []),
        rollups.today,
        since=start,
        until=end,
        rates=rollups.rates,
    )
    share = overlap_fraction(campaign, start, end)
    dated = [e.date for e in graph.spend_of.get(campaign.id, [])]
    dated += [e.date for e in graph.results_of.get(campaign.id, [])]
    if share == 0 and not any(start <= day <= min(end, rollups.today) for day in dated):
        return None
    full = rollups.campaign_money(campaign.id)
    channels = {
        channel: _prorated(figures, full.channels.get(channel, Figures()), share)
        for channel, figures in entries.channels.items()
    }
    return MoneySummary(_prorated(entries.total, full.total, share), channels)


def portfolio(rollups: Rollups, start: date, end: date) -> Portfolio:
    graph = rollups.graph
    parts: list[tuple[MoneySummary, Decimal]] = []
    by_team: dict[int, list] = defaultdict(list)
    by_category: dict[GoalCategory | None, list] = defaultdict(list)
    for campaign in graph.campaigns.values():
        if campaign.archived:
            continue
        summary = campaign_in_period(rollups, campaign, start, end)
        if summary is None:
            continue
        parts.append((summary, ONE))
        by_team[campaign.owner_team_id].append((summary, ONE))
        aligned = ZERO
        for alignment in graph.alignments_of_campaign.get(campaign.id, []):
            if not graph.key_result_live(alignment.key_result_id):
                continue
            goal = graph.goals[graph.key_results[alignment.key_result_id].goal_id]
            by_category[goal.category].append((summary, alignment.share))
            aligned += alignment.share
        if aligned < ONE:
            by_category[None].append((summary, ONE - aligned))
    return Portfolio(
        start,
        end,
        len(parts),
        total_of(parts),
        {team: total_of(group) for team, group in by_team.items()},
        {category: total_of(group) for category, group in by_category.items()},
    )
