"""Floor (c), the floor the design names: one hand-written SQL statement per request
builds the whole JSON answer, and a bare Starlette endpoint sends it over HTTP.

It answers the benchmark's own GraphQL documents (bench/queries.py, bench/load.py) at
`/graphql`, each by one PostgreSQL statement built of `json_build_object` and
`json_agg`, in the same shape and with the same objects as Throughline's answer, so
the benchmark's client, pagination and load drive it unchanged. Figures Throughline
computes (progress, health) cannot come from one statement and are sent as null: the
floor is cheaper than the real answer, never dearer. Run as its own process:

    python -m bench.json_floor POSTGRES_URL PORT
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable
from datetime import date

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import load, queries

POOL_SIZE = 8
PAGE = 100


def gid(type_name: str, column: str) -> str:
    """The global ID Throughline gives: URL-safe base64 of "Type:id", unpadded."""
    return (
        f"rtrim(translate(encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64'),"
        f" '+/', '-_'), '=')"
    )


def nodes(element: str, rows: str, order: str = "id") -> str:
    """`{nodes: [...]}` of `element` (an expression over alias `x`) for each of `rows`."""
    return (
        f"json_build_object('nodes', COALESCE((SELECT json_agg({element} ORDER BY x.{order}) "
        f"FROM ({rows}) x), '[]'::json))"
    )


TASK = (
    f"json_build_object('id', {gid('Task', 'x.id')}, 'title', x.title, 'status', "
    "upper(x.status), 'startDate', x.start_date, 'dueDate', x.due_date, "
    "'estimateHours', x.estimate_hours)"
)


def campaign(alias: str) -> str:
    tasks = nodes(
        TASK,
        f"SELECT * FROM task WHERE campaign_id = {alias}.id AND archived_at IS NULL "
        f"ORDER BY id LIMIT {PAGE}",
    )
    return (
        f"json_build_object('id', {gid('Campaign', alias + '.id')}, 'name', {alias}.name, "
        f"'status', upper({alias}.status), 'endDate', {alias}.end_date, 'progress', NULL, "
        f"'health', NULL, 'tasks', {tasks})"
    )


def key_result() -> str:
    campaigns = nodes(
        campaign("x"),
        f"SELECT c.* FROM alignment a JOIN campaign c ON c.id = a.campaign_id "
        f"WHERE a.key_result_id = kr.id AND a.archived_at IS NULL AND c.archived_at IS NULL "
        f"ORDER BY c.id LIMIT {PAGE}",
    )
    return (
        f"json_build_object('id', {gid('KeyResult', 'kr.id')}, 'title', kr.title, "
        f"'currentValue', kr.current_value, 'targetValue', kr.target_value, "
        f"'progress', NULL, 'health', NULL, 'campaigns', {campaigns})"
    )


def goal(alias: str, depth: int) -> str:
    """A goal as the tree document reads it, with `depth` levels of children below."""
    key_results = (
        f"json_build_object('nodes', COALESCE((SELECT json_agg({key_result()} ORDER BY kr.id) "
        f"FROM (SELECT * FROM key_result WHERE goal_id = {alias}.id AND archived_at IS NULL "
        f"ORDER BY id LIMIT {PAGE}) kr), '[]'::json))"
    )
    fields = (
        f"'id', {gid('Goal', alias + '.id')}, 'title', {alias}.title, 'category', "
        f"upper({alias}.category), 'periodEnd', {alias}.period_end, 'progress', NULL, "
        f"'health', NULL, 'keyResults', {key_results}"
    )
    if depth:
        child = f"g{depth}"
        children = (
            f"json_build_object('nodes', COALESCE((SELECT json_agg({goal(child, depth - 1)} "
            f"ORDER BY {child}.id) FROM (SELECT * FROM goal WHERE parent_id = {alias}.id AND "
            f"archived_at IS NULL ORDER BY id LIMIT {PAGE}) {child}), '[]'::json))"
        )
        fields += f", 'children', {children}"
    return f"json_build_object({fields})"


ROOTS = "parent_id IS NULL AND archived_at IS NULL"
TREE = f"""
SELECT json_build_object('data', json_build_object('goals', json_build_object(
  'pageInfo', json_build_object(
    'hasNextPage', EXISTS (SELECT 1 FROM goal WHERE {ROOTS} AND id > COALESCE(max(g.id), $1)),
    'endCursor', max(g.id)::text),
  'nodes', COALESCE(json_agg({goal("g", 3)} ORDER BY g.id), '[]'::json))))
