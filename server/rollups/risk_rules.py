"""The rules that find risks, one function per kind, over a request's `Rollups`.

Each rule reads live rows only and states its threshold in README, "Progress, health
and risk"; thresholds come from `Thresholds` (settings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from server import models
from server.calendar.conflicts import Conflict, ConflictRule, find_conflicts
from server.calendar.horizon import RISK_ZONE, horizon_span
from server.enums import CampaignStatus
from server.rollups import rows as r
from server.rollups.arithmetic import amount, cents, fraction
from server.rollups.carry import KEY_RESULT_SHAPE
from server.rollups.progress import CLOSED_CAMPAIGN, Health
from server.rollups.risks import Risk, RiskKind, Severity, figure, percent
from server.rollups.sections import CAMPAIGN_MONEY, Section
from server.rollups.workload import CLOSED_TASK, WEEK, Week, monday_of

if TYPE_CHECKING:
    from server.rollups.engine import Rollups

BEHIND = {Health.AT_RISK: Severity.MEDIUM, Health.OFF_TRACK: Severity.HIGH}


def _money(value: Decimal, currency: str) -> str:
    return f"{cents(value):,} {currency}"


def live_campaigns(rollups: Rollups) -> Iterator[r.CampaignRow]:
    return (c for c in rollups.graph.campaigns.values() if not c.archived)


def budget(rollups: Rollups) -> Iterator[Risk]:
    """Spend to date above budget (BUDGET_OVERRUN), or a running campaign whose burn
    rate projects past its budget (BUDGET_BURN); more than the critical overrun
    fraction over makes it one severity worse."""
    critical = rollups.thresholds.budget_critical_overrun
    for campaign in live_campaigns(rollups):
        if campaign.status == CampaignStatus.CANCELLED:
            continue
        money = rollups.campaign_money(campaign.id).total
        currency, planned = campaign.currency, campaign.budget
        spent, projected = money.spend.get(currency), money.projected.get(currency)
        key = (models.Campaign, campaign.id)
        if spent > planned:
            over = spent - planned
            severe = planned == 0 or over > planned * critical
            yield Risk(
                RiskKind.BUDGET_OVERRUN,
                Severity.CRITICAL if severe else Severity.HIGH,
                key,
                f"{campaign.name} has spent {_money(spent, currency)} of its "
                f"{_money(planned, currency)} budget.",
                (
                    figure("budget", cents(planned)),
                    figure("spendToDate", cents(spent)),
                    figure("overrun", cents(over)),
                    figure("currency", currency),
                ),
            )
            continue
        running = campaign.start_date <= rollups.today <= campaign.end_date
        if running and campaign.status not in CLOSED_CAMPAIGN and projected > planned:
            over = projected - planned
            severe = planned == 0 or over > planned * critical
            yield Risk(
                RiskKind.BUDGET_BURN,
                Severity.HIGH if severe else Severity.MEDIUM,
                key,
                f"At its current burn rate {campaign.name} will spend "
                f"{_money(projected, currency)} by {campaign.end_date.isoformat()}, "
                f"over its {_money(planned, currency)} budget.",
                (
                    figure("budget", cents(planned)),
                    figure("spendToDate", cents(spent)),
                    figure("projectedSpend", cents(projected)),
                    figure("projectedOverrun", cents(over)),
                    figure("currency", currency),
                ),
            )


def missing_exchange_rates(rollups: Rollups) -> Iterator[Risk]:
    """A live campaign with an amount no exchange rate converts into the reporting
    currency (no rate of its currency on or before its date): HIGH, since every figure
    above it in the reporting currency has no total until the rate is set."""
    for campaign in live_campaigns(rollups):
        reported = rollups.campaign_money(campaign.id).total.reported
        gaps = () if reported is None else reported.gaps
        if not gaps:
            continue
        first = gaps[0]
        more = f" (and {len(gaps) - 1} more)" if len(gaps) > 1 else ""
        yield Risk(
            RiskKind.MISSING_EXCHANGE_RATE,
            Severity.HIGH,
            (models.Campaign, campaign.id),
            f"{campaign.name} cannot be reported in {rollups.rates.reporting}: no "
            f"exchange rate for {first.currency} on or before {first.on.isoformat()}{more}.",
            (
                figure("currency", first.currency),
                figure("date", first.on.isoformat()),
                figure("missingRates", len(gaps)),
                figure("reportingCurrency", rollups.rates.reporting),
            ),
        )


def schedule(rollups: Rollups) -> Iterator[Risk]:
    """An open campaign whose task progress lags its dates (AT_RISK: MEDIUM, OFF_TRACK:
    HIGH), or that is past its end date with work still open (CRITICAL)."""
    for campaign in live_campaigns(rollups):
        if campaign.status in CLOSED_CAMPAIGN:
            continue
        progress = rollups.campaign_progress(campaign.id)
        if not progress.measured:
            continue
        ended = rollups.today > campaign.end_date and progress.progress < 1
        severity = Severity.CRITICAL if ended else BEHIND.get(progress.health)
        if severity is None:
            continue
        if ended:
            message = (
                f"{campaign.name} ended on {campaign.end_date.isoformat()} with "
                f"{percent(progress.progress)} of its work done."
            )
        else:
            message = (
                f"{campaign.name} has {percent(progress.progress)} of its work done, "
                f"{percent(progress.expected)} of its time is over."
            )
        yield Risk(
            RiskKind.SCHEDULE_SLIP,
            severity,
            (models.Campaign, campaign.id),
            message,
            (
                figure("progress", fraction(progress.progress)),
                figure("expectedProgress", fraction(progress.expected)),
                figure("endDate", campaign.end_date.isoformat()),
            ),
        )


def overdue_tasks(rollups: Rollups) -> Iterator[Risk]:
    """Open tasks past their due date, gathered on their campaign (else key result,
    else the task itself); HIGH from the configured number of tasks on."""
    graph, today = rollups.graph, rollups.today
    groups: dict[tuple, list[r.TaskRow]] = defaultdict(list)
    for task in graph.tasks.values():
        if task.status in CLOSED_TASK or task.due_date is None or task.due_date >= today:
            continue
        campaign = graph.campaigns.get(task.campaign_id) if task.campaign_id else None
        if campaign is not None and not campaign.archived:
            groups[(models.Campaign, campaign.id)].append(task)
        elif task.key_result_id and graph.key_result_live(task.key_result_id):
            groups[(models.KeyResult, task.key_result_id)].append(task)
        else:
            groups[(models.Task, task.id)].append(task)
    for key, tasks in groups.items():
        oldest = min(task.due_date for task in tasks)
        many = len(tasks) >= rollups.thresholds.overdue_tasks_high
        related = tuple((models.Task, t.id) for t in tasks if key != (models.Task, t.id))
        subject = _name_of(graph, key)
        count = "1 task is" if len(tasks) == 1 else f"{len(tasks)} tasks are"
        yield Risk(
            RiskKind.OVERDUE_TASKS,
            Severity.HIGH if many else Severity.MEDIUM,
            key,
            f"{count} overdue on {subject}, the oldest since {oldest.isoformat()}.",
            (
                figure("overdueTasks", len(tasks)),
                figure("oldestDueDate", oldest.isoformat()),
                figure("daysOverdue", (today - oldest).days),
            ),
            related,
        )


def _name_of(graph, key: tuple) -> str:
    model, pk = key
    if model is models.Campaign:
        return graph.campaigns[pk].name
    return (graph.key_results if model is models.KeyResult else graph.tasks)[pk].title


def live_key_results(rollups: Rollups) -> Iterator[r.KeyResultRow]:
    graph = rollups.graph
    return (kr for kr in graph.key_results.values() if graph.key_result_live(kr.id))


def key_results_off_track(rollups: Rollups) -> Iterator[Risk]:
    """Key results AT_RISK (MEDIUM) or OFF_TRACK (HIGH; CRITICAL once past due)."""
    return off_track_among(rollups, live_key_results(rollups))


def off_track_among(rollups: Rollups, key_results: Iterable[r.KeyResultRow]) -> Iterator[Risk]:
    for kr in key_results:
        progress = rollups.key_result_progress(kr.id)
        if progress.health not in (Health.AT_RISK, Health.OFF_TRACK):
            continue
        severity = BEHIND[progress.health]
        if progress.health == Health.OFF_TRACK and rollups.today > kr.due_date:
            severity = Severity.CRITICAL
        yield Risk(
            RiskKind.KEY_RESULT_OFF_TRACK,
            severity,
            (models.KeyResult, kr.id),
            f"{kr.title} is at {percent(progress.progress)} where "
            f"{percent(progress.expected)} was expected by now.",
            (
                figure("progress", fraction(progress.progress)),
                figure("expectedProgress", fraction(progress.expected)),
                figure("health", progress.health.value),
                figure("currentValue", _shown(rollups.key_result_value(kr.id))),
                figure("targetValue", amount(kr.target_value)),
            ),
        )


def stale_check_ins(rollups: Rollups) -> Iterator[Risk]:
    """Key results under way, not done, with no check-in for more than the configured
    days (counted from the period start when there is none), or whose latest status
    update is older than its own configured days; MEDIUM past twice either. One risk
    per key result, whichever of the two (or both) made it stale."""
    return stale_among(rollups, live_key_results(rollups))


def _shown(value: Decimal | None) -> Decimal | str:
    return "none" if value is None else amount(value)


def _stale_update(rollups: Rollups, last: date | None) -> tuple[int, bool] | None:
    """Days since the latest status update and whether past twice the threshold, when
    there is one older than the threshold. A node never updated is not stale by this
    measure: status updates are optional, and its check-ins (or progress) speak."""
    if last is None:
        return None
    days, stale = (rollups.today - last).days, rollups.thresholds.stale_status_update_days
    return (days, days > 2 * stale) if days > stale else None


def _update_figures(rollups: Rollups, last: date, days: int) -> tuple:
    return (
        figure("lastStatusUpdate", last.isoformat()),
        figure("daysSinceStatusUpdate", days),
        figure("statusUpdateStaleAfterDays", rollups.thresholds.stale_status_update_days),
    )


def stale_among(rollups: Rollups, key_results: Iterable[r.KeyResultRow]) -> Iterator[Risk]:
    """Measured key results are left out: their value comes from entries, not check-ins."""
    stale = rollups.thresholds.stale_check_in_days
    for kr in key_results:
        if kr.source.measured:
            continue
        start = rollups.graph.goals[kr.goal_id].period_start
        if rollups.today < start or rollups.key_result_progress(kr.id).health == Health.DONE:
            continue
        last = rollups.graph.last_check_in.get(kr.id)
        since = last.day if last else start
        days = (rollups.today - since).days
        updated = rollups.graph.last_key_result_update.get(kr.id)
        update = _stale_update(rollups, updated)
        if days <= stale and update is None:
            continue
        when = f"since {last.day.isoformat()}" if last else "since its period started"
        messages, figures = [], ()
        if days > stale:
            messages.append(f"no check-in {when} ({days} days)")
            figures = (
                figure("lastCheckIn", last.day.isoformat() if last else "never"),
                figure("daysSinceCheckIn", days),
                figure("staleAfterDays", stale),
            )
        severe = days > 2 * stale
        if update is not None and updated is not None:
            messages.append(f"no status update since {updated.isoformat()} ({update[0]} days)")
            figures += _update_figures(rollups, updated, update[0])
            severe = severe or update[1]
        yield Risk(
            RiskKind.STALE_CHECK_IN,
            Severity.MEDIUM if severe else Severity.LOW,
            (models.KeyResult, kr.id),
            f"{kr.title} has had {' and '.join(messages)}.",
            figures,
        )


def stale_goal_updates(rollups: Rollups) -> Iterator[Risk]:
    """Live goals under way, not done, whose latest status update is older than the
    configured days (STALE_CHECK_IN on the goal); MEDIUM past twice that."""
    graph = rollups.graph
    for goal_id, updated in sorted(graph.last_goal_update.items()):
        goal = graph.goals.get(goal_id)
        if goal is None or goal.archived or rollups.today < goal.period_start:
            continue
        update = _stale_update(rollups, updated)
        if update is None or rollups.goal_progress(goal_id).health == Health.DONE:
            continue
        yield Risk(
            RiskKind.STALE_CHECK_IN,
            Severity.MEDIUM if update[1] else Severity.LOW,
            (models.Goal, goal_id),
            f"{goal.title} has had no status update since {updated.isoformat()} "
            f"({update[0]} days).",
            _update_figures(rollups, updated, update[0]),
        )


def over_capacity(rollups: Rollups) -> Iterator[Risk]:
    """People and teams booked past their weekly capacity in the coming weeks (this
    week and the next ones, as configured); HIGH beyond the configured overload."""
    weeks = rollups.thresholds.capacity_weeks
    first = monday_of(rollups.today)
    last = first + WEEK * (weeks - 1)
    graph = rollups.graph
    people = [
        ((models.User, u.id), u.name, rollups.user_workload(u.id, first, last))
        for u in graph.users.values()
        if not u.archived and u.id in graph.tasks_of_assignee
    ]
    teams = [
        ((models.Team, t.id), t.name, rollups.team_workload(t.id, first, last))
        for t in graph.teams.values()
        if not t.archived and t.id in graph.tasks_of_team
    ]
    for key, name, load in people + teams:
        over = [week for week in load.weeks if week.overbooked]
        if not over:
            continue
        worst = max(over, key=_overload)
        severe = _overload(worst) > rollups.thresholds.capacity_high_overload
        yield Risk(
            RiskKind.OVER_CAPACITY,
            Severity.HIGH if severe else Severity.MEDIUM,
            key,
            f"{name} is booked for {cents(worst.booked)} hours in the week of "
            f"{worst.start.isoformat()} against a capacity of {cents(worst.capacity)}.",
            (
                figure("weekStart", worst.start.isoformat()),
                figure("capacityHours", cents(worst.capacity)),
                figure("bookedHours", cents(worst.booked)),
                figure("overbookedWeeks", len(over)),
            ),
            tuple((models.Task, b.task_id) for b in worst.bookings),
        )


def _overload(week: Week) -> Decimal:
    """Booked hours beyond capacity, as a fraction of capacity (no capacity: infinite)."""
    if week.capacity == 0:
        return Decimal("Infinity")
    return (week.booked - week.capacity) / week.capacity


def unaligned_work(rollups: Rollups) -> Iterator[Risk]:
    """Open campaigns supporting no live key result (MEDIUM), and open tasks on no
    campaign and no live key result (LOW): work that reaches no goal."""
    graph = rollups.graph
    for campaign in live_campaigns(rollups):
        if campaign.status in CLOSED_CAMPAIGN or rollups.campaign_aligned(campaign.id):
            continue
        yield Risk(
            RiskKind.UNALIGNED_WORK,
            Severity.MEDIUM,
            (models.Campaign, campaign.id),
            f"{campaign.name} supports no key result: its "
            f"{_money(campaign.budget, campaign.currency)} budget serves no goal.",
            (figure("budget", cents(campaign.budget)), figure("currency", campaign.currency)),
        )
    for task in graph.tasks.values():
        if task.status in CLOSED_TASK:
            continue
        campaign = graph.campaigns.get(task.campaign_id) if task.campaign_id else None
        on_campaign = campaign is not None and not campaign.archived
        on_key_result = task.key_result_id is not None and graph.key_result_live(task.key_result_id)
        if on_campaign or on_key_result:
            continue
        yield Risk(
            RiskKind.UNALIGNED_WORK,
            Severity.LOW,
            (models.Task, task.id),
            f"{task.title} belongs to no campaign and no key result.",
            (
                figure(
                    "estimateHours",
                    "none" if task.estimate_hours is None else amount(task.estimate_hours),
                ),
            ),
        )


NODE_MODELS = {"Campaign": models.Campaign, "Milestone": models.Milestone, "Task": models.Task}


def calendar_conflicts(rollups: Rollups) -> Iterator[Risk]:
    """Clashes from today through the year ahead, found by `server.calendar.conflicts`
    exactly as `calendar.conflicts` finds them: campaigns for the same audience on a
    shared channel (MEDIUM), crowded launch days (MEDIUM; HIGH beyond twice the allowed
    number), milestones and campaign starts during blocking imported events (HIGH for
    launches, releases and events, else MEDIUM). The subject is the first of the
    organisation's entries involved; the others are related."""
    entries = rollups.graph.rows(Section.CALENDAR)
    allowed = rollups.thresholds.launches_per_day
    for conflict in find_conflicts(entries, horizon_span(rollups.today), RISK_ZONE, allowed):
        nodes = [(NODE_MODELS[e.node_type], e.node_id) for e in conflict.entries if e.node_type]
        if not nodes:
            continue
        yield Risk(
            RiskKind.CALENDAR_CONFLICT,
            conflict.severity,
            nodes[0],
            conflict.message,
            _conflict_figures(conflict),
            tuple(dict.fromkeys(nodes[1:])),
        )


