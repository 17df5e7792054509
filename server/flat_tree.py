"""The goal tree as flat rows in depth-first order, one page per SQL statement.

Reading a whole tree through nested connections costs a resolver per node and per
level; the flat form is one recursive statement that walks goals (their key results
first, then their child goals), each key result's aligned campaigns (a campaign
aligned to two key results appears under each, with that alignment's share), the
campaigns' tasks, and tasks attached directly to key results. Archived rows and
everything under them are left out.

Each row carries its position key: per level, one digit ranking the kind of child
and ten digits of its ID, appended to the parent's key. Keys sort as the tree reads
(a parent before its children, siblings by kind then ID), in every collation, since
they hold digits only; a page is the rows after a key, which is also the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise import connections

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


def _pad(column: str) -> str:
    """`column` (a non-negative integer) as ten digits, in SQL both engines run."""
    text = f"CAST({column} AS TEXT)"
    return f"substr('{'0' * ID_DIGITS}' || {text}, length({text}) + 1, {ID_DIGITS})"


def _segment(rank: int, column: str) -> str:
    return f"'{rank}' || {_pad(column)}"


def tree_sql(root: int | None, after: str | None, limit: int) -> str:
    """The page of `limit` rows after position `after` of the tree under `root` (every
    top-level goal when None), with the size of the whole tree on every row; when the
    page is empty, one row holding only the size. Integers and digit-only keys are
    inlined after validation."""
    start = "parent_id IS NULL" if root is None else f"id = {int(root)}"
    if after is not None and not valid_key(after):
        raise ValueError(f"not a position key: {after!r}")
    after_clause = "" if after is None else f"WHERE pos > '{after}'"
    return f"""
WITH RECURSIVE goals_down(id, depth, pos) AS (
  SELECT id, 0, {_segment(0, "id")} FROM goal WHERE archived_at IS NULL AND {start}
  UNION ALL
  SELECT g.id, d.depth + 1, d.pos || {_segment(2, "g.id")}
    FROM goals_down d JOIN goal g ON g.parent_id = d.id AND g.archived_at IS NULL
   WHERE d.depth < {MAX_GOAL_DEPTH}
),
krs AS (
  SELECT k.id, k.goal_id, k.title, g.owner_team_id AS team_id, d.depth + 1 AS depth,
         d.pos || {_segment(1, "k.id")} AS pos
    FROM goals_down d
    JOIN goal g ON g.id = d.id
    JOIN key_result k ON k.goal_id = d.id AND k.archived_at IS NULL
),
camps AS (
  SELECT c.id, k.id AS kr_id, c.name, c.owner_team_id AS team_id, a.share,
         k.depth + 1 AS depth, k.pos || {_segment(1, "c.id")} AS pos
    FROM krs k
    JOIN alignment a ON a.key_result_id = k.id AND a.archived_at IS NULL
    JOIN campaign c ON c.id = a.campaign_id AND c.archived_at IS NULL
),
tree(kind, id, parent_kind, parent_id, depth, pos, title, team_id, share) AS (
  SELECT 'GOAL', g.id, CASE WHEN g.parent_id IS NULL THEN NULL ELSE 'GOAL' END,
         g.parent_id, d.depth, d.pos, g.title, g.owner_team_id, CAST(NULL AS NUMERIC)
    FROM goals_down d JOIN goal g ON g.id = d.id
  UNION ALL
  SELECT 'KEY_RESULT', id, 'GOAL', goal_id, depth, pos, title, team_id, NULL FROM krs
  UNION ALL
  SELECT 'CAMPAIGN', id, 'KEY_RESULT', kr_id, depth, pos, name, team_id, share FROM camps
  UNION ALL
  -- A task's team: its own, else its campaign's, else its key result's goal's (the rule
  -- of server/task_team.py), read from the rows the tree already holds.
  SELECT 'TASK', t.id, 'CAMPAIGN', c.id, c.depth + 1, c.pos || {_segment(1, "t.id")},
         t.title, COALESCE(t.team_id, c.team_id), NULL
    FROM camps c JOIN task t ON t.campaign_id = c.id AND t.archived_at IS NULL
  UNION ALL
  SELECT 'TASK', t.id, 'KEY_RESULT', k.id, k.depth + 1, k.pos || {_segment(2, "t.id")},
         t.title, COALESCE(t.team_id, k.team_id), NULL
    FROM krs k JOIN task t
      ON t.key_result_id = k.id AND t.campaign_id IS NULL AND t.archived_at IS NULL
),
page AS (SELECT * FROM tree {after_clause} ORDER BY pos LIMIT {int(limit)})
SELECT n.total, p.kind, p.id, p.parent_kind, p.parent_id, p.depth, p.pos, p.title,
       p.team_id, tm.name AS team_name, p.share
  FROM (SELECT COUNT(*) AS total FROM tree) n
  LEFT JOIN page p ON 1 = 1
  LEFT JOIN team tm ON tm.id = p.team_id
 ORDER BY p.pos
"""


def _rows(raw: list[dict[str, Any]], wanted: int) -> list[TreeRow]:
    """The first `wanted` rows; a row has children when the row after it (the extra
    one fetched past the page, at the page's end) lies deeper."""
    rows = []
    for i, row in enumerate(raw[:wanted]):
        following = raw[i + 1] if i + 1 < len(raw) else None
        share = row["share"]
        rows.append(
            TreeRow(
                key=row["pos"],
                kind=NodeKind(row["kind"]),
                id=int(row["id"]),
                parent_kind=NodeKind(row["parent_kind"]) if row["parent_kind"] else None,
                parent_id=None if row["parent_id"] is None else int(row["parent_id"]),
                depth=int(row["depth"]),
                title=row["title"],
                team_id=None if row["team_id"] is None else int(row["team_id"]),
                team_name=row["team_name"],
                share=None if share is None else Decimal(str(share)),
                has_children=following is not None and following["depth"] > row["depth"],
            )
        )
    return rows


async def tree_page(root: int | None, first: int, after: str | None) -> TreePage:
    """`first` rows of the tree under `root` after position `after`, in one statement.

    Raises UnknownRoot when `root` is given and is not a live goal."""
    sql = tree_sql(root, after, first + 1)
    raw = await connections.get("default").execute_query_dict(sql)
    total = int(raw[0]["total"]) if raw else 0
    if root is not None and total == 0:
        raise UnknownRoot(root)
    found = [row for row in raw if row["pos"] is not None]
    return TreePage(_rows(found, first), total, len(found) > first)
