// The selected node: its figures, check-in chart, linked items, risks, trace and the
// edit form the signed-in user may use. Sends `trace` (the user asked for the paths) and
// `changed` (detail: {id, changes}) after a successful edit.
import * as api from "../../api.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import {
  count, currencyAmount, date, datesInText, enumLabel, kindLabel, label, measure, money, number,
  percent, roiText,
} from "../../format.js";
import { healthBadge, progressBar, teamChip } from "../tree/tree.js";
import { breakdownBars, checkInChart } from "../chart/checkins.js";
import { editForm } from "./edit.js";
import { statusBlock } from "../status/status.js";
import { addHistoryTab } from "./history.js";
import { nodeActions } from "../forms/actions.js";
import { budgetChart } from "../money/budget-chart.js";
import { pagedList } from "./paged.js";

export function nodeLink(node) {
  return h("a.node-link", { href: `#/goals/${encodeURIComponent(node.id)}` },
    h("span.kind", { "data-kind": node.__typename }, kindLabel(node.__typename)), " ",
    label(node));
}

function figures(rows) {
  return h("dl.figures", {}, rows.filter(Boolean).map(([term, value, testid]) => [
    h("dt", {}, term), h("dd", { dataset: testid ? { figure: testid } : {} }, value),
  ]));
}

function moneyRows(summary) {
  if (!summary) return [];
  if (!summary.currency && summary.byCurrency.length > 1) {
    return [...summary.byCurrency.map((c) => [`Spend of budget (${c.currency})`,
      `${currencyAmount(c.spendToDate, c.currency)} of `
      + `${c.budget == null ? "no budget" : currencyAmount(c.budget, c.currency)}`]),
      ...reportingRows(summary.reporting)];
  }
  return [
    ["Budget", money(summary.budget), "budget"],
    ["Spend to date", money(summary.spendToDate), "spend"],
    ["Projected spend", money(summary.projectedSpend), "projected"],
    ["Leads", count(summary.leads), "leads"],
    ["Cost per lead", money(summary.costPerLead)],
    ["ROI", roiText(summary), "roi"],
  ];
}

// Mixed currencies converted into the reporting currency, with the rates behind them and
// any rate still missing (a figure it blocks shows "—", never a partial sum).
function reportingRows(reported) {
  if (!reported) return [];
  const code = reported.currency;
  const rates = reported.ratesUsed.map((r) => `${r.currency} ${r.rate} (${r.date})`);
  return [
    [`Budget in ${code}`, money(reported.budget), "reporting-budget"],
    [`Spend to date in ${code}`, money(reported.spendToDate), "reporting-spend"],
    [`Projected spend in ${code}`, money(reported.projectedSpend)],
    [`Cost per lead in ${code}`, money(reported.costPerLead)],
    [`ROI in ${code}`, reported.roi == null ? "—" : percent(reported.roi), "reporting-roi"],
    rates.length ? ["Exchange rates used", rates.length > 4
      ? `${rates.slice(0, 4).join(", ")} and ${rates.length - 4} more` : rates.join(", ")] : null,
    ...reported.gaps.map((gap) => ["Missing exchange rate", gap.message, "reporting-gap"]),
  ];
}

function section(title, ...content) {
  return h("section.block", {}, h("h3", {}, title), content);
}

function linkList(nodes, emptyText) {
  if (!nodes.length) return empty(emptyText);
  return h("ul.links", {}, nodes.map((node) => h("li", {}, nodeLink(node))));
}

const linkItem = (node) => h("li", {}, nodeLink(node));

/** An aligned campaign or key result with the share of the alignment. */
const shareItem = (suffix) => (edge) => h("li", {}, nodeLink(edge.node),
  ` (${percent(edge.share)}${suffix})`);

export function riskItem(risk) {
  return h("li", {},
    h(`span.severity.severity-${risk.severity.toLowerCase()}`, {}, enumLabel(risk.severity)), " ",
    h("span.risk-kind", {}, enumLabel(risk.kind)), ": ", datesInText(risk.message), " ",
    nodeLink(risk.node));
}