def _conflict_figures(conflict: Conflict) -> tuple:
    if conflict.rule == ConflictRule.CHANNEL_AUDIENCE_OVERLAP:
        return (
            figure("audience", conflict.audience),
            figure("channels", ", ".join(conflict.channels)),
            figure("overlapStart", conflict.start.isoformat()),
            figure("overlapEnd", conflict.end.isoformat()),
        )
    if conflict.rule == ConflictRule.CROWDED_DAY:
        return (
            figure("date", conflict.start.isoformat()),
            figure("launches", len(conflict.entries)),
            figure("allowedPerDay", conflict.allowed),
        )
    blocker = conflict.entries[-1]
    return (
        figure("date", conflict.start.isoformat()),
        figure("blockingEvent", blocker.title),
        figure("calendar", blocker.external_calendar_name or ""),
    )


RULE_READS: dict[str, tuple[Section | str, ...]] = {
    "budget": CAMPAIGN_MONEY,
    "schedule": (Section.CAMPAIGNS, Section.TASKS),
    "overdue_tasks": (Section.TASKS, Section.CAMPAIGNS, Section.GOALS, KEY_RESULT_SHAPE),
    "key_results_off_track": (
        Section.GOALS, Section.KEY_RESULTS, Section.CAMPAIGNS, Section.ALIGNMENTS,
        Section.SPEND, Section.RESULTS, Section.RATES,
    ),
    "stale_check_ins": (
        Section.GOALS, Section.KEY_RESULTS, Section.CHECK_INS, Section.STATUS_UPDATES,
    ),
    "stale_goal_updates": (Section.GOALS, Section.KEY_RESULTS, Section.STATUS_UPDATES),
    "over_capacity": (Section.TASKS, Section.USERS, Section.TEAMS, Section.MEMBERSHIPS),
    "unaligned_work": (
        Section.CAMPAIGNS, Section.ALIGNMENTS, Section.TASKS, Section.GOALS, KEY_RESULT_SHAPE,
    ),
    "calendar_conflicts": (Section.CALENDAR,),
    "missing_exchange_rates": CAMPAIGN_MONEY,
}  # fmt: skip
"""What each rule reads (through the engine's computations too): its risks are taken
over by the next engine when none of it changed (`server.rollups.carry`)."""

PER_KEY_RESULT: dict[str, Callable[[Rollups, Iterable[r.KeyResultRow]], Iterator[Risk]]] = {
    "key_results_off_track": off_track_among,
    "stale_check_ins": stale_among,
}
"""Rules whose risks are each about one key result and read nothing of the others: after
a write to a few key results or their check-ins, only theirs are found again."""

RULES = (
    budget,
    schedule,
    overdue_tasks,
    key_results_off_track,
    stale_check_ins,
    stale_goal_updates,
    over_capacity,
    unaligned_work,
    calendar_conflicts,
    missing_exchange_rates,
)
