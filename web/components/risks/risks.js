// Risks, most severe first, filtered by severity, kind and team; each links to its node.
// State in the hash: #/risks?severity=HIGH&kind=BUDGET_OVERRUN&team=<id>
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { enumLabel } from "../../format.js";
import { nodeLink } from "../detail/detail.js";

const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
const KINDS = ["BUDGET_OVERRUN", "BUDGET_BURN", "SCHEDULE_SLIP", "OVERDUE_TASKS",
  "KEY_RESULT_OFF_TRACK", "STALE_CHECK_IN", "OVER_CAPACITY", "UNALIGNED_WORK",
  "CALENDAR_CONFLICT", "MISSING_EXCHANGE_RATE"];
const ICONS = { LOW: "◔", MEDIUM: "◑", HIGH: "◕", CRITICAL: "⬤" };

function select(name, text, options, all = "All") {
  return h("label.filter", {}, text, h("select", { name }, h("option", { value: "" }, all),
    options.map(([value, optionText]) => h("option", { value }, optionText))));
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
    this.list = h("div.risk-list", {});
    this.element = h("section.risks-view", {}, h("h1", {}, "Risks"), this.filters, this.list);
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
      const risks = await withLoading(this.list, api.risks(filter), "Finding risks…");
      this.render(risks);
    } catch (error) {
      clear(this.list, errorBox(error));
    }
  }

  render(risks) {
    if (!risks.nodes.length) {
      clear(this.list, empty("No risks match these filters. Lower the severity or clear a filter."));
      return;
    }
    const shown = risks.totalCount > risks.nodes.length
      ? `Showing the ${risks.nodes.length} most severe of ${risks.totalCount} risks.`
      : `${risks.totalCount} risk${risks.totalCount === 1 ? "" : "s"}.`;
    clear(this.list, h("p.summary", {}, shown), h("table.risk-table", {},
      h("thead", {}, h("tr", {}, ["Severity", "Kind", "What", "About", "Involves"].map((t) =>
        h("th", { scope: "col" }, t)))),
      h("tbody", {}, risks.nodes.map((risk) => h("tr", { dataset: { kind: risk.kind } },
        h("td", {}, h(`span.severity.severity-${risk.severity.toLowerCase()}`, {},
          h("span", { "aria-hidden": "true" }, ICONS[risk.severity]), " ", enumLabel(risk.severity))),
        h("td", {}, enumLabel(risk.kind)),
        h("td", {}, risk.message, risk.figures.length ? h("div.risk-figures", {},
          risk.figures.map((f) => `${f.name}: ${f.value}`).join(" · ")) : null),
        h("td", {}, nodeLink(risk.node)),
        h("td", {}, risk.related.slice(0, 4).map((node) => h("div", {}, nodeLink(node))),
          risk.related.length > 4 ? h("div", {}, `and ${risk.related.length - 4} more`) : null))))));
  }

  destroy() {}
}