const BARS_SHOWN = 12;

/** The first dozen tasks' bars, saying how many there are, and a button for the rest
 * (the breakdown comes whole with the campaign: nothing more to ask the API). */
function taskBars(items) {
  if (items.length <= BARS_SHOWN) return breakdownBars(items);
  const bars = breakdownBars(items.slice(0, BARS_SHOWN));
  const count = h("p.list-count", { dataset: { testid: "list-count" } },
    `Showing ${BARS_SHOWN} of ${items.length} tasks`);
  const button = h("button.secondary.show-more", { type: "button", onclick: () => {
    const rest = breakdownBars(items.slice(BARS_SHOWN));
    const added = [...rest.children];
    bars.append(...added);
    count.remove();
    button.remove();
    added[0].tabIndex = -1;
    added[0].focus();
  } }, `Show all ${items.length} tasks`);
  return h("div.paged-list", { dataset: { list: "task progress" } }, bars, count, button);
}

export function canWrite(node, user) {
  if (node.viewerCan) return node.viewerCan.update; // the server's answer
  if (!user || user.role === "VIEWER") return false;
  if (user.role === "ADMIN") return true;
  const mine = new Set(user.teams.map((team) => team.id));
  // The teams the server's permission policy counts as owners (server/permissions.py).
  const owners = [node.ownerTeam, node.goal?.ownerTeam, node.team];
  if (node.__typename === "Task" || node.__typename === "Milestone") {
    owners.push(node.campaign?.ownerTeam, node.keyResult?.goal?.ownerTeam);
  }
  if (owners.some((team) => team && mine.has(team.id))) return true;
  return node.__typename === "Task" && node.assignee?.id === user.id;
}

export class DetailPanel {
  constructor() {
    this.element = h("aside.detail", { "aria-label": "Selected node", "aria-live": "polite" });
    this.body = h("div.detail-body", {});
    this.traceBox = h("div.trace", { dataset: { testid: "trace" } });
    this.element.append(this.body);
    this.id = null;
    this.cleanup = [];
    this.showEmpty();
  }

  showEmpty() {
    clear(this.body, h("div.placeholder", {},
      h("h2", {}, "Nothing selected"),
      h("p", {}, "Pick a goal, key result, campaign or task in the tree to see its figures, "
        + "history, linked work and risks. Use the arrow keys to move through the tree.")));
    clear(this.traceBox);
  }

  async show(id, { force = false, notice = null } = {}) {
    if (!id) {
      this.id = null;
      this.showEmpty();
      return;
    }
    if (id === this.id && !force) return;
    if (id !== this.id) clear(this.traceBox);
    this.id = id;
    this.destroyCharts();
    try {
      const node = await withLoading(this.body, api.nodeDetail(id), "Loading details…");
      if (this.id !== id) return;
      if (!node) {
        clear(this.body, errorBox(new Error("This item no longer exists or was archived.")));
        return;
      }
      this.node = node;
      this.render(node, notice);
    } catch (error) {
      clear(this.body, errorBox(error));
    }
  }

  async reload(notice) {
    await this.show(this.id, { force: true, notice });
  }

