"""The domain's enums exposed to GraphQL under the same names."""

from __future__ import annotations

from enum import Enum

import strawberry

from server import enums

Role = strawberry.enum(enums.Role)
ApiScope = strawberry.enum(
    enums.ApiScope,
    description="What an API token may do: READ runs queries, WRITE runs mutations, "
    "ADMIN lets an administrator's token administer. A token never does more than its "
    "owner's current role allows.",
)
GoalCategory = strawberry.enum(enums.GoalCategory)
MeasureUnit = strawberry.enum(enums.MeasureUnit)
CampaignStatus = strawberry.enum(enums.CampaignStatus)
Channel = strawberry.enum(enums.Channel)
ResultMetric = strawberry.enum(enums.ResultMetric)
TaskStatus = strawberry.enum(enums.TaskStatus)
MilestoneKind = strawberry.enum(enums.MilestoneKind)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"
