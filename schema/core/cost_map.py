"""What fields cost beyond a page of nodes, field by field (`Type.field`).

The meter (`schema.core.limits`) counts the nodes an operation may return; a connection
counts its page. This map adds what the shape of the schema cannot tell: how long a list
that is not a connection may be, which fields read many more rows than they return,
and which read the whole organisation. A test holds the map to the schema, so a new list
or a new organisation-wide field gets a considered figure rather than a guess.
"""

from __future__ import annotations

from schema.rollups.fields import MAX_WORKLOAD_WEEKS
from server.calendar.conflicts import ConflictRule
from server.ingest.csv_import import MAX_ERRORS
from server.ingest.upsert import MAX_ENTRIES
from server.rollups.risks import Severity
from server.writes.alignments import MAX_ALIGNMENTS
from server.writes.org import MAX_TEAMS

LIST_ESTIMATE = 10
"""Objects counted for a short list of values (errors, figures, currencies)."""

VALUE_LISTS = frozenset(
    {
        "UserError",
        "FieldChange",
        "MetricTotal",
        "CurrencyMoney",
        "ChannelMoney",
        "CategoryMoney",
        "RiskFigure",
        "FunnelStage",  # one per configured stage (a handful)
        "FunnelStep",
        "Money",  # a funnel stage's currencies
    }
)
"""Lists of small computed values, each of them `LIST_ESTIMATE` long: they read nothing
beyond what their parent read."""

LIST_SIZES: dict[str, int] = {
    # Bounded when written.
    "Campaign.alignments": MAX_ALIGNMENTS,
    "User.teams": MAX_TEAMS,
    "Trace.paths": MAX_ALIGNMENTS,  # one path per alignment of the campaign traced through
    "Workload.weeks": MAX_WORKLOAD_WEEKS,
    "CampaignSpendUpsertPayload.spendEntries": MAX_ENTRIES,
    "CampaignResultUpsertPayload.resultEntries": MAX_ENTRIES,
    "KeyResultCheckInUpsertPayload.checkIns": MAX_ENTRIES,
    "Calendar.conflictGroups": len(ConflictRule) * len(Severity),  # one per rule and severity
    # Estimates: nothing bounds them but the data.
    "TracePath.nodes": 20,
    "WorkloadWeek.tasks": 50,
    "Risk.related": 50,
    "ProgressBreakdown.items": 50,
    "Calendar.conflicts": 100,
    "CalendarConflict.entries": 10,
    "CalendarEntry.objectives": 10,
    "Portfolio.byTeam": 60,
    "Portfolio.byChannel": LIST_ESTIMATE,
    "Portfolio.byCategory": LIST_ESTIMATE,
    "MoneySummary.byChannel": LIST_ESTIMATE,
    "Funnel.byChannel": LIST_ESTIMATE,
    "WebhookDelivery.attempts": 20,  # the retry limit's order, plus redeliveries
    "ReportingMoney.ratesUsed": 100,  # a rate per currency and day with entries
    "ReportingMoney.gaps": 20,
    "ExchangeRatesImportPayload.errors": MAX_ERRORS,
    "Query.fiscalPeriods": 100,  # years and quarters with work: 5 a year
    "KeyResultMeasurement.campaigns": 20,
    "KeyResultMeasurement.gaps": 50,
    "MeasuredCampaign.entries": 50,
    "Trace.movedKeyResults": MAX_ALIGNMENTS,  # one per alignment of the entry's campaign
}
"""Objects a list that is not a connection may hold, for each parent."""

TREE_WALK = 5000
"""Rows `goalTreeFlat` reads each time it runs, beyond its page: it walks the whole tree
(or subtree) to count it and to place the page."""

ROWS_READ: dict[str, int] = {"Query.goalTreeFlat": TREE_WALK}
"""Nodes counted each time a field runs, besides those it returns."""

ROLLUPS = "rollups"
RISKS = "risks"

ORGANISATION_WEIGHTS: dict[str, int] = {ROLLUPS: 2000, RISKS: 5000}
"""Nodes counted for a computation over the whole organisation: rollups (progress,
money, workload) read every goal, key result, campaign and task; risks run every rule
over all of them. A request computes each once, whichever fields ask, so each is counted
once per request."""

_PROGRESS = ("progress", "attainment", "expectedProgress", "health", "progressBreakdown", "money")

ORGANISATION_FIELDS: dict[str, str] = {
    **{f"Goal.{name}": ROLLUPS for name in _PROGRESS},
    **{f"KeyResult.{name}": ROLLUPS for name in _PROGRESS if name != "progressBreakdown"},
    **{
        f"Campaign.{name}": ROLLUPS
        for name in ("progress", "expectedProgress", "health", "progressBreakdown", "money")
    },
    **{f"KeyResult.{name}": ROLLUPS for name in ("currentValue", "measurement", "valueHistory")},
    "Trace.movedKeyResults": ROLLUPS,
    "Team.workload": ROLLUPS,
    "User.workload": ROLLUPS,
    "Query.portfolio": ROLLUPS,
    **{f"{owner}.healthDisagrees": ROLLUPS for owner in ("Goal", "KeyResult", "Campaign")},
    **{f"{owner}.funnel": ROLLUPS for owner in ("Query", "Goal", "KeyResult", "Campaign")},
    "Query.goalTreeFlat": ROLLUPS,
    **{
        f"{owner}.risks": RISKS
        for owner in ("Query", "Goal", "KeyResult", "Campaign", "Task", "Milestone", "Team", "User")
    },
}
"""Fields computed from the organisation's rollups or risks."""
