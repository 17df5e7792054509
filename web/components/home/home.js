// The overview after sign-in: the objectives' health, the most severe risks, this week's
// dated events and clashes, and what changed since the last visit.
import * as api from "../../api.js";
import { h, clear, empty, errorBox } from "../../dom.js";
import {
  count, date, dateTime, enumLabel, percent,
  plural, relativeTime,
} from "../../format.js";
import { loadRange } from "../calendar/calendar-data.js";
import { nodeLink } from "../detail/detail.js";
import { riskSentence } from "../risks/sentences.js";
import { healthBadge, progressBar } from "../tree/tree.js";
import { currentWeek, takeLastVisit } from "./visits.js";

const HEALTHS = ["OFF_TRACK", "AT_RISK", "ON_TRACK", "NOT_STARTED", "DONE"];
const LATEST = 8;

function section(name, title) {
  const body = h("div.home-body", {});
  const element = h(`section.home-card.home-card-${name}`, { "aria-labelledby": `home-${name}` },
    h("h2", { id: `home-${name}` }, title), body);
  return { element, body };
}

/** How many goals have each health, and each goal with its progress. */
function renderHealth(body, goals) {
  const byHealth = Object.fromEntries(HEALTHS.map((health) => [health, 0]));
  for (const goal of goals) byHealth[goal.health] = (byHealth[goal.health] ?? 0) + 1;
  if (!goals.length) {
    clear(body, empty("No objectives yet."));
    return;
  }
  clear(body,
    h("ul.home-health-counts", { "aria-label": "Top-level objectives by health" },
      HEALTHS.map((health) => h("li", { dataset: { health, count: String(byHealth[health]) } },
        healthBadge(health), h("strong.home-count", {}, count(byHealth[health]))))),
    h("ul.home-goals", {}, goals.map((goal) => h("li", { dataset: { health: goal.health } },
      h("a.node-link", { href: `#/goals/${encodeURIComponent(goal.id)}` }, goal.title),
      h("span.home-goal-figures", {},
        progressBar(goal.progress, `Progress of ${goal.title}`, goal.health), " ",
        percent(goal.progress), " ",
        healthBadge(goal.health))))));
}

function renderRisks(body, risks) {
  if (!risks.nodes.length) {
    clear(body, empty("No risks: nothing is off track, over budget or clashing."));
    return;
  }
  clear(body,
    h("ol.home-risks", {}, risks.nodes.map((risk) => h("li", {
      dataset: { severity: risk.severity, kind: risk.kind },
    }, h(`span.severity.severity-${risk.severity.toLowerCase()}`, {}, enumLabel(risk.severity)),
    " ", h("span.risk-sentence", {}, riskSentence(risk)), " ", nodeLink(risk.node)))),
    h("p", {}, h("a", { href: "#/risks" }, `All ${plural(risks.totalCount, "risk")}`)));
}

const MILESTONE_KINDS = ["LAUNCH", "RELEASE", "EVENT", "WEBINAR", "SALES_KICKOFF", "DEADLINE",
  "OTHER"];

/** Milestones and imported blocking days of the week, and the week's clash counts. */
function renderWeek(body, week, calendar) {
  const entries = calendar.entries.filter((entry) =>
    (MILESTONE_KINDS.includes(entry.kind) && entry.node?.__typename === "Milestone")
    || (entry.kind === "EXTERNAL" && entry.blocking));
  entries.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.title.localeCompare(b.title));
  const clashes = calendar.conflictGroups.reduce((sum, group) => sum + group.count, 0);
  const link = `#/calendar?view=week&date=${week.from}`;
  clear(body,
    h("p.summary", {}, `${date(week.from)} to ${date(week.to)}`),
    entries.length
      ? h("ul.home-week", {}, entries.map((entry) => h("li", {
        dataset: { kind: entry.kind, blocking: entry.blocking ? "true" : "false" },
      }, h("span.home-when", {}, date(entry.startDate)), " ",
      entry.node ? h("a", { href: `#/goals/${encodeURIComponent(entry.node.id)}` }, entry.title)
        : h("span", {}, entry.title),
      " ", h("span.home-kind", {}, entry.blocking ? "Blocking day" : enumLabel(entry.kind)))))
      : empty("No milestones and no blocking days this week."),
    h("p.home-clashes", { dataset: { count: String(clashes) } },
      clashes ? `${plural(clashes, "clash", "clashes")} this week` : "No clashes this week",
      calendar.conflictGroups.length ? ": " : ".",
      calendar.conflictGroups.map((group, i) => [i ? ", " : "",
        h("span", { dataset: { rule: group.rule, count: String(group.count) } },
          `${count(group.count)} ${enumLabel(group.rule).toLowerCase()}`)])),
    h("p", {}, h("a", { href: link }, "Open the week in the calendar")));
}

function changeText(change) {
  const fields = change.changes.map((c) => c.field).filter((f) => f !== "version");
  const what = enumLabel(change.action).toLowerCase();
  return fields.length && change.action === "UPDATED" ? `${what} ${fields.join(", ")}` : what;
}

function renderChanges(body, since, { total, changes }) {
  if (!since) {
    clear(body, empty("This is your first visit: what changes from now on will show here."));
    return;
  }
  clear(body,
    h("p.home-changes-summary", { dataset: { count: String(total) } },
      `${plural(total, "change")} since your last visit, `,
      h("time", { dateTime: since, title: dateTime(since) }, relativeTime(since))),
    changes.length
      ? h("ul.home-changes", {}, changes.slice(0, LATEST).map((change) => h("li", {},
        nodeLink(change.node), " ", h("span", {}, changeText(change)),
        change.actor ? ` by ${change.actor.name}` : "", " ",
        h("time", { dateTime: change.at, title: dateTime(change.at) }, relativeTime(change.at)))))
      : null);
}

export class HomeView {
  constructor() {
    this.title = "Overview";
    this.health = section("health", "Objectives' health");
    this.risks = section("risks", "Most severe risks");
    this.week = section("week", "This week");
    this.changes = section("changes", "Since your last visit");
    this.element = h("section.home-view", {},
      h("h1", { tabindex: "-1", "data-skip-target": "" }, "Overview"),
      h("div.home-grid", {}, this.health.element, this.risks.element, this.week.element,
        this.changes.element));
  }

  async show() {
    const user = api.currentUser();
    const since = takeLastVisit(user?.id);
    const week = currentWeek();
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    await Promise.all([
      this.fill(this.health.body, () => api.rootGoals(), (goals) =>
        renderHealth(this.health.body, goals.nodes)),
      this.fill(this.risks.body, () => api.risks({}, { first: 5 }), (risks) =>
        renderRisks(this.risks.body, risks)),
      this.fill(this.week.body, () => loadRange(week.from, week.to, timeZone, null), (cal) =>
        renderWeek(this.week.body, week, cal)),
      this.fill(this.changes.body, () => (since ? api.changesSince(since, LATEST) : { total: 0, changes: [] }), (changes) =>
        renderChanges(this.changes.body, since, changes)),
    ]);
  }

  /** One section: its own loading text and its own error, so one failure hides nothing else. */
  async fill(body, load, render) {
    if (!body.childElementCount) clear(body, h("p.loading", { role: "status" }, "Loading…"));
    try {
      render(await load());
    } catch (error) {
      clear(body, errorBox(error));
    }
  }

  destroy() {}
}
