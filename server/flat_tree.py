"""The goal tree as flat rows in depth-first order, walked in the read model.

The walk takes goals (their key results first, then their child goals), each key
result's aligned campaigns (a campaign aligned to two key results appears under each,
with that alignment's share), the campaigns' tasks, and tasks attached directly to key
results. Archived rows and everything under them are left out.

Each row carries its position key: per level, one digit ranking the kind of child
and ten digits of its ID, appended to the parent's key. Keys sort as the tree reads
(a parent before its children, siblings by kind then ID), in every collation, since
they hold digits only; a page is the rows after a key, which is also the cursor, found
by bisection. The rows of a tree are kept with the snapshot as an index reading only
the columns the walk reads, so a check-in or a spend entry keeps them; at most
`KEPT_ROOTS` subtrees asked for by their root are kept beside the whole forest.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from tortoise.models import Model

from server import models
from server.bounded_lru import BoundedLRU
from server.read_model.snapshot import Snapshot
from server.task_team import team_of

M = TypeVar("M", bound=Model)

ID_DIGITS = 10
SEGMENT = 1 + ID_DIGITS
MAX_GOAL_DEPTH = 100
"""Goals below this many levels are not walked (writes refuse cycles; this bounds a
walk even over damaged data)."""
MAX_KEY_LENGTH = SEGMENT * (MAX_GOAL_DEPTH + 4)


class NodeKind(StrEnum):
    GOAL = "GOAL"
    KEY_RESULT = "KEY_RESULT"
    CAMPAIGN = "CAMPAIGN"
    TASK = "TASK"


@dataclass(frozen=True, slots=True)
class TreeRow:
    key: str
    kind: NodeKind
    id: int
    parent_kind: NodeKind | None
    parent_id: int | None
    depth: int
    title: str
    team_id: int | None
    team_name: str | None
    share: Decimal | None
    """The alignment's share, for a campaign under a key result."""
    has_children: bool


@dataclass(frozen=True, slots=True)
class TreePage:
    rows: list[TreeRow]
    total: int
    has_next_page: bool


class UnknownRoot(LookupError):
    """The root named is not a live goal."""


def valid_key(key: str) -> bool:
    return (
        0 < len(key) <= MAX_KEY_LENGTH
        and len(key) % SEGMENT == 0
        and key.isascii()
        and key.isdigit()
    )


KEPT_ROOTS = 64
READS = (
    "goal.parent_id", "goal.archived_at", "goal.title", "goal.owner_team_id",
    "key_result.goal_id", "key_result.archived_at", "key_result.title",
    "alignment.key_result_id", "alignment.campaign_id", "alignment.archived_at",
    "alignment.share",
    "campaign.archived_at", "campaign.name", "campaign.owner_team_id",
    "task.campaign_id", "task.key_result_id", "task.archived_at", "task.team_id",
    "task.title",
    "team.name",
)  # fmt: skip
"""What the walk reads, as `Snapshot.index` names it."""


def _segment(rank: int, pk: int) -> str:
    return f"{rank}{pk:0{ID_DIGITS}d}"


def _by_id(rows: Iterable[M]) -> list[M]:
    return sorted(rows, key=lambda row: row.pk)


