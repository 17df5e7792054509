"""GraphQL types for campaigns, alignments, spend and results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from schema.calendar.loaders import MilestonesByCampaignIdLoader
from schema.campaigns.loaders import (
    AlignmentByIdLoader,
    AlignmentsByCampaignIdLoader,
    AlignmentsByKeyResultIdLoader,
    CampaignByIdLoader,
    ChannelsByCampaignIdLoader,
    ResultEntriesByCampaignIdLoader,
    ResultEntryByIdLoader,
    SpendEntriesByCampaignIdLoader,
    SpendEntryByIdLoader,
)
from schema.core.connection import PageInfo
from schema.core.context import Info
from schema.core.edges import served_targets, to_many, to_one
from schema.core.enums import CampaignStatus, Channel, ResultMetric
from schema.core.external_key import ExternalKey
from schema.core.money import Money
from schema.core.node import Node, Versioned, presents
from schema.core.refs import (
    CampaignRef,
    KeyResultRef,
    MilestoneRef,
    ResultEntryRef,
    SpendEntryRef,
    TaskRef,
    TeamRef,
    UserRef,
)
from schema.core.viewer_can import Permitted
from schema.goals.loaders import KeyResultByIdLoader
from schema.org.loaders import TeamByIdLoader, UserByIdLoader
from schema.rollups import fields as rollup
from schema.rollups.funnel import funnel_field
from schema.status_updates import fields as updates
from schema.status_updates.loaders import StatusUpdatesByCampaignIdLoader
from schema.tasks.loaders import TasksByCampaignIdLoader
from server import models


@strawberry.type(
    description="A campaign supports a key result with a share of its money "
    "and results; the shares of one campaign add up to 1."
)
@presents(models.Alignment, AlignmentByIdLoader)
class Alignment(Node, Versioned):
    share: Decimal = strawberry.field(description="In (0, 1].")

    campaign = to_one(CampaignByIdLoader, "campaign_id", CampaignRef, "The supporting campaign.")
    key_result = to_one(KeyResultByIdLoader, "key_result_id", KeyResultRef, "The key result.")


@strawberry.type(description="A key result a campaign supports, with the share allocated.")
class AlignedKeyResultEdge:
    node: KeyResultRef
    cursor: str
    share: Decimal
    alignment: Alignment


@strawberry.type(description="Key results a campaign supports.")
class AlignedKeyResultConnection:
    total_count: int
    page_info: PageInfo
    edges: list[AlignedKeyResultEdge]
    nodes: list[KeyResultRef]


@strawberry.type(description="A campaign supporting a key result, with the share allocated.")
class AlignedCampaignEdge:
    node: CampaignRef
    cursor: str
    share: Decimal
    alignment: Alignment


@strawberry.type(description="Campaigns supporting a key result.")
class AlignedCampaignConnection:
    total_count: int
    page_info: PageInfo
    edges: list[AlignedCampaignEdge]
    nodes: list[CampaignRef]


class AlignedPage:
    """A page of alignments shown as an aligned connection over their targets: its
    edges and page info (and so their cursors) are built only when read."""

    __slots__ = ("_edge_cls", "_links", "nodes", "total_count")

    def __init__(self, links: Any, targets: list[Any], edge_cls: type) -> None:
        self._links, self._edge_cls = links, edge_cls
        self.nodes, self.total_count = targets, links.total_count

    @property
    def page_info(self) -> PageInfo:
        return self._links.page_info

    @property
    def edges(self) -> list[Any]:
        edge_cls = self._edge_cls
        return [
            edge_cls(node=target, cursor=edge.cursor, share=edge.node.share, alignment=edge.node)
            for edge, target in zip(self._links.edges, self.nodes, strict=True)
        ]


def _aligned(info: Info, loader, target_loader, target_key, key, page, edge_cls):
    """The page of `loader`'s alignments for `key`, shown over their targets."""
    alignments, targets = served_targets(info, loader, key, page, target_loader, target_key)
    return AlignedPage(alignments, targets, edge_cls)


def aligned_campaigns(info: Info, key_result_id: int, *page) -> AlignedCampaignConnection:
    return _aligned(
        info,
        AlignmentsByKeyResultIdLoader,
        CampaignByIdLoader,
        "campaign_id",
        key_result_id,
        page,
        AlignedCampaignEdge,
    )  # shown as AlignedCampaignConnection


