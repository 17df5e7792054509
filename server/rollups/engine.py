"""`Rollups`: every computation over one consistent set of rows.

One engine serves every request at a data version (`shared.py`); results are memoised,
so a tree of fields, and every later request, costs one pass.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property

from server import models
from server.bounded_lru import BoundedLRU
from server.currency.rates import RateTable
from server.enums import Channel, ResultMetric
from server.measured.measure import Measurement, measure
from server.measured.money import ThroughReporting
from server.rollups.arithmetic import ZERO
from server.rollups.funnel import FunnelReport, Tally, add_campaign, report
from server.rollups.graph import OrgGraph
from server.rollups.money import MoneySummary, campaign_money, total_of
from server.rollups.portfolio import Portfolio, portfolio
from server.rollups.progress import GoalProgress, NodeKey, Progress, campaign_progress
from server.rollups.reach import Reach
from server.rollups.risk_index import (
    RiskChanges,
    RiskIndexes,
    by_node,
    risk_changes,
    updated_index,
    updated_order,
)
from server.rollups.risk_rules import RULES
from server.rollups.risks import Risk, RiskFilter, ordered
from server.rollups.sections import CAMPAIGN_MONEY, PROGRESS, Section
from server.rollups.workload import Workload, workload
from server.selection import admits, admits_any, chosen
from server.settings import Thresholds

CAMPAIGN_PROGRESS = (Section.CAMPAIGNS, Section.TASKS)
MONEY = (*PROGRESS, *CAMPAIGN_MONEY, Section.ALIGNMENTS)
WORKLOAD = (Section.TASKS, Section.USERS, Section.MEMBERSHIPS)
PORTFOLIO = (*MONEY, Section.TEAMS)
RISKS = tuple(Section)


PORTFOLIO_PERIODS = 32
FUNNELS = 4096
"""Funnels kept per engine (node, period, stages and channel), least recently asked
forgotten first; none is carried to the next engine (`carry.py`): each is one pass
over the results of its node's campaigns."""
FunnelKey = tuple[NodeKey | None, date, date, tuple[ResultMetric, ...], Channel | None]


