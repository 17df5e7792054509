"""The risks export: a row per risk, most severe first (as the API's `risks`), with the
node it is about, its message and figures, and the goals whose subtree it touches (the
goals it threatens, as the API's `under` filter reads them).

`severity` keeps risks at least that severe; `kinds`, `teams` and `under` select as the
API's `RiskFilter` does.
"""

from __future__ import annotations

from server.exports.columns import Item, Row, Rows, columns
from server.exports.criteria import Criteria
from server.exports.ids import global_id
from server.exports.source import Source
from server.read_model import Snapshot
from server.rollups.progress import NodeKey
from server.rollups.risks import Risk, RiskFilter

COLUMNS = columns(
    ("kind", "BUDGET_OVERRUN, BUDGET_BURN, SCHEDULE_SLIP, OVERDUE_TASKS, "
     "KEY_RESULT_OFF_TRACK, STALE_CHECK_IN, OVER_CAPACITY, UNALIGNED_WORK, "
     "CALENDAR_CONFLICT or MISSING_EXCHANGE_RATE."),
    ("severity", "LOW, MEDIUM, HIGH or CRITICAL."),
    ("node_type", "What the risk is about: Goal, KeyResult, Campaign, Task, Milestone, "
     "User or Team."),
    ("node_id", "Its global ID."),
    ("node", "Its title or name."),
    ("message", "The risk in a sentence."),
    ("goal_ids", "Global IDs of the goals whose subtree it touches, by ID."),
    ("goals", "Their titles, in the same order."),
    ("related_ids", "Global IDs of the other nodes involved (overdue tasks, the other "
     "campaign, ...)."),
    ("figures", "The figures it was found from: in CSV `name=value; ...`, in JSON lines "
     "an object."),
)  # fmt: skip


def risk_rows(source: Source, criteria: Criteria) -> Rows:
    found = source.rollups.risks(
        RiskFilter(
            severity=criteria.severity,
            kinds=criteria.risk_kinds,
            team_ids=criteria.teams,
            under=criteria.under,
        )
    )
    return (_row(source, risk) for risk in found)


def label(snapshot: Snapshot, key: NodeKey) -> str | None:
    model, pk = key
    row = snapshot.row(model, pk)
    if row is None:
        return None
    return getattr(row, "title", None) or getattr(row, "name", None)


def node_id(key: NodeKey) -> str:
    return global_id(key[0].__name__, key[1])


def _row(source: Source, risk: Risk) -> Row:
    engine = source.rollups
    above: set[int] = set()
    for key in risk.nodes:
        above |= engine.reach.goals_above(key)
    goals = sorted(above)
    figures = Item(
        {figure.name: figure.value for figure in risk.figures},
        "; ".join(f"{figure.name}={figure.value}" for figure in risk.figures),
    )
    return (
        risk.kind.value,
        risk.severity.value,
        risk.node[0].__name__,
        node_id(risk.node),
        label(source.snapshot, risk.node),
        risk.message,
        [global_id("Goal", pk) for pk in goals],
        [engine.graph.goals[pk].title for pk in goals],
        [node_id(key) for key in dict.fromkeys(risk.related)],
        figures,
    )
