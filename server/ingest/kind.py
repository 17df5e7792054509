"""What the bulk write needs to know about one kind of entry (spend, results, ...)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.models import Model

from server import models
from server.dates import problem_with
from server.ingest.containers import Containers
from server.permissions import Actor
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode


@dataclass
class Written:
    """What one batch changed: rows created, and rows updated with their values before."""

    created: list[Model]
    updated: list[tuple[Model, dict[str, Any]]]


def _no_fit(check: Checker, columns: dict[str, Any], containers: Containers) -> None:
    return None


def _no_columns(actor: Actor) -> dict[str, Any]:
    return {}


async def _no_effects(
    actor: Actor, written: Written, containers: Containers
) -> list[models.HistoryEntry]:
    return []


@dataclass(frozen=True)
class Kind:
    name: str
    """How files and messages name it: spend, results, check-ins, tasks."""
    model: type[Model]
    fields: dict[str, str]
    """Column attribute -> input field, in the order files list them (without the key)."""
    references: dict[str, type[Model]]
    """Attributes naming another row (`campaign_id` -> Campaign)."""
    clean: Callable[[Checker, Mapping[str, Any]], dict[str, Any]]
    """Typed values by attribute -> the columns to store (errors name input fields)."""
    required: frozenset[str] = frozenset()
    """Attributes a file must have a column for."""
    assignee: str | None = None
    """The attribute naming a user who may change the row without owning it (tasks)."""
    fit: Callable[[Checker, dict[str, Any], Containers], None] = _no_fit
    """Checks of the columns against the rows they name (a campaign's currency)."""
    new_columns: Callable[[Actor], dict[str, Any]] = _no_columns
    """Columns a created row gets from the writer (a check-in's author)."""
    effects: Callable[[Actor, Written, Containers], Awaitable[list[models.HistoryEntry]]] = field(
        default=_no_effects
    )
    """Changes of other rows a batch implies, with their history entries (unsaved)."""

    @property
    def placed(self) -> dict[str, type[Model]]:
        """The references that place a row under a container (all but the assignee)."""
        return {name: model for name, model in self.references.items() if name != self.assignee}


def supported_date(check: Checker, field_name: str, value: date | None) -> date | None:
    """A date inside the product's range (server.dates), or None after recording why."""
    if value is None:
        return None
    problem = problem_with(value)
    if problem is not None:
        check.fail(field_name, UserErrorCode.OUT_OF_RANGE, f"`{field_name}`: {problem}")
        return None
    return value
