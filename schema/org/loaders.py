"""Batch loaders for teams, users and memberships."""

from __future__ import annotations

from typing import Any

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models
from server.read_model import Snapshot


class TeamByIdLoader(ByIdLoader):
    model = models.Team


class UserByIdLoader(ByIdLoader):
    model = models.User


class MembershipsByTeamIdLoader(RowsByKeyLoader):
    model = models.Membership
    key_field = "team_id"

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        members = []
        for membership in snapshot.children(models.Membership, "team_id", key):
            user = snapshot.live(models.User, membership.user_id)
            if user is not None:
                members.append(((user.name, user.pk), membership))
        return [membership for _, membership in sorted(members, key=lambda m: m[0])]


class MembershipsByUserIdLoader(RowsByKeyLoader):
    model = models.Membership
    key_field = "user_id"

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        teams = []
        for membership in snapshot.children(models.Membership, "user_id", key):
            team = snapshot.live(models.Team, membership.team_id)
            if team is not None:
                teams.append(((team.name, team.pk), membership))
        return [membership for _, membership in sorted(teams, key=lambda m: m[0])]