class Rollups:
    def __init__(self, graph: OrgGraph, today: date, thresholds: Thresholds) -> None:
        self.graph, self.today, self.thresholds = graph, today, thresholds
        self._measures: dict[int, Measurement] = {}
        self._goal_progress = GoalProgress(graph, today, thresholds, self.key_result_value)
        self._campaign_progress: dict[int, Progress] = {}
        self._campaign_money: dict[int, MoneySummary] = {}
        self._key_result_money: dict[int, MoneySummary] = {}
        self._goal_money: dict[int, MoneySummary] = {}
        self._goal_shares: dict[int, dict[int, Decimal]] = {}
        self._portfolios: BoundedLRU[tuple[date, date], Portfolio] = BoundedLRU(
            PORTFOLIO_PERIODS, PORTFOLIO_PERIODS, lambda _: 1
        )
        self._funnels: BoundedLRU[FunnelKey, FunnelReport] = BoundedLRU(
            FUNNELS, FUNNELS, lambda _: 1
        )
        self.reach = Reach(graph)
        self.rule_risks: dict[str, list[Risk]] = {}
        """Each risk rule's risks, by the rule's name, as found (or taken over)."""
        self.rule_goals: dict[str, list[frozenset[int]]] = {}
        """For each rule, the goals above each of its risks' nodes, in its risks' order."""
        self._risks_before: RiskIndexes | None = None

    def memos(self) -> dict[str, dict]:
        """The memos a later engine may take over (`server.rollups.carry`)."""
        return {
            "goal_progress": self._goal_progress.goals,
            "key_result_progress": self._goal_progress.key_results,
            "campaign_progress": self._campaign_progress,
            "campaign_money": self._campaign_money,
            "key_result_money": self._key_result_money,
            "goal_money": self._goal_money,
            "goal_shares": self._goal_shares,
            "key_result_measures": self._measures,
        }

    def portfolios(self) -> list[tuple[tuple[date, date], Portfolio]]:
        """The periods' portfolios computed so far, least recently asked first."""
        return self._portfolios.items()

    def seed_portfolios(self, entries: list[tuple[tuple[date, date], Portfolio]]) -> None:
        for period, found in entries:
            self._portfolios.put(period, found)

    def risk_indexes(self) -> RiskIndexes | None:
        """Every risk in order, by goal and by node, once all are built (else None)."""
        built = self.__dict__
        if not all(name in built for name in ("all_risks", "_risks_under", "_risks_by_node")):
            return None
        return RiskIndexes(
            dict(self.rule_risks),
            dict(self.rule_goals),
            built["all_risks"],
            built["_risks_under"],
            built["_risks_by_node"],
        )

    def seed_risks(self, before: RiskIndexes) -> None:
        """Update `before`'s risk lists instead of building them, when few risks changed
        (`server.rollups.risk_index`); only while nodes stay under the same goals."""
        self._risks_before = before

    def seed(self, memo: str, entries: dict) -> None:
        """Take over `entries` of the memo named `memo` (before the engine is shared)."""
        self.memos()[memo].update(entries)

    def compute_organisation(self) -> None:
        """Compute now what is computed over the whole organisation: every goal's
        progress, and every risk when every section is there. The fields then only look
        results up or add entries to memo dicts; this runs on a worker thread before
        the engine is shared, as nothing may read it meanwhile."""
        graph = self.graph
        if all(graph.has(section) for section in PROGRESS):
            for goal_id in graph.goals:
                self.goal_progress(goal_id)
        if all(graph.has(section) for section in RISKS):
            self._risks_under  # noqa: B018 (every risk, indexed by goal above and by node)
            self._risks_by_node  # noqa: B018

    # --- progress and health ---------------------------------------------------------

    def key_result_progress(self, key_result_id: int) -> Progress:
        return self._goal_progress.key_result(key_result_id)

    def goal_progress(self, goal_id: int) -> Progress:
        return self._goal_progress.goal(goal_id)

    # --- measured key results --------------------------------------------------------

    def key_result_measurement(self, key_result_id: int) -> Measurement | None:
        """How a measured key result's value is computed; None for a typed one."""
        kr = self.graph.key_results.get(key_result_id)
        if kr is None or not kr.source.measured:
            return None
        found = self._measures.get(key_result_id)
        if found is None:
            graph = self.graph
            found = self._measures[key_result_id] = measure(
                kr,
                graph.goals.get(kr.goal_id),
                graph.alignments_of_key_result.get(key_result_id, []),
                graph.campaigns,
                graph.results_of,
                graph.spend_of,
                self.today,
                ThroughReporting(self.rates),
                self.thresholds.reporting_currency,
            )
        return found

    def key_result_value(self, key_result_id: int) -> Decimal | None:
        """The current value: computed for a measured key result (None when it has
        none), else the value of its latest check-in."""
        kr = self.graph.key_results[key_result_id]
        measurement = self.key_result_measurement(key_result_id)
        return kr.current_value if measurement is None else measurement.value

    def campaign_progress(self, campaign_id: int) -> Progress:
        if campaign_id not in self._campaign_progress:
            self._campaign_progress[campaign_id] = campaign_progress(
                self.graph.campaigns[campaign_id],
                self.graph.tasks_of_campaign.get(campaign_id, []),
                self.today,
                self.thresholds,
            )
        return self._campaign_progress[campaign_id]

    # --- money and results -----------------------------------------------------------

    @cached_property
    def rates(self) -> RateTable:
        """The exchange rates into the reporting currency (`thresholds`), as of this
        engine's data version: what every converted figure and the metrics use."""
        return RateTable(self.thresholds.reporting_currency, self.graph.rate_rows)

    def campaign_money(self, campaign_id: int) -> MoneySummary:
        if campaign_id not in self._campaign_money:
            graph = self.graph
            self._campaign_money[campaign_id] = campaign_money(
                graph.campaigns[campaign_id],
                [row.channel for row in graph.channels_of.get(campaign_id, [])],
                graph.spend_of.get(campaign_id, []),
                graph.results_of.get(campaign_id, []),
                self.today,
                rates=self.rates,
            )
        return self._campaign_money[campaign_id]

    def key_result_money(self, key_result_id: int) -> MoneySummary:
        """Each supporting campaign's figures times the share it allocates here."""
        if key_result_id not in self._key_result_money:
            self._key_result_money[key_result_id] = self._money_of(
                self._key_result_shares(key_result_id)
            )
        return self._key_result_money[key_result_id]

    def goal_money(self, goal_id: int) -> MoneySummary:
        """Each campaign supporting the goal's subtree times the sum of its shares there:
        a campaign aligned 60/40 to two key results of the subtree counts once, whole."""
        if goal_id not in self._goal_money:
            self._goal_money[goal_id] = self._money_of(self.campaign_shares(goal_id))
        return self._goal_money[goal_id]

    def campaign_shares(self, goal_id: int) -> dict[int, Decimal]:
        """{campaign: the part of it that serves the goal} over the goal's live subtree
        (each live key result once; cyclic data cut)."""
        if goal_id not in self._goal_shares:
            self._goal_shares[goal_id] = {}  # a cycle back here adds nothing
            shares: dict[int, Decimal] = {}
            parts = [
                self._key_result_shares(kr.id)
                for kr in self.graph.live_key_results_of.get(goal_id, [])
            ]
            parts += [
                self.campaign_shares(child.id)
                for child in self.graph.live_children.get(goal_id, [])
            ]
            for part in parts:
                for campaign_id, share in part.items():
                    shares[campaign_id] = shares.get(campaign_id, ZERO) + share
            self._goal_shares[goal_id] = shares
        return self._goal_shares[goal_id]

    def _key_result_shares(self, key_result_id: int) -> dict[int, Decimal]:
        alignments = self.graph.alignments_of_key_result.get(key_result_id, [])
        return {a.campaign_id: a.share for a in alignments}

    def _money_of(self, shares: dict[int, Decimal]) -> MoneySummary:
        return total_of((self.campaign_money(c), share) for c, share in sorted(shares.items()))

    def portfolio(self, start: date, end: date) -> Portfolio:
        """The period's portfolio, computed once per period for this engine (so once per
        data version and day): every request after the first at that version looks it
        up. At most `PORTFOLIO_PERIODS` periods are kept, the least recently asked
        forgotten first."""
        found = self._portfolios.get((start, end))
        if found is None:
            found = portfolio(self, start, end)
            self._portfolios.put((start, end), found)
        return found

    # --- funnels ---------------------------------------------------------------------

    def funnel(
        self,
        node: NodeKey | None,
        start: date,
        end: date,
        stages: tuple[ResultMetric, ...],
        channel: Channel | None = None,
    ) -> FunnelReport:
        """The funnel of a campaign, key result or goal (`node`), or of the portfolio
        (None), from results dated start..end up to today (`server.rollups.funnel`)."""
        key: FunnelKey = (node, start, end, stages, channel)
        found = self._funnels.get(key)
        if found is None:
            found = report(
                self._funnel_tally(node, start, min(end, self.today), stages), stages, channel
            )
            self._funnels.put(key, found)
        return found

    def _funnel_tally(
        self, node: NodeKey | None, start: date, end: date, stages: tuple[ResultMetric, ...]
    ) -> Tally:
        graph = self.graph
        if node is None:
            shares = {c.id: Decimal(1) for c in graph.campaigns.values() if not c.archived}
        elif node[0] is models.Campaign:
            shares = {node[1]: Decimal(1)} if node[1] in graph.campaigns else {}
        elif node[0] is models.KeyResult:
            shares = self._key_result_shares(node[1])
        else:
            shares = self.campaign_shares(node[1]) if node[1] in graph.goals else {}
        tally: Tally = {}
        wanted = frozenset(stages)
        for campaign_id, share in sorted(shares.items()):
            add_campaign(
                tally,
                graph.campaigns[campaign_id],
                [row.channel for row in graph.channels_of.get(campaign_id, [])],
                graph.results_of.get(campaign_id, []),
                share,
                start,
                end,
                wanted,
            )
        return tally

    # --- workload --------------------------------------------------------------------

    def user_capacity(self, user_id: int) -> Decimal:
        user = self.graph.users.get(user_id)
        return Decimal(0) if user is None or user.archived else user.weekly_capacity_hours

    def team_capacity(self, team_id: int) -> Decimal:
        """Each member's capacity divided by the number of teams they are on."""
        return sum(
            (
                self.user_capacity(user_id) / len(self.graph.teams_of[user_id])
                for user_id in self.graph.members_of.get(team_id, [])
            ),
            Decimal(0),
        )

    def user_workload(self, user_id: int, start: date, end: date) -> Workload:
        tasks = self.graph.tasks_of_assignee.get(user_id, [])
        return workload(tasks, self.user_capacity(user_id), start, end, self.thresholds)

    def team_workload(self, team_id: int, start: date, end: date) -> Workload:
        tasks = self.graph.tasks_of_team.get(team_id, [])
        return workload(tasks, self.team_capacity(team_id), start, end, self.thresholds)

    # --- risks -----------------------------------------------------------------------

    @cached_property
    def all_risks(self) -> list[Risk]:
        """Every risk of the organisation, most severe first."""
        self._find_rule_risks()
        changes = self._risk_changes
        if changes is not None and self._risks_before is not None:
            return updated_order(self._risks_before.ordered, changes)
        return ordered(risk for rule in RULES for risk in self.rule_risks[rule.__name__])

    def _find_rule_risks(self) -> None:
        for rule in RULES:
            if rule.__name__ not in self.rule_risks:
                self.rule_risks[rule.__name__] = list(rule(self))

    @cached_property
    def _risk_changes(self) -> RiskChanges | None:
        """The risks that went and came since the engine before, when few did."""
        if self._risks_before is None:
            return None
        self._find_rule_risks()
        return risk_changes(self._risks_before, self.rule_risks, self._goals_of_rule)

    def campaign_aligned(self, campaign_id: int) -> bool:
        return any(
            self.graph.key_result_live(a.key_result_id)
            for a in self.graph.alignments_of_campaign.get(campaign_id, [])
        )

    def risks(self, criteria: RiskFilter) -> list[Risk]:
        found = self.all_risks
        if criteria.under is not None:
            found = self._risks_under.get(criteria.under, [])
        if criteria.severity is not None:
            found = [r for r in found if r.severity.rank >= criteria.severity.rank]
        if criteria.kinds is not None:
            found = [r for r in found if admits(criteria.kinds, r.kind)]
        if criteria.team_ids is not None:
            teams = chosen(criteria.team_ids)
            found = [
                r for r in found if any(admits_any(teams, self.reach.teams_of(k)) for k in r.nodes)
            ]
        return found

    def risks_involving(self, key: NodeKey) -> list[Risk]:
        """Risks about a node or naming it among the nodes involved; for a goal, every
        risk touching its subtree."""
        if key[0] is models.Goal:
            return self.risks(RiskFilter(under=key[1]))
        return self._risks_by_node.get(key, [])

    def _goals_of_rule(self, rule: str) -> list[frozenset[int]]:
        found = self.rule_goals.get(rule)
        if found is None:
            goals_above = self.reach.goals_above
            found = self.rule_goals[rule] = [
                frozenset().union(*(goals_above(key) for key in risk.nodes))
                for risk in self.rule_risks[rule]
            ]
        return found

    @cached_property
    def _risks_under(self) -> dict[int, list[Risk]]:
        """For each goal, the risks touching its subtree, most severe first."""
        ordered_risks = self.all_risks
        changes = self._risk_changes
        if changes is not None and self._risks_before is not None:
            return updated_index(self._risks_before.under, changes.removed, changes.added)
        goals_of: dict[int, frozenset[int]] = {}
        for rule, risks in self.rule_risks.items():
            for risk, goals in zip(risks, self._goals_of_rule(rule), strict=True):
                goals_of[id(risk)] = goals
        index: dict[int, list[Risk]] = {}
        for risk in ordered_risks:
            for goal_id in goals_of[id(risk)]:
                index.setdefault(goal_id, []).append(risk)
        return index

    @cached_property
    def _risks_by_node(self) -> dict[NodeKey, list[Risk]]:
        changes = self._risk_changes
        if changes is not None and self._risks_before is not None:
            return updated_index(
                self._risks_before.by_node, by_node(changes.removed), by_node(changes.added)
            )
        index: dict[NodeKey, list[Risk]] = {}
        for risk in self.all_risks:
            for key in dict.fromkeys(risk.nodes):
                index.setdefault(key, []).append(risk)
        return index
