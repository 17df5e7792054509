"""The goal tree export: a row per goal and key result, and per aligned campaign when
asked, in the depth-first order of `goalTreeFlat`, with the figures of each node.

The walk is the read model's flat tree (`server.flat_tree`), shared with the API; a
campaign supporting two key results is a row under each, with that alignment's share,
and its money is the whole campaign's (as `Campaign.money`), while a key result's and a
goal's come through the shares (as their `money`), in their native currency and in the
reporting currency (as `money.reporting`). Tasks are left out.
"""

from __future__ import annotations

from server.exports.columns import Row, Rows, columns
from server.exports.criteria import Criteria, ExportInputError
from server.exports.figures import (
    MONEY_COLUMNS,
    NO_PROGRESS,
    PROGRESS_COLUMNS,
    money_values,
    progress_values,
)
from server.exports.ids import global_id
from server.exports.reporting import REPORTING_COLUMNS, reporting_values
from server.exports.source import Source
from server.flat_tree import NodeKind, TreeRow, trees
from server.rollups.arithmetic import fraction
from server.selection import admits

PATH_SEPARATOR = " / "
TYPE_NAMES = {
    NodeKind.GOAL: "Goal",
    NodeKind.KEY_RESULT: "KeyResult",
    NodeKind.CAMPAIGN: "Campaign",
    NodeKind.TASK: "Task",
}

COLUMNS = (
    *columns(
        ("kind", "GOAL, KEY_RESULT or CAMPAIGN."),
        ("id", "The node's global ID, as the API's `node(id:)` takes it."),
        ("parent_id", "The node above: a goal's parent goal (empty at the top), a key "
         "result's goal, a campaign's key result."),
        ("depth", "Levels below the export's first row (0)."),
        ("path", "Titles from the top of the export (a top-level goal, or `root`) down to "
         "this node, joined by ' / '."),
        ("title", "The title; a campaign's name."),
        ("team", "The owner team's name (a key result's goal's)."),
        ("share", "For a campaign, the share of it allocated to the key result above."),
    ),
    *PROGRESS_COLUMNS,
    *MONEY_COLUMNS,
    *REPORTING_COLUMNS,
)  # fmt: skip


def tree_rows(source: Source, criteria: Criteria) -> Rows:
    tree = trees(source.snapshot).of(criteria.root)
    if criteria.root is not None and not tree.rows:
        raise ExportInputError("`root` names no goal that exists.", "root")
    return _rows(source, criteria, tree.rows)


def _rows(source: Source, criteria: Criteria, rows: list[TreeRow]) -> Rows:
    path: list[str] = []
    for row in rows:
        del path[row.depth :]
        path.append(row.title)
        if row.kind is NodeKind.TASK or (row.kind is NodeKind.CAMPAIGN and not criteria.campaigns):
            continue
        if admits(criteria.teams, row.team_id):
            yield _row(source, row, PATH_SEPARATOR.join(path))


def _row(source: Source, row: TreeRow, path: str) -> Row:
    engine = source.rollups
    if row.kind is NodeKind.GOAL:
        progress, money = engine.goal_progress(row.id), engine.goal_money(row.id)
    elif row.kind is NodeKind.KEY_RESULT:
        progress, money = engine.key_result_progress(row.id), engine.key_result_money(row.id)
    else:
        progress, money = engine.campaign_progress(row.id), engine.campaign_money(row.id)
    parent = (
        None
        if row.parent_id is None or row.parent_kind is None
        else global_id(TYPE_NAMES[row.parent_kind], row.parent_id)
    )
    return (
        row.kind.value,
        global_id(TYPE_NAMES[row.kind], row.id),
        parent,
        row.depth,
        path,
        row.title,
        row.team_name,
        None if row.share is None else fraction(row.share),
        *(NO_PROGRESS if progress is None else progress_values(progress)),
        *money_values(money),
        *reporting_values(money.total, source.thresholds.reporting_currency),
    )
