// Risks, most severe first, filtered by severity, kind and team; each links to its node.
// State in the hash: #/risks?severity=HIGH&kind=BUDGET_OVERRUN&team=<id>
// Counts by severity at the top; pages of 50 with "Show more".
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { count, enumLabel } from "../../format.js";
import { nodeLink } from "../detail/detail.js";
import { riskSentence } from "./sentences.js";

const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
const KINDS = ["BUDGET_OVERRUN", "BUDGET_BURN", "SCHEDULE_SLIP", "OVERDUE_TASKS",
  "KEY_RESULT_OFF_TRACK", "STALE_CHECK_IN", "OVER_CAPACITY", "UNALIGNED_WORK",
  "CALENDAR_CONFLICT", "MISSING_EXCHANGE_RATE"];
const ICONS = { LOW: "◔", MEDIUM: "◑", HIGH: "◕", CRITICAL: "⬤" };
const PAGE = 50;

function select(name, text, options, all = "All") {
  return h("label.filter", {}, text, h("select", { name }, h("option", { value: "" }, all),
    options.map(([value, optionText]) => h("option", { value }, optionText))));
}

function severityBadge(severity) {
  return h(`span.severity.severity-${severity.toLowerCase()}`, {},
    h("span", { "aria-hidden": "true" }, ICONS[severity]), " ", enumLabel(severity));
}

function riskRow(risk) {
  return h("tr", { dataset: { kind: risk.kind, severity: risk.severity } },
    h("td", {}, severityBadge(risk.severity)),
    h("td", {}, enumLabel(risk.kind)),
    h("td.risk-sentence", {}, riskSentence(risk)),
    h("td", {}, nodeLink(risk.node)),
    h("td", {}, risk.related.slice(0, 4).map((node) => h("div", {}, nodeLink(node))),
      risk.related.length > 4 ? h("div", {}, `and ${count(risk.related.length - 4)} more`) : null));
}

export class RisksView {
  constructor() {
    this.title = "Risks";
    this.filters = h("form.filters", { onsubmit: (e) => e.preventDefault() },
      select("severity", "At least", SEVERITIES.map((s) => [s, enumLabel(s)]), "Any severity"),
      select("kind", "Kind", KINDS.map((k) => [k, enumLabel(k)])),
      select("team", "Team", []));
    this.filters.addEventListener("change", (event) => {
      router.patch({ [event.target.name]: event.target.value });
    });
    this.counts = h("ul.risk-counts", { "aria-label": "Risks by severity" });
    this.list = h("div.risk-list", {});
    this.element = h("section.risks-view", {}, h("h1", {}, "Risks"), this.filters, this.counts,
      this.list);
    this.teamsLoaded = false;
  }

  async show({ params }) {
    try {
      if (!this.teamsLoaded) {
        const teams = await api.teams();
        for (const team of teams) {
          this.filters.elements.team.append(h("option", { value: team.id }, team.name));
        }
        this.teamsLoaded = true;
      }
      for (const name of ["severity", "kind", "team"]) {
        this.filters.elements[name].value = params[name] ?? "";
      }
      const filter = {};
      if (params.severity) filter.severity = params.severity;
      if (params.kind) filter.kinds = [params.kind];
      if (params.team) filter.teams = [params.team];
      this.filter = filter;
      const risks = await withLoading(this.list, api.risks(filter, { first: PAGE }),
        "Finding risks…");
      this.render(risks);
    } catch (error) {
      clear(this.list, errorBox(error));
    }
  }

  renderCounts(counts) {
    clear(this.counts, [...SEVERITIES].reverse().map((severity) => h("li", {
      dataset: { severity, count: String(counts[severity]) },
    }, severityBadge(severity), h("span.risk-count", {}, count(counts[severity])))));
  }

  render(risks) {
    this.renderCounts(risks.counts);
    if (!risks.nodes.length) {
      clear(this.list, empty("No risks match these filters. Lower the severity or clear a filter."));
      return;
    }
    this.summary = h("p.summary", { "aria-live": "polite" });
    this.items = h("tbody", {});
    const table = h("table.risk-table", {},
      h("thead", {}, h("tr", {}, ["Severity", "Kind", "What", "About", "Involves"].map((t) =>
        h("th", { scope: "col" }, t)))), this.items);
    this.more = h("button.secondary.more-risks", { type: "button" }, "Show more risks");
    this.more.addEventListener("click", () => this.loadMore());
    clear(this.list, this.summary, table, this.more);
    this.total = risks.totalCount;
    this.append(risks);
  }

  append(page) {
    this.items.append(...page.nodes.map(riskRow));
    this.after = page.pageInfo.endCursor;
    const shown = this.items.children.length;
    this.summary.textContent = shown < this.total
      ? `Showing the ${count(shown)} most severe of ${count(this.total)} risks.`
      : `${count(this.total)} risk${this.total === 1 ? "" : "s"}.`;
    this.more.hidden = !page.pageInfo.hasNextPage;
  }

  async loadMore() {
    this.more.disabled = true;
    try {
      const first = this.items.children.length;
      this.append(await api.risks(this.filter, { first: PAGE, after: this.after }));
      this.items.children[first]?.querySelector("a")?.focus();
    } catch (error) {
      this.list.append(errorBox(error));
    } finally {
      this.more.disabled = false;
    }
  }

  destroy() {}
}
