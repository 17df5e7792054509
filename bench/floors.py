"""What the workloads are compared with, measured in the same run.

Floor (a), the cost of GraphQL in Python: graphql-core, without Strawberry or a
database, executes the same document over the same response data already in memory
(plain dicts read by the default resolvers), and serialises the result with json.
Floor (b), the cost of the data itself: one raw SQL statement fetches the same rows,
serialised with orjson.
"""

from __future__ import annotations

import json
from datetime import date

import orjson
from graphql import build_schema, execute, parse
from tortoise import connections

# Just the fields the tree document reads; every leaf is a String, so the floor pays
# nothing for scalar conversion the server must do.
TREE_SDL = """
type Query { goals(filter: GoalFilter, first: Int, after: String): GoalConnection }
input GoalFilter { rootsOnly: Boolean }
type PageInfo { hasNextPage: Boolean endCursor: String }
type GoalConnection { pageInfo: PageInfo nodes: [Goal] }
type Goal {
  id: ID title: String category: String periodEnd: String progress: String health: String
  keyResults(first: Int): KeyResultConnection children(first: Int): GoalConnection
}
type KeyResultConnection { nodes: [KeyResult] }
type KeyResult {
  id: ID title: String currentValue: String targetValue: String progress: String
  health: String campaigns(first: Int): CampaignConnection
}
type CampaignConnection { nodes: [Campaign] }
type Campaign {
  id: ID name: String status: String endDate: String progress: String health: String
  tasks(first: Int): TaskConnection
}
type TaskConnection { nodes: [Task] }
type Task {
  id: ID title: String status: String startDate: String dueDate: String
  estimateHours: String
}
"""


class GraphQLFloor:
    """Executes one document with graphql-core over data given as plain dicts."""

    def __init__(self, sdl: str, document: str) -> None:
        self.schema = build_schema(sdl)
        self.document = parse(document)

    def run(self, data: dict, variables: dict | None = None) -> bytes:
        result = execute(self.schema, self.document, data, variable_values=variables)
        if result.errors:
            raise SystemExit(f"floor query failed: {result.errors}")
        return json.dumps({"data": result.data}).encode()


def tree_floor(document: str) -> GraphQLFloor:
    return GraphQLFloor(TREE_SDL, document)


def _text(column: str) -> str:
    return f"CAST({column} AS TEXT)"


# Goals with their parents, key results with their goals, campaigns under each key
# result they support, and the tasks of those campaigns: the tree's rows, six fields
# each, in one statement.
TREE_SQL = f"""
SELECT 'goal' AS kind, id, parent_id AS parent, title, {_text("category")} AS a,
       {_text("period_end")} AS b, {_text("weight")} AS c
  FROM goal WHERE archived_at IS NULL
UNION ALL
SELECT 'key_result', id, goal_id, title, {_text("current_value")}, {_text("target_value")},
       {_text("due_date")}
  FROM key_result WHERE archived_at IS NULL
UNION ALL
SELECT 'campaign', c.id, a.key_result_id, c.name, {_text("c.status")}, {_text("c.end_date")},
       {_text("a.share")}
  FROM alignment a JOIN campaign c ON c.id = a.campaign_id
 WHERE a.archived_at IS NULL AND c.archived_at IS NULL
UNION ALL
SELECT 'task', id, campaign_id, title, {_text("status")}, {_text("due_date")},
       {_text("estimate_hours")}
  FROM task WHERE archived_at IS NULL AND campaign_id IS NOT NULL
"""


def calendar_sql(teams: list[int], start: date, end: date) -> str:
    """The first 100 campaigns, milestones and dated tasks of `teams` in [start, end]."""
    ids = ", ".join(str(int(team)) for team in teams)
    first, last = f"'{start.isoformat()}'", f"'{end.isoformat()}'"
    return f"""
SELECT * FROM (
  SELECT 'campaign' AS kind, id, name AS title, {_text("start_date")} AS start_day,
         {_text("end_date")} AS end_day, owner_team_id AS team
    FROM campaign
   WHERE archived_at IS NULL AND owner_team_id IN ({ids})
     AND start_date <= {last} AND end_date >= {first}
  UNION ALL
  SELECT 'milestone', id, title, {_text("start_date")}, {_text("end_date")}, team_id
    FROM milestone
   WHERE archived_at IS NULL AND team_id IN ({ids})
     AND start_date <= {last} AND COALESCE(end_date, start_date) >= {first}
  UNION ALL
  SELECT 'task', id, title, {_text("due_date")}, {_text("due_date")}, team_id
    FROM task
   WHERE archived_at IS NULL AND team_id IN ({ids})
     AND due_date BETWEEN {first} AND {last}
) entries ORDER BY start_day, kind, id LIMIT 100
"""


def trace_sql(task_id: int) -> str:
    """A task's paths up: its campaign's (or its own) key results, then every goal above."""
    return f"""
WITH RECURSIVE up(goal_id, depth) AS (
  SELECT k.goal_id, 0 FROM task t
    LEFT JOIN alignment a ON a.campaign_id = t.campaign_id AND a.archived_at IS NULL
    JOIN key_result k ON k.id = COALESCE(a.key_result_id, t.key_result_id)
   WHERE t.id = {int(task_id)}
  UNION ALL
  SELECT g.parent_id, up.depth + 1 FROM up JOIN goal g ON g.id = up.goal_id
   WHERE g.parent_id IS NOT NULL
)
SELECT up.goal_id, up.depth, g.title FROM up JOIN goal g ON g.id = up.goal_id
"""


def node_sql(campaign_id: int) -> str:
    """A campaign, the key results it supports with their goals, its first 20 tasks
    with their assignees: W6's rows in one statement."""
    key = int(campaign_id)
    return f"""
SELECT 'campaign' AS kind, c.id, c.name AS title, {_text("c.status")} AS a,
       {_text("c.start_date")} AS b, {_text("c.end_date")} AS c, NULL AS d
  FROM campaign c WHERE c.id = {key}
UNION ALL
SELECT 'key_result', k.id, k.title, CAST(g.id AS TEXT), g.title, NULL, NULL
  FROM alignment a JOIN key_result k ON k.id = a.key_result_id JOIN goal g ON g.id = k.goal_id
 WHERE a.campaign_id = {key} AND a.archived_at IS NULL
UNION ALL
SELECT * FROM (
  SELECT 'task', t.id, t.title, CAST(u.id AS TEXT), u.name, NULL, NULL
    FROM task t LEFT JOIN app_user u ON u.id = t.assignee_id
   WHERE t.campaign_id = {key} AND t.archived_at IS NULL ORDER BY t.id LIMIT 20
) first_tasks
"""


# The rows the rollups and risks read, one statement per table, as the server does.
ROLLUP_TABLES = (
    "goal", "key_result", "check_in", "campaign", "campaign_channel", "alignment",
    "spend_entry", "result_entry", "task", "app_user", "team", "membership", "milestone",
)  # fmt: skip


async def raw_rows(sql: str) -> bytes:
    """Run one statement and serialise its rows with orjson."""
    _, rows = await connections.get("default").execute_query(sql)
    return orjson.dumps([tuple(row) for row in rows], default=str)


async def rollup_rows() -> bytes:
    out = []
    for table in ROLLUP_TABLES:
        out.append(await raw_rows(f"SELECT * FROM {table}"))
    return b"".join(out)
