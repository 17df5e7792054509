"""GraphQL type for calendar feeds.

A feed is private to its owner (and administrators): it is reached through
`calendarFeeds` and the feed mutations, not through `node(id:)`, so no one learns
from an ID whether someone else's feed exists.
"""

from __future__ import annotations

from typing import Any

import strawberry

from schema.campaigns.loaders import CampaignByIdLoader
from schema.core.context import Info
from schema.core.edges import to_one
from schema.core.node import TYPE_NAME_OF_MODEL, Node, Versioned, instance_test
from schema.core.refs import UserRef
from schema.goals.loaders import GoalByIdLoader
from schema.org.loaders import TeamByIdLoader, UserByIdLoader
from server import models
from server.feeds.criteria import FeedCriteria, Names, describe


def private_node(model: type) -> Any:
    """Like `presents`, but leaves the type out of `node(id:)` lookups."""

    def register(cls: type) -> type:
        cls.is_type_of = instance_test(model)
        TYPE_NAME_OF_MODEL[model] = cls.__name__
        return cls

    return register


def names_of(info: Info, criteria: FeedCriteria) -> Names:
    """The current names the criteria refer to, as the request's snapshot holds them."""
    served = info.context.served
    teams = [served(TeamByIdLoader, team) for team in criteria.teams or ()]
    goal = served(GoalByIdLoader, criteria.under or 0)
    campaign = served(CampaignByIdLoader, criteria.campaign or 0)
    return Names(
        teams={team.pk: team.name for team in teams if team is not None},
        goal=goal.title if goal is not None else None,
        campaign=campaign.name if campaign is not None else None,
    )


@strawberry.type(
    description="A named iCalendar feed over a calendar filter. Its URL is shown once, "
    "when it is made (`calendarFeedCreate`); only a digest of the secret in it is kept, "
    "so a lost URL cannot be shown again: revoke the feed and make a new one."
)
@private_node(models.CalendarFeed)
class CalendarFeed(Node, Versioned):
    name: str
    owner = to_one(UserByIdLoader, "owner_id", UserRef, "Who made it.")

    @strawberry.field(description="What the feed shows, in words, with current names.")
    def filter_description(root: strawberry.Parent[Any], info: Info) -> str:
        criteria = FeedCriteria.from_json(root.criteria or {})
        return describe(criteria, names_of(info, criteria))

    @strawberry.field(description="Revoked feeds answer 404 at their URL.")
    def revoked(root: strawberry.Parent[Any]) -> bool:
        return root.archived_at is not None
