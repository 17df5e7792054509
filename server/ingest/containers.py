"""The rows a bulk write places entries under, read once per write.

Campaigns, key results, teams and users named by the entries (and by the rows the
entries already are) are read from the database inside the write's transaction, in one
statement per kind of row and batch; campaigns and key results are locked until it
ends (on engines that lock rows), so a campaign's currency or a key result's current
value cannot change under the write. The goals above the key results give their teams.
Rows read once are kept for the rest of the write (a file's later batches).
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.models import Model

from server import models

LOCKED = (models.Campaign, models.KeyResult)


class Containers:
    def __init__(self) -> None:
        self._rows: dict[type[Model], dict[int, Model]] = defaultdict(dict)
        self._absent: dict[type[Model], set[int]] = defaultdict(set)
        self._goal_teams: dict[int, int] = {}

    async def load(self, wanted: dict[type[Model], set[int]]) -> None:
        """Read the rows of `wanted` not read yet (those that do not exist stay absent)."""
        for model, keys in wanted.items():
            missing = keys - self._rows[model].keys() - self._absent[model]
            if not missing:
                continue
            query = model.filter(id__in=sorted(missing))
            if model in LOCKED:
                query = query.select_for_update()
            for row in await query:
                self._rows[model][row.pk] = row
            self._absent[model] |= missing - self._rows[model].keys()
        goal_ids = {
            key_result.goal_id  # type: ignore[attr-defined]
            for key_result in self._rows[models.KeyResult].values()
        } - self._goal_teams.keys()
        if goal_ids:
            rows = await models.Goal.filter(id__in=sorted(goal_ids)).values_list(
                "id", "owner_team_id"
            )
            self._goal_teams.update(dict(rows))

    def get(self, model: type[Model], pk: int) -> Model | None:
        return self._rows[model].get(pk)

    def owners(self, model: type[Model], pk: int) -> set[int]:
        """The teams whose editors may write under the container (see server.permissions)."""
        row = self.get(model, pk)
        match row:
            case models.Campaign():
                return {row.owner_team_id}
            case models.KeyResult():
                team = self._goal_teams.get(row.goal_id)
                return set() if team is None else {team}
            case models.Team():
                return {row.pk}
        return set()
