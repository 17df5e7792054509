"""Batch loaders for teams, users and memberships."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models


class TeamByIdLoader(ByIdLoader):
    model = models.Team


class UserByIdLoader(ByIdLoader):
    model = models.User


class MembershipsByTeamIdLoader(RowsByKeyLoader):
    model = models.Membership
    key_field = "team_id"
    archivable = False

    def query(self, keys):
        live = super().query(keys).filter(user__archived_at__isnull=True)
        return live.order_by("user__name", "user_id")


class MembershipsByUserIdLoader(RowsByKeyLoader):
    model = models.Membership
    key_field = "user_id"
    archivable = False

    def query(self, keys):
        live = super().query(keys).filter(team__archived_at__isnull=True)
        return live.order_by("team__name", "team_id")
