"""What an export is asked for: parameters read from text, checked before any row is made.

The HTTP endpoint and the command line both hand over parameters as names with lists
of text values (`teams=A,B&teams=C` is three teams), so both refuse the same things
with the same sentences: an unknown parameter, a missing one, a date that is not
`YYYY-MM-DD` or lies outside the supported dates, a reversed range, an ID of the wrong
type, an unknown enum value. Lists follow the API's filters: left out, no condition;
given, only what is in it (an empty list keeps nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from server.calendar.entries import EntryKind
from server.calendar.ranges import CalendarInputError
from server.calendar.zones import zone_named
from server.dates import DATES_TEXT, date_supported
from server.enums import Channel
from server.exports.ids import decoded
from server.rollups.risks import RiskKind, Severity

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")
MAX_VALUES = 200
"""Values one list parameter may hold (a filter of every team fits many times)."""


class ExportInputError(ValueError):
    """A parameter that cannot be used; `parameter` names it."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Criteria:
    """What the parameters asked for, read: IDs as database keys, lists as sets (None:
    no condition), enums as members. Each kind reads the fields it takes."""

    start: date | None = None
    end: date | None = None
    teams: frozenset[int] | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    entry_kinds: frozenset[EntryKind] | None = None
    risk_kinds: frozenset[RiskKind] | None = None
    channels: frozenset[Channel] | None = None
    under: int | None = None
    campaign: int | None = None
    include_tasks: bool = False
    root: int | None = None
    campaigns: bool = False
    severity: Severity | None = None


def _one(name: str, values: Sequence[str]) -> str:
    if len(values) != 1:
        raise ExportInputError(f"`{name}` may be given once.", name)
    return values[0].strip()


def _listed(name: str, values: Sequence[str]) -> list[str]:
    items = [item.strip() for value in values for item in value.split(",")]
    items = [item for item in items if item]
    if len(items) > MAX_VALUES:
        raise ExportInputError(f"`{name}` may list at most {MAX_VALUES} values.", name)
    return items


def _date(name: str, values: Sequence[str]) -> date:
    text = _one(name, values)
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ExportInputError(
            f"`{name}` must be a date written YYYY-MM-DD, not {text[:40]!r}.", name
        ) from None
    if not date_supported(day):
        raise ExportInputError(
            f"`{name}` ({text}) is outside the supported dates ({DATES_TEXT}).", name
        )
    return day


def _flag(name: str, values: Sequence[str]) -> bool:
    text = _one(name, values).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ExportInputError(f"`{name}` must be true or false, not {text[:40]!r}.", name)


def _ids(type_name: str) -> Callable[[str, Sequence[str]], frozenset[int]]:
    def read(name: str, values: Sequence[str]) -> frozenset[int]:
        keys = set()
        for item in _listed(name, values):
            key = decoded(item, type_name)
            if key is None:
                raise ExportInputError(f"{item[:60]!r} in `{name}` is not a {type_name} ID.", name)
            keys.add(key)
        return frozenset(keys)

    return read


def _id(type_name: str) -> Callable[[str, Sequence[str]], int]:
    def read(name: str, values: Sequence[str]) -> int:
        text = _one(name, values)
        key = decoded(text, type_name)
        if key is None:
            raise ExportInputError(f"{text[:60]!r} in `{name}` is not a {type_name} ID.", name)
        return key

    return read


def _enums(enum: type[StrEnum]) -> Callable[[str, Sequence[str]], frozenset[Any]]:
    def read(name: str, values: Sequence[str]) -> frozenset[Any]:
        found = set()
        for item in _listed(name, values):
            try:
                found.add(enum(item.upper()))
            except ValueError:
                known = ", ".join(member.value for member in enum)
                raise ExportInputError(
                    f"{item[:40]!r} in `{name}` is not one of {known}.", name
                ) from None
        return frozenset(found)

    return read


def _severity(name: str, values: Sequence[str]) -> Severity:
    text = _one(name, values)
    try:
        return Severity(text.upper())
    except ValueError:
        known = ", ".join(member.value for member in Severity)
        raise ExportInputError(f"{text[:40]!r} in `{name}` is not one of {known}.", name) from None


def _zone(name: str, values: Sequence[str]) -> ZoneInfo:
    try:
        return zone_named(_one(name, values), name)
    except CalendarInputError as error:
        raise ExportInputError(str(error), name) from None


READERS: dict[str, tuple[str, Callable[[str, Sequence[str]], Any]]] = {
    "from": ("start", _date),
    "to": ("end", _date),
    "teams": ("teams", _ids("Team")),
    "timeZone": ("zone", _zone),
    "channels": ("channels", _enums(Channel)),
    "under": ("under", _id("Goal")),
    "campaign": ("campaign", _id("Campaign")),
    "includeTasks": ("include_tasks", _flag),
    "root": ("root", _id("Goal")),
    "campaigns": ("campaigns", _flag),
    "severity": ("severity", _severity),
}
"""Each parameter's field of `Criteria` and reader; `kinds` depends on the export."""

KIND_READERS = {
    "entry_kinds": _enums(EntryKind),
    "risk_kinds": _enums(RiskKind),
}


@dataclass(frozen=True)
class Accepts:
    """The parameters one kind of export takes; `kinds` fills `kinds_field`."""

    parameters: tuple[str, ...]
    required: tuple[str, ...] = ()
    kinds_field: str | None = None


def parse_criteria(accepts: Accepts, params: Mapping[str, Sequence[str]]) -> Criteria:
    """The criteria of `params`, or ExportInputError naming the first parameter at fault."""
    for name in params:
        if name not in accepts.parameters:
            taken = ", ".join(f"`{each}`" for each in accepts.parameters) or "no parameters"
            raise ExportInputError(
                f"Unknown parameter `{name[:40]}`; this export takes {taken}.", name
            )
    for name in accepts.required:
        if not params.get(name):
            raise ExportInputError(f"`{name}` is required for this export.", name)
    values: dict[str, Any] = {}
    for name, given in params.items():
        if name == "kinds":
            assert accepts.kinds_field is not None
            values[accepts.kinds_field] = KIND_READERS[accepts.kinds_field](name, given)
        else:
            attribute, read = READERS[name]
            values[attribute] = read(name, given)
    criteria = replace(Criteria(), **values)
    if criteria.start and criteria.end and criteria.end < criteria.start:
        raise ExportInputError(
            f"`to` ({criteria.end.isoformat()}) is before `from` ({criteria.start.isoformat()}).",
            "to",
        )
    return criteria
