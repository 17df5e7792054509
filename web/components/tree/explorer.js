// The goal tree explorer: search and filters, the tree, and the selected node's details.
// Its whole state is in the hash: #/goals/<id>?q=&team=&category=&health=&period=&trace=1
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, errorBox, withLoading } from "../../dom.js";
import { enumLabel, healthLabel } from "../../format.js";
import { GoalTree } from "./tree.js";
import { DetailPanel } from "../detail/detail.js";
import { exportControl } from "../export/export.js";
import { newGoalButton } from "../forms/actions.js";

const CATEGORIES = ["REVENUE", "BRAND_AWARENESS", "LEAD_GENERATION", "CUSTOMER_RETENTION",
  "MARKET_SHARE", "PRODUCT_ADOPTION", "OTHER"];
const HEALTHS = ["ON_TRACK", "AT_RISK", "OFF_TRACK", "NOT_STARTED", "DONE"];

function periods() {
  const year = new Date().getFullYear();
  const range = (key, text, start, end) => ({ key, text, start: `${year}-${start}`,
    end: `${year}-${end}` });
  return [
    range("year", `${year}`, "01-01", "12-31"),
    range("h1", `H1 ${year}`, "01-01", "06-30"),
    range("h2", `H2 ${year}`, "07-01", "12-31"),
    range("q1", `Q1 ${year}`, "01-01", "03-31"),
    range("q2", `Q2 ${year}`, "04-01", "06-30"),
    range("q3", `Q3 ${year}`, "07-01", "09-30"),
    range("q4", `Q4 ${year}`, "10-01", "12-31"),
  ];
}

function select(name, text, options) {
  return h("label.filter", {}, text,
    h("select", { name }, h("option", { value: "" }, "All"),
      options.map(([value, optionText]) => h("option", { value }, optionText))));
}

export class GoalExplorer {
  constructor() {
    this.title = "Goals";
    this.tree = new GoalTree();
    this.detail = new DetailPanel();
    this.search = h("input", { type: "search", name: "q", placeholder: "Search goals, key results, campaigns, tasks",
      "aria-label": "Search" });
    this.filters = h("form.filters", { role: "search", onsubmit: (e) => e.preventDefault() },
      h("label.filter.grow", {}, "Search", this.search),
      select("team", "Team", []),
      select("category", "Category", CATEGORIES.map((c) => [c, enumLabel(c)])),
      select("health", "Health", HEALTHS.map((value) => [value, healthLabel(value)])),
      select("period", "Period", periods().map((p) => [p.key, p.text])));
    this.summary = h("p.summary", { "aria-live": "polite" });
    // The whole tree (of the team filtered on) with its campaigns and figures.
    this.exporter = exportControl("tree", () => {
      const team = router.parse().params.team;
      return { campaigns: "true", ...(team ? { teams: team } : {}) };
    }, "Export the tree");
    this.treeBox = h("div.tree-box", {}, this.tree.element);
    this.element = h("section.explorer", {},
      h("h1.visually-hidden", {}, "Goal tree"),
      this.filters,
      h("div.split", {}, h("div.tree-pane", {}, this.exporter, this.summary, this.treeBox),
        this.detail.element));
    this.loadedKey = null;
    this.teamsLoading = null;

    let typing;
    this.search.addEventListener("input", () => {
      clearTimeout(typing);
      typing = setTimeout(() => router.patch({ q: this.search.value.trim() }, { replace: true }), 250);
    });
    this.filters.addEventListener("change", (event) => {
      if (event.target.name === "q") return;
      router.patch({ [event.target.name]: event.target.value });
    });
    this.tree.element.addEventListener("select", (event) => {
      const place = router.parse();
      const params = { ...place.params };
      delete params.trace;
      router.navigate({ view: "goals", id: event.detail.id, params });
    });
    this.detail.element.addEventListener("trace", () => router.patch({ trace: "1" }));
    // A create, edit, archive or undo (components/forms): load the tree again.
    this.element.addEventListener("tree-changed", () => { this.loadedKey = null; });
    newGoalButton(this.exporter.parentElement);
    this.detail.element.addEventListener("changed", (event) => {
      this.tree.updateNode(event.detail.id, event.detail.changes);
    });
  }

  loadTeams() {
    this.teamsLoading ??= api.teams().then((teams) => {
      const teamSelect = this.filters.elements.team;
      for (const team of teams) teamSelect.append(h("option", { value: team.id }, team.name));
    }).catch((error) => {
      this.teamsLoading = null;
      throw error;
    });
    return this.teamsLoading;
  }

  async show(place) {
    const { params } = place;
    try {
      await this.loadTeams();
    } catch (error) {
      clear(this.treeBox, errorBox(error));
      return;
    }
    if (document.activeElement !== this.search) this.search.value = params.q ?? "";
    for (const name of ["team", "category", "health", "period"]) {
      this.filters.elements[name].value = params[name] ?? "";
    }
    const key = JSON.stringify([params.q, params.team, params.category, params.health,
      params.period]);
    if (key !== this.loadedKey) {
      this.loadedKey = key;
      await this.loadRoots(params);
    }
    this.tree.setSelected(place.id);
    await this.detail.show(place.id);
    if (place.id && params.trace === "1") await this.traceSelected(place.id);
    else this.tree.clearHighlight();
  }

  async loadRoots(params) {
    this.treeBox.replaceChildren(this.tree.element);
    try {
      let nodes;
      let text;
      if (params.q) {
        nodes = await withLoading(this.tree.element, api.searchTree(params.q), "Searching…");
        text = `${nodes.length} match${nodes.length === 1 ? "" : "es"} for “${params.q}”`;
      } else {
        const filter = {};
        if (params.team) filter.teams = [params.team];
        if (params.category) filter.categories = [params.category];
        const period = periods().find((p) => p.key === params.period);
        if (period) filter.periodOverlaps = { start: period.start, end: period.end };
        const page = await withLoading(this.tree.element, api.rootGoals(filter), "Loading goals…");
        nodes = page.nodes;
        const filtered = Object.keys(filter).length > 0;
        text = filtered ? `${nodes.length} goals match the filters`
          : `${nodes.length} company objectives`;
        if (page.totalCount > nodes.length) text += ` (first ${nodes.length} of ${page.totalCount})`;
      }
      if (params.health) {
        nodes = nodes.filter((node) => node.health === params.health);
        text += `, ${nodes.length} ${healthLabel(params.health).toLowerCase()}`;
      }
      this.summary.textContent = text;
      this.tree.setRoots(nodes, params.q
        ? "Nothing matches. Try fewer or other words, or clear the search."
        : "No goals match these filters. Clear a filter to see more.");
    } catch (error) {
      this.summary.textContent = "";
      clear(this.treeBox, errorBox(error));
    }
  }

  async traceSelected(id) {
    const result = await this.detail.showTrace(id);
    if (!result) return;
    if (router.parse().params.q || router.parse().params.team || router.parse().params.category
      || router.parse().params.period || router.parse().params.health) {
      this.detail.noteTrace("Clear the search and filters to see the paths in the tree.");
      return;
    }
    await this.tree.highlight(result.paths);
  }

  destroy() {
    this.detail.destroy();
  }
}
