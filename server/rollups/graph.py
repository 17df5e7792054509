"""The rows of one engine, indexed the ways the computations walk them.

Each index is built on first use from the sections it reads, and asking for one whose
rows were not given is a programming error (the caller forgot to name the section, or
read the calendar from an engine built without it), not an empty result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cached_property

from server.currency.rates import RateRow
from server.rollups import rows as r
from server.rollups.sections import Section


class MissingSection(LookupError):
    """A computation read a section that was not loaded."""


def _by_id(rows: Iterable) -> dict:
    return {row.id: row for row in rows}


def _grouped(rows: Iterable, key: str) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        value = getattr(row, key)
        if value is not None:
            groups[value].append(row)
    return groups


INDEX_READS: dict[str, Section] = {
    "goals": Section.GOALS,
    "live_children": Section.GOALS,
    "key_results": Section.KEY_RESULTS,
    "live_key_results_of": Section.KEY_RESULTS,
    "last_check_in": Section.CHECK_INS,
    "campaigns": Section.CAMPAIGNS,
    "channels_of": Section.CHANNELS,
    "alignments_of_campaign": Section.ALIGNMENTS,
    "alignments_of_key_result": Section.ALIGNMENTS,
    "spend_of": Section.SPEND,
    "results_of": Section.RESULTS,
    "tasks": Section.TASKS,
    "tasks_of_campaign": Section.TASKS,
    "tasks_of_key_result": Section.TASKS,
    "tasks_of_assignee": Section.TASKS,
    "tasks_of_team": Section.TASKS,
    "users": Section.USERS,
    "teams": Section.TEAMS,
    "members_of": Section.MEMBERSHIPS,
    "teams_of": Section.MEMBERSHIPS,
    "milestones": Section.MILESTONES,
    "rate_rows": Section.RATES,
    "last_goal_update": Section.STATUS_UPDATES,
    "last_key_result_update": Section.STATUS_UPDATES,
}
"""Each index below and the one section it is built from."""


class OrgGraph:
    def __init__(self, sections: dict[Section, list] | None = None) -> None:
        self._sections: dict[Section, list] = dict(sections or {})

    def add(self, section: Section, rows: list) -> None:
        self._sections.setdefault(section, rows)

    def has(self, section: Section) -> bool:
        return section in self._sections

    def take_indexes(self, before: OrgGraph) -> None:
        """Take over the indexes `before` has built from a section this graph shares
        with it (the very same list): a write leaves most sections untouched, and
        grouping 100 000 rows again costs more than the computations that read them.
        An index is set once and never changed, so reading `before`'s from another
        thread is safe."""
        for name, section in INDEX_READS.items():
            built = before.__dict__.get(name)
            if (
                built is not None
                and name not in self.__dict__
                and section in self._sections
                and before._sections.get(section) is self._sections[section]
            ):
                self.__dict__[name] = built

    def rows(self, section: Section) -> list:
        try:
            return self._sections[section]
        except KeyError:
            raise MissingSection(f"section {section.value!r} was not loaded") from None

    # --- goals and key results -------------------------------------------------------

    @cached_property
    def goals(self) -> dict[int, r.GoalRow]:
        return _by_id(self.rows(Section.GOALS))

    @cached_property
    def live_children(self) -> dict[int, list[r.GoalRow]]:
        return _grouped((g for g in self.goals.values() if not g.archived), "parent_id")

    @cached_property
    def key_results(self) -> dict[int, r.KeyResultRow]:
        return _by_id(self.rows(Section.KEY_RESULTS))

    @cached_property
    def live_key_results_of(self) -> dict[int, list[r.KeyResultRow]]:
        return _grouped((k for k in self.key_results.values() if not k.archived), "goal_id")

    def key_result_live(self, key_result_id: int) -> bool:
        kr = self.key_results.get(key_result_id)
        goal = self.goals.get(kr.goal_id) if kr else None
        return kr is not None and not kr.archived and goal is not None and not goal.archived

    @cached_property
    def last_check_in(self) -> dict[int, r.CheckInRow]:
        latest: dict[int, r.CheckInRow] = {}
        for row in self.rows(Section.CHECK_INS):
            if row.key_result_id not in latest or row.day >= latest[row.key_result_id].day:
                latest[row.key_result_id] = row
        return latest

    @cached_property
    def last_goal_update(self) -> dict[int, date]:
        """The day of each goal's latest status update."""
        return {
            row.goal_id: row.day
            for row in self.rows(Section.STATUS_UPDATES)
            if row.goal_id is not None
        }

    @cached_property
    def last_key_result_update(self) -> dict[int, date]:
        """The day of each key result's latest status update."""
        return {
            row.key_result_id: row.day
            for row in self.rows(Section.STATUS_UPDATES)
            if row.key_result_id is not None
        }

    # --- campaigns and their money ---------------------------------------------------

    @cached_property
    def campaigns(self) -> dict[int, r.CampaignRow]:
        return _by_id(self.rows(Section.CAMPAIGNS))

    @cached_property
    def channels_of(self) -> dict[int, list[r.ChannelRow]]:
        return _grouped(self.rows(Section.CHANNELS), "campaign_id")

    @cached_property
    def alignments_of_campaign(self) -> dict[int, list[r.AlignmentRow]]:
        return _grouped(self.rows(Section.ALIGNMENTS), "campaign_id")

    @cached_property
    def alignments_of_key_result(self) -> dict[int, list[r.AlignmentRow]]:
        return _grouped(self.rows(Section.ALIGNMENTS), "key_result_id")

    @cached_property
    def spend_of(self) -> dict[int, list[r.SpendRow]]:
        return _grouped(self.rows(Section.SPEND), "campaign_id")

    @cached_property
    def results_of(self) -> dict[int, list[r.ResultRow]]:
        return _grouped(self.rows(Section.RESULTS), "campaign_id")

    # --- work, people and the calendar -----------------------------------------------

    @cached_property
    def tasks(self) -> dict[int, r.TaskRow]:
        return _by_id(self.rows(Section.TASKS))

    @cached_property
    def tasks_of_campaign(self) -> dict[int, list[r.TaskRow]]:
        return _grouped(self.tasks.values(), "campaign_id")

    @cached_property
    def tasks_of_key_result(self) -> dict[int, list[r.TaskRow]]:
        return _grouped(self.tasks.values(), "key_result_id")

    @cached_property
    def tasks_of_assignee(self) -> dict[int, list[r.TaskRow]]:
        return _grouped(self.tasks.values(), "assignee_id")

    @cached_property
    def tasks_of_team(self) -> dict[int, list[r.TaskRow]]:
        return _grouped(self.tasks.values(), "team_id")

    @cached_property
    def users(self) -> dict[int, r.UserRow]:
        return _by_id(self.rows(Section.USERS))

    @cached_property
    def teams(self) -> dict[int, r.TeamRow]:
        return _by_id(self.rows(Section.TEAMS))

    @cached_property
    def members_of(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for row in self.rows(Section.MEMBERSHIPS):
            groups[row.team_id].append(row.user_id)
        return groups

    @cached_property
    def teams_of(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for row in self.rows(Section.MEMBERSHIPS):
            groups[row.user_id].append(row.team_id)
        return groups

    @cached_property
    def milestones(self) -> dict[int, r.MilestoneRow]:
        return _by_id(self.rows(Section.MILESTONES))

    # --- exchange rates --------------------------------------------------------------

    @cached_property
    def rate_rows(self) -> list[RateRow]:
        return self.rows(Section.RATES)