  render(node, notice) {
    const parts = [
      h("p.kind-line", {}, h("span.kind", { "data-kind": node.__typename },
        kindLabel(node.__typename)), teamChip(node.ownerTeam ?? node.goal?.ownerTeam ?? node.team)),
      h("h2", { dataset: { testid: "detail-title" } }, label(node)),
    ];
    if (notice) parts.push(h("p.notice", { role: "status" }, notice));
    if (node.description) parts.push(h("p.description", {}, node.description));
    if (node.progress != null) {
      parts.push(h("p.headline", {}, progressBar(node.progress, "Progress", node.health),
        h("strong", { dataset: { figure: "progress" } }, percent(node.progress)),
        " done, ", percent(node.expectedProgress), " expected ", healthBadge(node.health)));
    }
    parts.push(statusBlock(node, { canPost: canWrite(node, api.currentUser()) }));
    parts.push(h("p.actions", {}, h("button", { type: "button", onclick: () =>
      this.element.dispatchEvent(new CustomEvent("trace")) }, "Trace to objectives")),
    this.traceBox);
    const render = {
      Goal: () => this.renderGoal(node),
      KeyResult: () => this.renderKeyResult(node),
      Campaign: () => this.renderCampaign(node),
      Task: () => this.renderTask(node),
    }[node.__typename];
    parts.push(render ? render() : empty("No details for this kind of item."));
    parts.push(budgetChart(node));
    if (canWrite(node, api.currentUser())) {
      const form = editForm(node, {
        saved: (changes, message) => {
          this.element.dispatchEvent(new CustomEvent("changed",
            { detail: { id: node.id, changes } }));
          this.reload(message);
        },
        conflict: (message) => this.reload(message),
      });
      if (form) parts.push(section("Change", form));
    } else {
      parts.push(h("p.hint", {}, api.currentUser()?.role === "VIEWER"
        ? "Viewers can read everything but change nothing."
        : "You can change only the work of your teams and tasks assigned to you."));
    }
    parts.push(nodeActions(node, (message) => this.reload(message)));
    if (node.risks) {
      parts.push(section(`Risks (${node.risks.totalCount})`, this.paged(node, "risks", "risks",
        riskItem, { list: "ul.risks", emptyText: "No risks found here." })));
    }
    clear(this.body, parts);
    addHistoryTab(this.body, node.id);
  }

  /** The list `name` of `node`, paged through the API (see paged.js). */
  paged(node, name, noun, item, options = {}) {
    return pagedList({ connection: node[name], item, noun, ...options,
      older: api.readsBackwards(node.__typename, name),
      more: (cursor) => api.detailListMore(node.id, node.__typename, name, cursor) });
  }

  renderGoal(goal) {
    return [
      figures([
        ["Category", enumLabel(goal.category)],
        ["Period", `${date(goal.periodStart)} – ${date(goal.periodEnd)}`],
        ["Attainment", percent(goal.attainment), "attainment"],
        ["Owner", goal.owner?.name ?? "—"],
        ["Weight", number(goal.weight)],
        ...moneyRows(goal.money),
      ]),
      section("Progress breakdown", goal.progressBreakdown.items.length
        ? breakdownBars(goal.progressBreakdown.items)
        : empty("No key results or child goals measure this goal yet.")),
      section("Linked items",
        goal.parent ? h("p", {}, "Serves ", nodeLink(goal.parent)) : h("p", {}, "Top-level objective"),
        goal.children.totalCount || goal.keyResults.totalCount
          ? [this.paged(goal, "children", "child goals", linkItem),
            this.paged(goal, "keyResults", "key results", linkItem)]
          : empty("No child goals or key results yet.")),
    ];
  }

  renderKeyResult(kr) {
    const chart = checkInChart(kr);
    this.cleanup.push(() => chart.destroy());
    const unit = { unit: kr.unit === "PERCENT" ? "%" : null,
      currency: kr.unit === "CURRENCY" ? kr.currency : null };
    return [
      figures([
        ["Current value", measure(kr.currentValue, unit), "current"],
        ["Source", kr.source.kind === "MANUAL" ? "Check-ins"
          : `Measured from its campaigns' results: ${kr.source.formula}`, "source"],
        ["Start → target", `${measure(kr.startValue, unit)} → ${measure(kr.targetValue, unit)}`],
        ["Attainment", percent(kr.attainment), "attainment"],
        ["Due", date(kr.dueDate)],
        ["Goal", nodeLink({ __typename: "Goal", ...kr.goal })],
        ["Owner", kr.owner?.name ?? "—"],
        ...moneyRows(kr.money),
      ]),
      section(kr.source.kind === "MANUAL" ? "Check-in history" : "Value history", chart.element,
        kr.measurement?.reason ? h("p.hint", {}, kr.measurement.reason) : null,
        ...(kr.measurement?.gaps ?? []).map((gap) => h("p.hint", {}, gap.message)),
        kr.checkIns.totalCount ? h("details", {},
          h("summary", {}, `All check-ins (${kr.checkIns.totalCount})`),
          this.paged(kr, "checkIns", "check-ins", (c) => h("li", {},
            `${measure(c.value, unit)} · ${date(c.checkedInAt)}`,
            c.author ? ` · ${c.author.name}` : "", c.note ? ` · ${c.note}` : ""),
          { list: "ul.checkins" })) : null),
      section("Linked items",
        this.paged(kr, "campaigns", "campaigns", shareItem(" of the campaign"),
          { emptyText: "No campaigns support it yet." }),
        this.paged(kr, "tasks", "tasks", linkItem)),
    ];
  }

