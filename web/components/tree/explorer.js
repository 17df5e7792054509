// The goal tree explorer: search and filters, the tree, and the selected node's details.
// Its whole state is in the hash: #/goals/<id>?q=&team=&category=&health=&period=&trace=1
// On a phone the filters fold behind a button and the details open as a full-screen
// sheet with a Back button; arriving at a node from a link opens the tree down to it.
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

// A fiscal period as the filter shows it: "FY2027" for a year, "FY2027-Q1 · Apr – Jun 2026"
// for a quarter (fiscal years are named after the year they end in).
function periodText(period) {
  if (period.kind !== "QUARTER") return period.name;
  const month = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleString(undefined,
    { month: "short", timeZone: "UTC" });
  return `${period.name} · ${month(period.start)} – ${month(period.end)} ${period.end.slice(0, 4)}`;
}

function select(name, text, options) {
  return h("label.filter", {}, text,
    h("select", { name }, h("option", { value: "" }, "All"),
      options.map(([value, optionText]) => h("option", { value }, optionText))));
}

/** Whether the detail already shows every changed field's new value (a change this
 * page made itself and reloaded after). A change naming no field shown is not. */
function alreadyShown(node, change) {
  const compared = (change.changes ?? []).filter(({ field }) => node && field in node);
  return compared.length > 0 && compared.every(({ field, after }) => {
    const shown = node[field];
    const value = shown && typeof shown === "object" && "id" in shown ? shown.id : shown;
    return String(value ?? "") === String(after ?? "");
  });
}

/** Whether any field of the form differs from what it was drawn with. */
function typedInto(form) {
  return [...form.elements].some((field) => {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT" && !field.multiple) {
      const drawn = [...field.options].findIndex((option) => option.defaultSelected);
      return field.options.length > 0 && field.selectedIndex !== Math.max(drawn, 0);
    }
    if (field.tagName === "SELECT") {
      return [...field.options].some((option) => option.selected !== option.defaultSelected);
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  });
}

