"""GraphQL types for teams and users."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.calendar.loaders import MilestonesByTeamIdLoader
from schema.campaigns.loaders import CampaignsByOwnerIdLoader, CampaignsByTeamIdLoader
from schema.core.context import Info
from schema.core.edges import to_many, to_many_through
from schema.core.enums import Role
from schema.core.node import Node, Versioned, presents
from schema.core.refs import (
    CampaignRef,
    CheckInRef,
    GoalRef,
    KeyResultRef,
    MilestoneRef,
    TaskRef,
    UserRef,
)
from schema.goals.loaders import (
    CheckInsByAuthorIdLoader,
    GoalsByOwnerIdLoader,
    GoalsByTeamIdLoader,
    KeyResultsByOwnerIdLoader,
)
from schema.org.loaders import (
    MembershipsByTeamIdLoader,
    MembershipsByUserIdLoader,
    TeamByIdLoader,
    UserByIdLoader,
)
from schema.rollups import fields as rollup
from schema.tasks.loaders import TasksByAssigneeIdLoader, TasksByTeamIdLoader
from server import models


@strawberry.type(description="A team that owns goals, campaigns, tasks and milestones.")
@presents(models.Team, TeamByIdLoader)
class Team(Node, Versioned):
    name: str
    description: str
    color: str = strawberry.field(description="Colour of the team on the calendar (#rrggbb).")

    members = to_many_through(
        MembershipsByTeamIdLoader, UserByIdLoader, "user_id", UserRef, "Members, by name."
    )
    goals = to_many(GoalsByTeamIdLoader, GoalRef, "Goals this team owns.")
    campaigns = to_many(CampaignsByTeamIdLoader, CampaignRef, "Campaigns this team owns.")
    tasks = to_many(
        TasksByTeamIdLoader,
        TaskRef,
        "Tasks of this team: naming it, or taking it from their campaign or key result.",
    )
    milestones = to_many(MilestonesByTeamIdLoader, MilestoneRef, "Milestones of this team.")

    workload = rollup.workload_field(rollup.TEAM_WORKLOAD)
    risks = rollup.risks_field(
        models.Team, "Risks about the team (booked past capacity), most severe first."
    )


@strawberry.type(description="A person who owns, does or reads the work.")
@presents(models.User, UserByIdLoader)
class User(Node, Versioned):
    name: str
    email: str
    role: Role
    weekly_capacity_hours: Decimal
    service_account: bool = strawberry.field(
        description="A service account: not a person; it acts through API tokens and "
        "never signs in with a password."
    )

    @strawberry.field(description="Teams this person belongs to, by name.")
    def teams(root: strawberry.Parent[models.User], info: Info) -> list[Team]:
        memberships = info.context.served(MembershipsByUserIdLoader, root.pk)
        teams = [info.context.served(TeamByIdLoader, m.team_id) for m in memberships]
        return [team for team in teams if team is not None]

    assigned_tasks = to_many(TasksByAssigneeIdLoader, TaskRef, "Tasks assigned to this person.")
    owned_goals = to_many(GoalsByOwnerIdLoader, GoalRef, "Goals this person owns.")
    owned_key_results = to_many(
        KeyResultsByOwnerIdLoader, KeyResultRef, "Key results this person owns."
    )
    owned_campaigns = to_many(CampaignsByOwnerIdLoader, CampaignRef, "Campaigns this person owns.")
    check_ins = to_many(CheckInsByAuthorIdLoader, CheckInRef, "Check-ins this person recorded.")

    workload = rollup.workload_field(rollup.USER_WORKLOAD)
    risks = rollup.risks_field(
        models.User, "Risks about this person (booked past capacity), most severe first."
    )