class _Walk:
    """The rows of one tree, in key order, with what a walk of the snapshot needs."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.found: list[tuple] = []
        """(key, kind, id, parent kind, parent id, depth, title, team id, share)."""

    def goal(self, goal: models.Goal, key: str, depth: int) -> None:
        snapshot = self.snapshot
        parent_kind = None if goal.parent_id is None else NodeKind.GOAL
        self.found.append(
            (key, NodeKind.GOAL, goal.pk, parent_kind, goal.parent_id, depth, goal.title,
             goal.owner_team_id, None)
        )  # fmt: skip
        for key_result in _by_id(snapshot.children(models.KeyResult, "goal_id", goal.pk)):
            self.key_result(key_result, goal, key + _segment(1, key_result.pk), depth + 1)
        if depth < MAX_GOAL_DEPTH:
            for child in _by_id(snapshot.children(models.Goal, "parent_id", goal.pk)):
                self.goal(child, key + _segment(2, child.pk), depth + 1)

    def key_result(self, key_result: models.KeyResult, goal: models.Goal, key: str, depth: int):
        snapshot, found = self.snapshot, self.found
        found.append(
            (key, NodeKind.KEY_RESULT, key_result.pk, NodeKind.GOAL, goal.pk, depth,
             key_result.title, goal.owner_team_id, None)
        )  # fmt: skip
        aligned = []
        for alignment in snapshot.children(models.Alignment, "key_result_id", key_result.pk):
            campaign = snapshot.live(models.Campaign, alignment.campaign_id)
            if campaign is not None:
                aligned.append((campaign.pk, campaign, alignment.share))
        for _, campaign, share in sorted(aligned, key=lambda each: each[0]):
            campaign_key = key + _segment(1, campaign.pk)
            found.append(
                (campaign_key, NodeKind.CAMPAIGN, campaign.pk, NodeKind.KEY_RESULT,
                 key_result.pk, depth + 1, campaign.name, campaign.owner_team_id, share)
            )  # fmt: skip
            for task in _by_id(snapshot.children(models.Task, "campaign_id", campaign.pk)):
                found.append(
                    (campaign_key + _segment(1, task.pk), NodeKind.TASK, task.pk,
                     NodeKind.CAMPAIGN, campaign.pk, depth + 2, task.title,
                     team_of(snapshot, task), None)
                )  # fmt: skip
        for task in _by_id(snapshot.children(models.Task, "key_result_id", key_result.pk)):
            if task.campaign_id is None:
                found.append(
                    (key + _segment(2, task.pk), NodeKind.TASK, task.pk, NodeKind.KEY_RESULT,
                     key_result.pk, depth + 1, task.title, team_of(snapshot, task), None)
                )  # fmt: skip

    def rows(self) -> list[TreeRow]:
        found, teams = self.found, self.snapshot.table(models.Team)
        rows = []
        for i, (key, kind, pk, parent_kind, parent_id, depth, title, team, share) in enumerate(
            found
        ):
            following = found[i + 1] if i + 1 < len(found) else None
            team_row = None if team is None else teams.get(team)
            rows.append(
                TreeRow(
                    key=key,
                    kind=kind,
                    id=pk,
                    parent_kind=parent_kind,
                    parent_id=parent_id,
                    depth=depth,
                    title=title,
                    team_id=team,
                    team_name=None if team_row is None else team_row.name,
                    share=share,
                    has_children=following is not None and following[5] > depth,
                )
            )
        return rows


class Trees:
    """The rows of the whole forest, and of some subtrees, of one snapshot's tree."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._forest: Tree | None = None
        self._roots: BoundedLRU[int, Tree] = BoundedLRU(KEPT_ROOTS, 10**6, len)

    def of(self, root: int | None) -> Tree:
        if root is None:
            if self._forest is None:
                walk = _Walk(self._snapshot)
                roots = (
                    goal
                    for goal in self._snapshot.table(models.Goal).values()
                    if goal.parent_id is None and goal.archived_at is None
                )
                for goal in _by_id(roots):
                    walk.goal(goal, _segment(0, goal.pk), 0)
                self._forest = Tree(walk.rows())
            return self._forest
        tree = self._roots.get(root)
        if tree is None:
            walk = _Walk(self._snapshot)
            top = self._snapshot.live(models.Goal, root)
            if top is not None:
                walk.goal(top, _segment(0, top.pk), 0)
            tree = Tree(walk.rows())
            self._roots.put(root, tree)
        return tree


class Tree:
    """A tree's rows in key order, and their keys for bisection."""

    def __init__(self, rows: list[TreeRow]) -> None:
        self.rows = rows
        self.keys = [row.key for row in rows]

    def __len__(self) -> int:
        return len(self.rows)


def trees(snapshot: Snapshot) -> Trees:
    return snapshot.index("flat_tree", READS, Trees)


def tree_page(snapshot: Snapshot, root: int | None, first: int, after: str | None) -> TreePage:
    """`first` rows of the tree under `root` after position `after`.

    Raises UnknownRoot when `root` is given and is not a live goal."""
    if after is not None and not valid_key(after):
        raise ValueError(f"not a position key: {after!r}")
    tree = trees(snapshot).of(root)
    if root is not None and not tree.rows:
        raise UnknownRoot(root)
    start = 0 if after is None else bisect_right(tree.keys, after)
    page = tree.rows[start : start + first]
    return TreePage(page, len(tree.rows), start + first < len(tree.rows))