export class GoalExplorer {
  constructor() {
    this.title = "Goals";
    this.tree = new GoalTree();
    this.detail = new DetailPanel();
    this.search = h("input", { type: "search", name: "q", placeholder: "Search goals, key results, campaigns, tasks",
      "aria-label": "Search" });
    this.filterToggle = h("button.secondary.filter-toggle", { type: "button",
      "aria-expanded": "false", "aria-controls": "goal-filters" }, "Filters");
    this.filterToggle.addEventListener("click", () => {
      const open = this.filterToggle.getAttribute("aria-expanded") !== "true";
      this.filterToggle.setAttribute("aria-expanded", String(open));
    });
    this.filters = h("form.filters", { role: "search", onsubmit: (e) => e.preventDefault() },
      h("label.filter.grow", {}, "Search", this.search),
      this.filterToggle,
      h("div.filter-more", { id: "goal-filters" },
        select("team", "Team", []),
        select("category", "Category", CATEGORIES.map((c) => [c, enumLabel(c)])),
        select("health", "Health", HEALTHS.map((value) => [value, healthLabel(value)])),
        select("period", "Period", [])));
    this.summary = h("p.summary", { "aria-live": "polite" });
    // The whole tree (of the team filtered on) with its campaigns and figures.
    this.exporter = exportControl("tree", () => {
      const team = router.parse().params.team;
      return { campaigns: "true", ...(team ? { teams: team } : {}) };
    }, "Export the tree");
    this.treeBox = h("div.tree-box", {}, this.tree.element);
    const heads = ["Title", "Team", "Progress", "Health", "Spend of budget"];
    this.treeHead = h("div.tree-head", { "aria-hidden": "true" }, heads.map((text, index) =>
      h(`span.cell${index === 4 ? ".cell-budget" : ""}`, {}, text)));
    this.back = h("button.secondary.sheet-back", { type: "button" }, "← Back to the tree");
    this.back.addEventListener("click", () => this.closeSheet());
    this.sheet = h("div.detail-sheet", {}, h("div.sheet-bar", {}, this.back), this.detail.element);
    this.element = h("section.explorer", {},
      h("h1.visually-hidden", {}, "Goal tree"),
      this.filters,
      h("div.split", {}, h("div.tree-pane", {}, this.exporter, this.summary, this.treeHead,
        this.treeBox),
        this.sheet));
    this.phone = window.matchMedia("(max-width: 700px)");
    this.loadedKey = null;
    this.teamsLoading = null;
    this.periodsLoading = null;
    this.periodNames = new Set();

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
      this.openedFromTree = true;
      router.navigate({ view: "goals", id: event.detail.id, params });
    });
    this.detail.element.addEventListener("trace", () => router.patch({ trace: "1" }));
    // A create, edit, archive or undo (components/forms): load the tree again.
    this.element.addEventListener("tree-changed", () => { this.loadedKey = null; });
    newGoalButton(this.exporter.parentElement);
    this.detail.element.addEventListener("changed", (event) => {
      this.tree.updateNode(event.detail.id, event.detail.changes);
    });
    // Someone else's change (web/live.js): its row and, if selected, the detail panel.
    this.onLive = (event) => this.liveChange(event.detail);
    this.onResync = () => this.detail.reload();
    document.addEventListener("throughline:changed", this.onLive);
    document.addEventListener("throughline:resync", this.onResync);
  }

  liveChange(change) {
    const shown = this.tree.items().find((li) => li.dataset.id === change.nodeId)?.node;
    if (shown) {
      const fields = {};
      for (const { field, after } of change.changes ?? []) {
        if (field in shown && typeof shown[field] === typeof after) fields[field] = after;
      }
      this.tree.updateNode(change.nodeId, fields);
    }
    if (!this.detail.id || this.detail.id !== change.nodeId) return;
    if (alreadyShown(this.detail.node, change)) return; // e.g. this page's own save
    // A form the user has typed into holds their words: offer the reload instead (a stale
    // save is refused with CONFLICT and reloads anyway).
    if (![...this.detail.element.querySelectorAll("form")].some(typedInto)) {
      this.detail.reload();
    } else if (!this.detail.element.querySelector(".live-notice")) {
      this.detail.body.prepend(h("p.live-notice", { role: "status" },
        "This was changed elsewhere. ",
        h("button.secondary", { type: "button", onclick: () => this.detail.reload() }, "Reload")));
    }
  }

  // The periods holding work, from the server: its fiscal years and their quarters.
  loadPeriods() {
    this.periodsLoading ??= api.fiscalPeriods().then((periods) => {
      const periodSelect = this.filters.elements.period;
      for (const period of periods) {
        this.periodNames.add(period.name);
        periodSelect.append(h("option", { value: period.name }, periodText(period)));
      }
    }).catch((error) => {
      this.periodsLoading = null;
      throw error;
    });
    return this.periodsLoading;
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
      await Promise.all([this.loadTeams(), this.loadPeriods()]);
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
    this.setSheet(place.id);
    const fromTree = this.openedFromTree;
    this.openedFromTree = false;
    await this.detail.show(place.id);
    if (place.id && params.trace === "1") await this.traceSelected(place.id);
    else {
      this.tree.clearHighlight();
      if (place.id && !fromTree) await this.revealInTree(place.id, params);
    }
  }

  /** On a phone the selected node's details cover the screen, with Back to the tree. */
  setSheet(id) {
    const open = Boolean(id);
    const wasOpen = this.element.classList.contains("sheet-open");
    this.element.classList.toggle("sheet-open", open);
    document.body.classList.toggle("sheet-open", open && this.phone.matches);
    if (!this.phone.matches) return;
    if (open && !wasOpen) {
      this.sheet.scrollTop = 0;
      this.back.focus();
    } else if (!open && wasOpen) {
      // Back where the user was: the item whose details were open.
      const item = this.tree.items().find((li) => li.dataset.id === this.sheetId);
      if (item) this.tree.focus(item);
    }
    this.sheetId = id;
  }

  closeSheet() {
    const place = router.parse();
    router.navigate({ view: "goals", params: place.params });
  }

  /**
   * A node reached from a link (a risk, a calendar entry, a feed) is shown where it sits:
   * the tree opens along its first path to an objective. Not under a search or filter,
   * whose tree is not the whole one.
   */
  async revealInTree(id, params) {
    if (params.q || params.team || params.category || params.period || params.health) return;
    if (this.tree.items().some((li) => li.dataset.id === id && li.offsetParent !== null)) return;
    try {
      const result = await api.trace(id);
      const path = result?.paths?.[0];
      if (!path || router.parse().id !== id) return;
      await this.tree.reveal(path.nodes.map((node) => node.id).reverse());
    } catch {
      // the details say what went wrong; the tree stays as it was
    }
  }

  async loadRoots(params) {
    this.treeBox.replaceChildren(this.tree.element);
    try {
      if (params.q) {
        let nodes = await withLoading(this.tree.element,
          api.searchTree(params.q, params.team || null), "Searching…");
        let text = nodes.total > nodes.length
          ? `${nodes.length} of ${nodes.total} matches for “${params.q}”`
          : `${nodes.length} match${nodes.length === 1 ? "" : "es"} for “${params.q}”`;
        if (params.team) {
          const team = this.filters.elements.team.selectedOptions[0]?.textContent;
          text += ` in ${team ?? "the team"}`;
        }
        if (nodes.total > nodes.length) text += " (20 of each kind: add words to narrow it)";
        if (params.health) {
          nodes = nodes.filter((node) => node.health === params.health);
          text += `, ${nodes.length} ${healthLabel(params.health).toLowerCase()}`;
        }
        this.summary.textContent = text;
        this.tree.setRoots(nodes,
          "Nothing matches. Try fewer or other words, or clear the search.");
      } else {
        await this.loadGoalPages(params);
      }
    } catch (error) {
      this.summary.textContent = "";
      clear(this.treeBox, errorBox(error));
    }
  }

  /**
   * The top level a page at a time, with "Show more" while the API has more; the summary
   * counts every goal and says how many are shown.
   */
  async loadGoalPages(params) {
    const filter = {};
    if (params.team) filter.teams = [params.team];
    if (params.category) filter.categories = [params.category];
    if (this.periodNames.has(params.period)) filter.periodOverlaps = { name: params.period };
    const filtered = Object.keys(filter).length > 0;
    const health = params.health || null;
    let shown = 0;
    let matching = 0;
    let total = 0;
    const pageOf = (page) => {
      total = page.totalCount;
      shown += page.nodes.length;
      const nodes = health ? page.nodes.filter((node) => node.health === health) : page.nodes;
      matching += nodes.length;
      const { hasNextPage, endCursor } = page.pageInfo;
      const more = hasNextPage
        ? () => api.rootGoals(filter, endCursor).then(pageOf) : null;
      this.summary.textContent = summaryText();
      return { nodes, more };
    };
    const summaryText = () => {
      let text = filtered ? `${total} goals match the filters` : `${total} company objectives`;
      if (shown < total) text += ` (${shown} shown: “Show more” at the end loads more)`;
      if (health) {
        text += `, ${matching} ${healthLabel(health).toLowerCase()}`;
        if (shown < total) text += " among those shown";
      }
      return text;
    };
    const first = pageOf(await withLoading(this.tree.element, api.rootGoals(filter),
      "Loading goals…"));
    this.tree.setRoots(first.nodes,
      "No goals match these filters. Clear a filter to see more.", first.more);
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
    document.removeEventListener("throughline:changed", this.onLive);
    document.removeEventListener("throughline:resync", this.onResync);
    document.body.classList.remove("sheet-open");
    this.detail.destroy();
  }
}
