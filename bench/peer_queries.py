"""The GraphQL documents sent to the peer: PostGraphile 5's schema for our tables.

PostGraphile names its fields after the tables and foreign keys (`allGoals`,
`goalsByParentId`, `keyResultByKeyResultId`, the primary key as `rowId`) and computes
nothing: where Throughline answers computed fields (progress, health), the peer reads
stored columns instead, the same number of fields per object. Archived rows are left
out with `archivedAt: {isNull: true}`, as Throughline leaves them out.
"""

from __future__ import annotations

import base64
import json
from collections import Counter

from schema.core.ids import decode_opaque

LIVE = "archivedAt: {isNull: true}"

# W1: six fields per object; campaigns under each key result they support (through
# the alignment rows), tasks under their campaign.
TREE_FIELDS = f"""
fragment Work on Goal {{
  id title category periodEnd periodStart weight
  keyResultsByGoalId(first: 100, filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC) {{ nodes {{
    id title currentValue targetValue dueDate weight
    alignmentsByKeyResultId(first: 100, filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC) {{
      nodes {{ campaignByCampaignId {{
        id name status endDate startDate budget
        tasksByCampaignId(first: 100, filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC) {{ nodes {{
          id title status startDate dueDate estimateHours
        }} }}
      }} }}
    }}
  }} }}
}}
"""

CHILDREN = f"goalsByParentId(first: 100, filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC)"

W1_TREE = (
    TREE_FIELDS
    + f"""
query Tree($after: Cursor) {{
  allGoals(filter: {{parentId: {{isNull: true}}, {LIVE}}}, first: 100, after: $after,
           orderBy: PRIMARY_KEY_ASC) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ ...Work {CHILDREN} {{ nodes {{ ...Work {CHILDREN} {{ nodes {{
      ...Work {CHILDREN} {{ nodes {{ ...Work }} }} }} }} }} }} }}
  }}
}}
"""
)

# W2: PostGraphile has no calendar. The closest equivalent: the campaigns, milestones
# and dated tasks of the two teams overlapping the quarter, each list ordered by start
# and cut at 100; the client merges them and keeps the first 100. As in the calendar,
# cancelled campaigns and tasks are left out, and a task belongs to its own team, else
# its campaign's, else its key result's goal's.
W2_ENTRIES = f"""
query Quarter($from: Date!, $to: Date!, $teams: [Int!]) {{
  allCampaigns(first: 100, orderBy: [START_DATE_ASC, PRIMARY_KEY_ASC], filter: {{
    {LIVE}, ownerTeamId: {{in: $teams}}, startDate: {{lessThanOrEqualTo: $to}},
    endDate: {{greaterThanOrEqualTo: $from}}, status: {{notEqualTo: "CANCELLED"}}
  }}) {{ totalCount nodes {{ id name startDate endDate status ownerTeamId }} }}
  allMilestones(first: 100, orderBy: [START_DATE_ASC, PRIMARY_KEY_ASC], filter: {{
    {LIVE}, teamId: {{in: $teams}}, startDate: {{lessThanOrEqualTo: $to}},
    or: [{{endDate: {{greaterThanOrEqualTo: $from}}}},
         {{endDate: {{isNull: true}}, startDate: {{greaterThanOrEqualTo: $from}}}}]
  }}) {{ totalCount nodes {{ id title startDate endDate kind teamId }} }}
  allTasks(first: 100, orderBy: [DUE_DATE_ASC, PRIMARY_KEY_ASC], filter: {{
    {LIVE}, status: {{notEqualTo: "CANCELLED"}},
    dueDate: {{greaterThanOrEqualTo: $from, lessThanOrEqualTo: $to}},
    or: [{{teamId: {{in: $teams}}}},
         {{teamId: {{isNull: true}}, campaignByCampaignId: {{ownerTeamId: {{in: $teams}}}}}},
         {{teamId: {{isNull: true}}, campaignId: {{isNull: true}},
           keyResultByKeyResultId: {{goalByGoalId: {{ownerTeamId: {{in: $teams}}}}}}}}]
  }}) {{ totalCount nodes {{ id title dueDate status teamId }} }}
}}
"""