FROM (SELECT * FROM goal WHERE {ROOTS} AND id > $1 ORDER BY id LIMIT {PAGE}) g
"""


ENTRY_FIELDS = {
    "id": "x.id", "title": "x.title", "kind": "x.kind", "startDate": "x.start_day",
    "endDate": "x.end_day", "color": "x.color",
}  # fmt: skip


def calendar(first: int, fields: tuple[str, ...], teams: bool, tasks: bool) -> str:
    """The calendar's first entries of the period ($1, $2) with `fields`, of teams $3
    when `teams`, task due dates when `tasks`: live campaigns and tasks not cancelled, a
    task in the team of its campaign or goal when it names none, as the product's
    calendar shows them."""
    of = " AND {column} = ANY($3::int[])" if teams else ""
    entry = ", ".join(f"'{name}', {ENTRY_FIELDS[name]}" for name in fields)
    due = f"""
  UNION ALL
  SELECT 'task-' || k.id, k.title, 'TASK_DUE', k.due_date, k.due_date, t.color, 2, k.id
    FROM task k
    LEFT JOIN campaign kc ON kc.id = k.campaign_id
    LEFT JOIN key_result kk ON kk.id = k.key_result_id
    LEFT JOIN goal kg ON kg.id = kk.goal_id
    JOIN team t ON t.id = COALESCE(k.team_id, kc.owner_team_id, kg.owner_team_id)
   WHERE k.archived_at IS NULL AND k.status <> 'CANCELLED' AND k.due_date BETWEEN $1 AND $2
         {of.format(column="t.id")}"""
    return f"""
WITH entry AS (
  SELECT 'campaign-' || c.id AS id, c.name AS title, 'CAMPAIGN' AS kind,
         c.start_date AS start_day, c.end_date AS end_day, t.color, 0 AS rank, c.id AS key
    FROM campaign c JOIN team t ON t.id = c.owner_team_id
   WHERE c.archived_at IS NULL AND c.status <> 'CANCELLED' AND c.start_date <= $2
     AND c.end_date >= $1 {of.format(column="c.owner_team_id")}
  UNION ALL
  SELECT 'milestone-' || m.id, m.title, upper(m.kind), m.start_date,
         COALESCE(m.end_date, m.start_date), t.color, 1, m.id
    FROM milestone m JOIN team t ON t.id = m.team_id
   WHERE m.archived_at IS NULL AND m.start_date <= $2
     AND COALESCE(m.end_date, m.start_date) >= $1 {of.format(column="m.team_id")}
  {due if tasks else ""}
)
SELECT json_build_object('data', json_build_object('calendar', json_build_object(
  'entries', json_build_object(
    'totalCount', (SELECT count(*) FROM entry),
    'nodes', COALESCE(json_agg(json_build_object({entry})
      ORDER BY x.start_day, x.rank, x.key), '[]'::json)))))
FROM (SELECT * FROM entry ORDER BY start_day, rank, key LIMIT {first}) x
"""


# A task's paths up, as the product traces them: through the key result it names, then
# through each live alignment of its live campaign; each to the top of the goal tree.
PATHS = """
WITH RECURSIVE start AS (
  SELECT t.key_result_id AS kr, 1 AS share, t.id AS task, NULL::int AS campaign
    FROM task t WHERE t.id = $1 AND t.key_result_id IS NOT NULL
  UNION ALL
  SELECT a.key_result_id, a.share, t.id, c.id
    FROM task t JOIN campaign c ON c.id = t.campaign_id AND c.archived_at IS NULL
    JOIN alignment a ON a.campaign_id = c.id AND a.archived_at IS NULL
   WHERE t.id = $1
), up AS (
  SELECT s.kr, s.share, s.task, s.campaign, k.goal_id AS goal, ARRAY[k.goal_id] AS goals
    FROM start s JOIN key_result k ON k.id = s.kr AND k.archived_at IS NULL
  UNION ALL
  SELECT up.kr, up.share, up.task, up.campaign, g.parent_id, up.goals || g.parent_id
    FROM up JOIN goal g ON g.id = up.goal WHERE g.parent_id IS NOT NULL
)
"""

TRACE = f"""{PATHS}
SELECT json_build_object('data', json_build_object('trace', json_build_object(
  'aligned', count(*) > 0,
  'paths', COALESCE(json_agg(json_build_object(
    'share', up.share,
    'objective', json_build_object('id', {gid("Goal", "g.id")}, 'title', g.title),
    'nodes', (SELECT json_agg(json_build_object('id', node) ORDER BY step) FROM (
        SELECT 0 AS step, {gid("Task", "up.task")} AS node
        UNION ALL SELECT 1, {gid("Campaign", "up.campaign")} WHERE up.campaign IS NOT NULL
        UNION ALL SELECT 2, {gid("KeyResult", "up.kr")}
        UNION ALL SELECT 2 + above.n, {gid("Goal", "above.goal")}
          FROM unnest(up.goals) WITH ORDINALITY AS above(goal, n)) path)
  ) ORDER BY up.campaign NULLS FIRST, up.kr), '[]'::json))))