  renderCampaign(campaign) {
    return [
      figures([
        ["Status", enumLabel(campaign.status)],
        ["Dates", `${date(campaign.startDate)} – ${date(campaign.endDate)}`],
        ["Channels", campaign.channels.map(enumLabel).join(", ") || "—"],
        ["Audience", campaign.audience || "—"],
        ["Owner", campaign.owner?.name ?? "—"],
        ...moneyRows(campaign.money),
      ]),
      section("Progress by task", campaign.progressBreakdown.items.length
        ? taskBars(campaign.progressBreakdown.items)
        : empty("No tasks yet: add tasks to measure this campaign.")),
      section("Serves",
        this.paged(campaign, "keyResults", "key results", shareItem(""),
          { emptyText: "Supports no key result: unaligned work." })),
      section("Tasks and milestones",
        campaign.tasks.totalCount || campaign.milestones.totalCount
          ? [this.paged(campaign, "tasks", "tasks", linkItem),
            this.paged(campaign, "milestones", "milestones", linkItem)]
          : empty("No tasks yet.")),
    ];
  }

  renderTask(task) {
    return [
      figures([
        ["Status", enumLabel(task.status), "status"],
        ["Assignee", task.assignee?.name ?? "Nobody", "assignee"],
        ["Dates", `${date(task.startDate)} – ${date(task.dueDate)}`],
        ["Estimate", task.estimateHours == null ? "—" : `${number(task.estimateHours)} h`],
      ]),
      section("Linked items", linkList([task.campaign, task.keyResult].filter(Boolean),
        "On no campaign and no key result: unaligned work.")),
    ];
  }

  /** Show every path from the node to the top; returns the trace for the tree. */
  async showTrace(id) {
    try {
      const result = await withLoading(this.traceBox, api.trace(id), "Tracing…");
      if (!result) {
        clear(this.traceBox, errorBox(new Error("Nothing to trace: the item no longer exists.")));
        return null;
      }
      const objectives = new Set(result.paths.map((path) => path.objective.id));
      clear(this.traceBox, h("h3", {}, "Trace to objectives"),
        result.aligned
          ? h("p", {}, `${result.paths.length} path${result.paths.length === 1 ? "" : "s"} `
            + `to ${objectives.size} objective${objectives.size === 1 ? "" : "s"}.`)
          : h("p.warning", {}, "Unaligned: this work reaches no objective."),
        h("ol.paths", {}, result.paths.map((path) => h("li", { dataset: { testid: "trace-path" } },
          h("ol.path", {}, path.nodes.slice().reverse().map((node) => h("li", {}, nodeLink(node)))),
          h("p.path-share", {}, `Carries ${percent(path.share)} of its money and results to `,
            h("strong", {}, path.objective.title))))));
      return result;
    } catch (error) {
      clear(this.traceBox, errorBox(error));
      return null;
    }
  }

  noteTrace(text) {
    this.traceBox.append(h("p.hint", {}, text));
  }

  destroyCharts() {
    for (const destroy of this.cleanup.splice(0)) destroy();
  }

  destroy() {
    this.destroyCharts();
  }
}
