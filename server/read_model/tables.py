"""The tables the read model holds, and how each orders its rows.

The same list names the tables whose writes are recorded by triggers
(`server/migrations/0006_data_changes.py`, then `0007_api_tokens.py` and
`0011_exchange_rates.py` and `0012_status_updates.py`); a test keeps
the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tortoise.models import Model

from server import models
from server.currency.model import ExchangeRate

HELD: tuple[type[Model], ...] = (
    models.Team,
    models.User,
    models.Membership,
    models.Goal,
    models.KeyResult,
    models.CheckIn,
    models.Campaign,
    models.CampaignChannel,
    models.Alignment,
    models.SpendEntry,
    models.ResultEntry,
    models.Task,
    models.Milestone,
    models.ExternalCalendar,
    models.ExternalEvent,
    models.ApiToken,
    ExchangeRate,
    models.StatusUpdate,
)

BY_TABLE: dict[str, type[Model]] = {model._meta.db_table: model for model in HELD}


@dataclass(frozen=True)
class Table:
    model: type[Model]

    @staticmethod
    @cache
    def of(model: type[Model]) -> Table:
        return Table(model)

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @cache  # noqa: B019 (one entry per table and engine, for the life of the process)
    def sort_key(self, nulls_first: bool) -> Callable[[Any], tuple]:
        """The key that sorts rows as the model's default ordering does in SQL.

        Strings compare by code point, as the database's C collation does; NULL goes
        where the engine puts it (first on SQLite, last on PostgreSQL).
        """
        fields: list[Any] = list(self.model._meta.ordering or ()) or ["id"]
        names = [_attribute(self.model, field) for field in fields]
        if "id" not in names:
            names.append("id")
        none_rank = 0 if nulls_first else 1

        def key(row: Any) -> tuple:
            parts = []
            for name in names:
                value = getattr(row, name)
                parts.append((none_rank, 0) if value is None else (1 - none_rank, value))
            return tuple(parts)

        return key


def _attribute(model: type[Model], field: Any) -> str:
    name, direction = field if isinstance(field, tuple) else (str(field), "ASC")
    if name.startswith("-") or str(getattr(direction, "value", direction)).upper() != "ASC":
        raise ValueError(f"{model.__name__} orders by {name}: descending order is not supported")
    return "id" if name == "pk" else name