@strawberry.type(description="A marketing campaign: budget, channels, audience and dates.")
@presents(models.Campaign, CampaignByIdLoader)
class Campaign(Node, Versioned, Permitted):
    name: str
    description: str
    audience: str
    start_date: dt.date
    end_date: dt.date
    status: CampaignStatus

    @strawberry.field(description="Planned budget for the whole campaign.")
    def budget(root: strawberry.Parent[models.Campaign]) -> Money:
        return Money(amount=root.budget, currency=root.currency)

    @strawberry.field(description="Channels it runs on, alphabetically.")
    def channels(root: strawberry.Parent[models.Campaign], info: Info) -> list[Channel]:
        rows = info.context.served(ChannelsByCampaignIdLoader, root.pk)
        return [row.channel for row in rows]

    @strawberry.field(description="True when it supports at least one live key result.")
    def is_aligned(root: strawberry.Parent[models.Campaign], info: Info) -> bool:
        return bool(info.context.served(AlignmentsByCampaignIdLoader, root.pk))

    owner_team = to_one(TeamByIdLoader, "owner_team_id", TeamRef, "Team running it.")
    owner = to_one(UserByIdLoader, "owner_id", UserRef | None, "Person accountable for it.")

    @strawberry.field(description="Its alignments to key results (shares add up to 1).")
    def alignments(root: strawberry.Parent[models.Campaign], info: Info) -> list[Alignment]:
        return info.context.served(AlignmentsByCampaignIdLoader, root.pk)

    @strawberry.field(
        description="Key results it supports; each edge carries the share "
        "allocated. Cursor pagination."
    )
    def key_results(
        root: strawberry.Parent[models.Campaign],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AlignedKeyResultConnection:
        return _aligned(
            info,
            AlignmentsByCampaignIdLoader,
            KeyResultByIdLoader,
            "key_result_id",
            root.pk,
            (first, after, last, before),
            AlignedKeyResultEdge,
        )  # shown as AlignedKeyResultConnection

    tasks = to_many(TasksByCampaignIdLoader, TaskRef, "Tasks of this campaign.")
    milestones = to_many(MilestonesByCampaignIdLoader, MilestoneRef, "Its milestones, by date.")
    spend = to_many(SpendEntriesByCampaignIdLoader, SpendEntryRef, "Money spent, by date.")
    results = to_many(ResultEntriesByCampaignIdLoader, ResultEntryRef, "Results, by date.")

    progress = rollup.progress_field(
        rollup.CAMPAIGN,
        "progress",
        "Share of the estimated hours of its tasks (cancelled ones aside) that are done.",
    )
    expected_progress = rollup.progress_field(
        rollup.CAMPAIGN, "expected", "Elapsed fraction of its start..end dates, in [0, 1]."
    )
    health = rollup.progress_field(
        rollup.CAMPAIGN,
        "health",
        "Task progress against its dates; DONE once completed or cancelled.",
    )
    progress_breakdown = rollup.progress_field(
        rollup.CAMPAIGN, "breakdown", "Each task's part in the progress, weighted by hours."
    )
    risks = rollup.risks_field(
        models.Campaign, "Risks about it or involving it, most severe first."
    )
    money = rollup.money_field(
        rollup.CAMPAIGN_MONEY,
        "Budget, spend to date, projected spend, results, revenue, leads, cost per lead "
        "and ROI, also by channel.",
    )
    funnel = funnel_field(models.Campaign)
    status_updates = updates.status_updates_field(StatusUpdatesByCampaignIdLoader)
    latest_status_update = updates.latest_status_update_field(StatusUpdatesByCampaignIdLoader)
    health_disagrees = updates.health_disagrees_field(
        rollup.CAMPAIGN, StatusUpdatesByCampaignIdLoader
    )


@strawberry.type(description="Money actually spent on a campaign.")
@presents(models.SpendEntry, SpendEntryByIdLoader)
class SpendEntry(Node, Versioned, ExternalKey):
    date: dt.date
    channel: Channel | None
    note: str

    @strawberry.field
    def amount(root: strawberry.Parent[models.SpendEntry]) -> Money:
        return Money(amount=root.amount, currency=root.currency)

    campaign = to_one(CampaignByIdLoader, "campaign_id", CampaignRef, "Campaign it was spent on.")


@strawberry.type(description="A result a campaign produced (leads, revenue, sign-ups...).")
@presents(models.ResultEntry, ResultEntryByIdLoader)
class ResultEntry(Node, Versioned, ExternalKey):
    date: dt.date
    channel: Channel | None
    metric: ResultMetric
    value: Decimal
    note: str

    campaign = to_one(CampaignByIdLoader, "campaign_id", CampaignRef, "Campaign that produced it.")
