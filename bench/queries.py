"""The GraphQL documents the workloads send."""

from __future__ import annotations

# Six fields on every node of the tree; campaigns appear under each key result they
# support, as the tree explorer shows them.
TREE_FIELDS = """
fragment Work on Goal {
  id title category periodEnd progress health
  keyResults(first: 100) { nodes {
    id title currentValue targetValue progress health
    campaigns(first: 100) { nodes {
      id name status endDate progress health
      tasks(first: 100) { nodes { id title status startDate dueDate estimateHours } }
    } }
  } }
}
"""

W1_NESTED = (
    TREE_FIELDS
    + """
query Tree($after: String) {
  goals(filter: {rootsOnly: true}, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ...Work children(first: 100) { nodes { ...Work children(first: 100) { nodes {
      ...Work children(first: 100) { nodes { ...Work } } } } } } }
  }
}
"""
)

W1_FLAT = """
query Flat($after: String) {
  goalTreeFlat(first: 10000, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id parentId kind depth title progress health }
  }
}
"""

W2_CALENDAR = """
query Quarter($from: Date!, $to: Date!, $teams: [ID!]) {
  calendar(from: $from, to: $to, filter: {teams: $teams, includeTasks: true}) {
    entries(first: 100) {
      totalCount
      nodes { id title kind startDate endDate color }
    }
  }
}
"""

W3_TRACE = """
query Trace($id: ID!) {
  trace(id: $id) { aligned paths { share objective { id title } nodes { id } } }
}
"""

W5_ROLLUPS = """
query Rollups($start: Date!, $end: Date!) {
  goals(filter: {rootsOnly: true}, first: 100) { nodes {
    id progress attainment expectedProgress health
    money { budget { amount } spendToDate { amount } projectedSpend { amount } roi }
  } }
  risks(first: 100) { totalCount nodes { kind severity message node { id } } }
  portfolio(period: {start: $start, end: $end}) {
    campaigns total { spendToDate { amount } roi }
  }
}
"""

TEAMS = "{ teams(first: 100) { nodes { id name } } }"

# W6: one node with two levels of edges (a campaign, the key results it supports with
# their goals, its first tasks with their assignees), as a detail view reads it.
W6_NODE = """
query Node($id: ID!) {
  node(id: $id) { id ... on Campaign { name status startDate endDate
    keyResults { nodes { id title goal { id title } } }
    tasks(first: 20) { nodes { id title assignee { id name } } } } }
}
"""