# W3: the trace of a task: its campaign's aligned key results (or its own key result)
# and every goal above them, four goal levels as deep as the organisations go.
GOAL_UP = "goalByGoalId { id title goalByParentId { id title goalByParentId { id title goalByParentId { id title } } } }"  # noqa: E501

W3_TRACE = f"""
query Trace($id: Int!) {{
  taskByRowId(rowId: $id) {{
    id
    keyResultByKeyResultId {{ id {GOAL_UP} }}
    campaignByCampaignId {{
      alignmentsByCampaignId(filter: {{{LIVE}}}) {{ nodes {{
        share keyResultByKeyResultId {{ id {GOAL_UP} }}
      }} }}
    }}
  }}
}}
"""

# W6: the same campaign detail; the key results through the alignment rows.
W6_NODE = f"""
query Node($id: Int!) {{
  campaignByRowId(rowId: $id) {{ id name status startDate endDate
    alignmentsByCampaignId(filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC) {{ nodes {{
      keyResultByKeyResultId {{ id title goalByGoalId {{ id title }} }} }} }}
    tasksByCampaignId(first: 20, filter: {{{LIVE}}}, orderBy: PRIMARY_KEY_ASC) {{ nodes {{
      id title appUserByAssigneeId {{ id name }} }} }} }}
}}
"""

# W4 reads, the peer's side of bench/load.py's READS.
READS = {
    "goal page": "{ allGoals(first: 20, filter: {archivedAt: {isNull: true}}) "
    "{ totalCount nodes { id title periodEnd category } } }",
    "task search": """{ allTasks(first: 20, filter: {archivedAt: {isNull: true},
        status: {in: ["TODO", "IN_PROGRESS"]}, or: [{title: {includesInsensitive: "a"}},
        {description: {includesInsensitive: "a"}}]})
        { totalCount nodes { id title campaignByCampaignId { name } } } }""",
    "trace": W3_TRACE,
    "calendar": """query($from: Date!, $to: Date!) {
        allCampaigns(first: 50, orderBy: START_DATE_ASC, filter: {archivedAt: {isNull: true},
          startDate: {lessThanOrEqualTo: $to}, endDate: {greaterThanOrEqualTo: $from}})
          { totalCount nodes { id name startDate } }
        allMilestones(first: 50, orderBy: START_DATE_ASC, filter: {archivedAt: {isNull: true},
          startDate: {lessThanOrEqualTo: $to, greaterThanOrEqualTo: $from}})
          { totalCount nodes { id title startDate } } }""",
}


# The peer names types after tables: users live in `app_user`.
PEER_TYPE_NAMES = {"AppUser": "User"}


def peer_type(node_id: str) -> str | None:
    """The table type of a PostGraphile node ID: base64 of JSON ["Goal", 1]."""
    try:
        value = json.loads(base64.b64decode(node_id))
    except ValueError:
        return None
    if not isinstance(value, list) or not value:
        return None
    return PEER_TYPE_NAMES.get(value[0], value[0])


def throughline_type(node_id: str) -> str | None:
    """The type of a Throughline global ID: base64 of "Goal:1"."""
    text = decode_opaque(node_id)
    return text.split(":", 1)[0] if text and ":" in text else None


def count_objects(data: object, type_of) -> Counter:
    """Objects with an `id` anywhere in an answer, by type; each distinct ID once per
    place it appears (a campaign under two key results counts twice, as it is sent twice).
    """
    found: Counter = Counter()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            node_id = item.get("id")
            if isinstance(node_id, str):
                found[type_of(node_id) or "?"] += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def describe(counts: Counter) -> str:
    """'739 (Goal 30, KeyResult 80, ...)' in a fixed order."""
    parts = ", ".join(f"{name} {counts[name]}" for name in sorted(counts))
    return f"{sum(counts.values())} ({parts})"