FROM up JOIN goal g ON g.id = up.goal WHERE g.parent_id IS NULL
"""

# W4's trace reads the objectives alone.
TRACE_OBJECTIVES = f"""{PATHS}
SELECT json_build_object('data', json_build_object('trace', json_build_object(
  'aligned', count(*) > 0,
  'paths', COALESCE(json_agg(json_build_object('objective', json_build_object(
    'id', {gid("Goal", "g.id")})) ORDER BY up.campaign NULLS FIRST, up.kr), '[]'::json))))
FROM up JOIN goal g ON g.id = up.goal WHERE g.parent_id IS NULL
"""

NODE = f"""
SELECT json_build_object('data', json_build_object('node', json_build_object(
  'id', {gid("Campaign", "c.id")}, 'name', c.name, 'status', upper(c.status),
  'startDate', c.start_date, 'endDate', c.end_date,
  'keyResults', json_build_object('nodes', COALESCE((
    SELECT json_agg(json_build_object('id', {gid("KeyResult", "k.id")}, 'title', k.title,
      'goal', json_build_object('id', {gid("Goal", "g.id")}, 'title', g.title)) ORDER BY a.id)
      FROM alignment a JOIN key_result k ON k.id = a.key_result_id
      JOIN goal g ON g.id = k.goal_id
     WHERE a.campaign_id = c.id AND a.archived_at IS NULL AND k.archived_at IS NULL
  ), '[]'::json)),
  'tasks', json_build_object('nodes', COALESCE((
    SELECT json_agg(json_build_object('id', {gid("Task", "x.id")}, 'title', x.title,
      'assignee', CASE WHEN u.id IS NULL THEN NULL ELSE
        json_build_object('id', {gid("User", "u.id")}, 'name', u.name) END) ORDER BY x.id)
      FROM (SELECT * FROM task WHERE campaign_id = c.id AND archived_at IS NULL
             ORDER BY id LIMIT 20) x
      LEFT JOIN app_user u ON u.id = x.assignee_id
  ), '[]'::json)))))
FROM campaign c WHERE c.id = $1
"""


def database_id(global_id: str) -> int:
    text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(text.split(":", 1)[1])


def period(variables: dict) -> list[date]:
    return [date.fromisoformat(variables["from"]), date.fromisoformat(variables["to"])]


Statement = Callable[[dict], tuple[str, list]]

# Each document the benchmark sends, and the statement (with its arguments) answering it.
STATEMENTS: dict[str, Statement] = {
    queries.W1_NESTED: lambda v: (TREE, [int(v.get("after") or 0)]),
    queries.W2_CALENDAR: lambda v: (
        calendar(100, tuple(ENTRY_FIELDS), teams=True, tasks=True),
        [*period(v), [database_id(team) for team in v["teams"]]],
    ),
    queries.W3_TRACE: lambda v: (TRACE, [database_id(v["id"])]),
    queries.W6_NODE: lambda v: (NODE, [database_id(v["id"])]),
    load.READS["calendar"]: lambda v: (
        calendar(50, ("id", "title", "startDate"), teams=False, tasks=False),
        period(v),
    ),
    load.READS["trace"]: lambda v: (TRACE_OBJECTIVES, [database_id(v["id"])]),
}


def create_floor_app(dsn: str) -> Starlette:
    state: dict[str, asyncpg.Pool] = {}

    async def graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        sql, arguments = STATEMENTS[body["query"]](body.get("variables") or {})
        async with state["pool"].acquire() as connection:
            answer = await connection.fetchval(sql, *arguments)
        return Response(answer, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b"ok")

    async def lifespan(app: Starlette):
        state["pool"] = await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_SIZE)
        yield
        await state["pool"].close()

    routes = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


if __name__ == "__main__":
    url, port = sys.argv[1], int(sys.argv[2])
    dsn = "postgresql://" + url.split("://", 1)[1]
    uvicorn.run(create_floor_app(dsn), host="127.0.0.1", port=port, log_level="warning")
