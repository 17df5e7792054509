// The goal tree: goals → key results → campaigns → tasks, loaded one level at a time.
//
// An ARIA tree with a roving tabindex: Up/Down move, Right opens or enters, Left closes
// or goes to the parent, Home/End jump, Enter or Space selects. The same campaign can sit
// under several key results, so items are keyed by their path, not only by their ID.
// Sends `select` (detail: {id}) when the user picks a node.
import * as api from "../../api.js";
import { h, clear, spinner } from "../../dom.js";
import { healthIcon, healthLabel, kindLabel, label, money, percent } from "../../format.js";

function childCount(node) {
  switch (node.__typename) {
    case "Goal": return node.children.totalCount + node.keyResults.totalCount;
    case "KeyResult": return node.campaigns.totalCount + node.tasks.totalCount;
    case "Campaign": return node.tasks.totalCount;
    default: return 0;
  }
}

function teamOf(node) {
  return node.ownerTeam ?? node.goal?.ownerTeam ?? node.team ?? null;
}

export function progressBar(fraction, text) {
  const value = Math.round(Math.min(Math.max(Number(fraction), 0), 1) * 100);
  return h("span.progress", {
    role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
    "aria-valuenow": String(value), "aria-label": text ?? "Progress",
  }, h("span.progress-fill", { style: { width: `${value}%` } }));
}

export function healthBadge(health) {
  return h(`span.health.health-${health.toLowerCase().replaceAll("_", "-")}`,
    { title: "Health" }, h("span", { "aria-hidden": "true" }, healthIcon(health)), " ",
    healthLabel(health));
}

export function teamChip(team) {
  if (!team) return null;
  return h("span.team", {}, h("span.swatch", { style: { background: team.color },
    "aria-hidden": "true" }), team.name);
}

function row(node) {
  const parts = [
    h("span.kind", { "data-kind": node.__typename }, kindLabel(node.__typename)),
    h("span.title", {}, label(node)),
    teamChip(teamOf(node)),
  ];
  if (node.share != null && node.share !== "1") {
    parts.push(h("span.share", { title: "Share of the campaign on this key result" },
      `${percent(node.share)} share`));
  }
  if (node.progress != null) {
    parts.push(h("span.figure", {}, progressBar(node.progress),
      h("span.progress-text", {}, percent(node.progress))));
  }
  if (node.health) parts.push(healthBadge(node.health));
  if (node.status && node.__typename === "Task") {
    parts.push(h("span.status", {}, node.status.replaceAll("_", " ").toLowerCase()));
  }
  if (node.money && (node.__typename === "Goal" || node.__typename === "Campaign")) {
    // Work in several currencies shows its figures in the reporting currency.
    const shown = node.money.currency || !node.money.reporting ? node.money : node.money.reporting;
    const budget = shown.budget;
    const spent = shown.spendToDate;
    const over = budget && spent && Number(spent.amount) > Number(budget.amount);
    parts.push(h(`span.budget${over ? ".over" : ""}`, { title: "Spend to date of budget" },
      budget ? `${money(spent)} of ${money(budget)}${over ? " (over)" : ""}` : "no budget"));
  }
  return h("span.row", {}, parts);
}

export class GoalTree {
  constructor() {
    this.element = h("ul.tree", { role: "tree", "aria-label": "Goal tree" });
    this.element.addEventListener("keydown", (event) => this.onKey(event));
    this.element.addEventListener("click", (event) => this.onClick(event));
    this.selectedId = null;
  }

  setRoots(nodes, emptyText) {
    clear(this.element);
    if (!nodes.length) {
      this.element.append(h("li.empty", { role: "none" }, emptyText));
      return;
    }
    for (const node of nodes) this.element.append(this.item(node, 1, ""));
    this.focusable(this.items()[0]);
    this.markSelected();
  }

  item(node, level, parentKey) {
    const key = `${parentKey}/${node.id}`;
    const count = childCount(node);
    const li = h("li", {
      role: "treeitem", "aria-level": String(level), tabindex: "-1",
      dataset: { id: node.id, key, kind: node.__typename },
    });
    if (count) li.setAttribute("aria-expanded", "false");
    const toggle = count
      ? h("span.toggle", { "aria-hidden": "true" }, "▸")
      : h("span.toggle.leaf", { "aria-hidden": "true" }, "·");
    li.append(h("div.item", {}, toggle, row(node)));
    li.node = node;
    return li;
  }

  items() {
    return [...this.element.querySelectorAll("li[role=treeitem]")];
  }

  visibleItems() {
    return this.items().filter((li) => !li.parentElement.closest("li[aria-expanded=false]"));
  }

  focusable(li) {
    if (!li) return;
    for (const other of this.element.querySelectorAll("li[tabindex='0']")) {
      other.setAttribute("tabindex", "-1");
    }
    li.setAttribute("tabindex", "0");
  }

  focus(li) {
    if (!li) return;
    this.focusable(li);
    li.focus();
  }

  async expand(li) {
    if (li.getAttribute("aria-expanded") !== "false") return;
    li.setAttribute("aria-expanded", "true");
    li.querySelector(".toggle").textContent = "▾";
    if (li.querySelector(":scope > ul")) return;
    const group = h("ul", { role: "group" }, h("li", { role: "none" }, spinner()));
    li.append(group);
    try {
      const children = await api.treeChildren(li.dataset.id);
      const level = Number(li.getAttribute("aria-level")) + 1;
      clear(group, children.map((child) => this.item(child, level, li.dataset.key)));
      if (!children.length) group.append(h("li.empty", { role: "none" }, "Nothing under it yet."));
      this.markSelected();
    } catch (error) {
      clear(group, h("li.error", { role: "none" }, error.message));
      group.dataset.failed = "true";
    }
  }

  collapse(li) {
    if (li.getAttribute("aria-expanded") !== "true") return;
    li.setAttribute("aria-expanded", "false");
    li.querySelector(".toggle").textContent = "▸";
    const group = li.querySelector(":scope > ul");
    if (group?.dataset.failed) group.remove();
  }

  toggle(li) {
    if (li.getAttribute("aria-expanded") === "true") this.collapse(li);
    else this.expand(li);
  }

  select(li) {
    this.focus(li);
    this.element.dispatchEvent(new CustomEvent("select", { detail: { id: li.dataset.id } }));
  }

  setSelected(id) {
    this.selectedId = id;
    this.markSelected();
  }

  markSelected() {
    for (const li of this.items()) {
      li.setAttribute("aria-selected", String(li.dataset.id === this.selectedId));
    }
  }

  onClick(event) {
    const li = event.target.closest("li[role=treeitem]");
    if (!li) return;
    if (event.target.closest(".toggle")) this.toggle(li);
    else this.select(li);
  }

  onKey(event) {
    const li = event.target.closest("li[role=treeitem]");
    if (!li) return;
    const visible = this.visibleItems();
    const index = visible.indexOf(li);
    const moves = {
      ArrowDown: () => this.focus(visible[index + 1]),
      ArrowUp: () => this.focus(visible[index - 1]),
      Home: () => this.focus(visible[0]),
      End: () => this.focus(visible.at(-1)),
      ArrowRight: () => {
        if (li.getAttribute("aria-expanded") === "false") this.expand(li);
        else if (li.getAttribute("aria-expanded") === "true") {
          this.focus(li.querySelector(":scope > ul > li[role=treeitem]"));
        }
      },
      ArrowLeft: () => {
        if (li.getAttribute("aria-expanded") === "true") this.collapse(li);
        else this.focus(li.parentElement.closest("li[role=treeitem]"));
      },
      Enter: () => this.select(li),
      " ": () => this.select(li),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    move();
  }

  /** New figures for every row showing this node (after an edit). */
  updateNode(id, changes) {
    for (const li of this.items().filter((item) => item.dataset.id === id)) {
      li.node = { ...li.node, ...changes };
      li.querySelector(":scope > .item > .row").replaceWith(row(li.node));
    }
  }

  /**
   * Open the tree along every trace path (objective first) and mark the nodes on them.
   * Returns how many paths could be shown in the current tree.
   */
  async highlight(paths) {
    for (const li of this.element.querySelectorAll(".traced")) li.classList.remove("traced");
    let shown = 0;
    for (const path of paths) {
      const ids = path.nodes.map((node) => node.id).reverse();
      let items = [...this.element.querySelectorAll(":scope > li[role=treeitem]")];
      let found = null;
      for (const [depth, id] of ids.entries()) {
        found = items.find((li) => li.dataset.id === id);
        if (!found) break;
        found.classList.add("traced");
        if (depth < ids.length - 1) {
          await this.expand(found);
          items = [...found.querySelectorAll(":scope > ul > li[role=treeitem]")];
        }
      }
      if (found) shown += 1;
    }
    this.element.querySelector(`.traced[data-id="${CSS.escape(paths[0]?.nodes[0]?.id ?? "")}"]`)
      ?.scrollIntoView({ block: "nearest" });
    return shown;
  }

  clearHighlight() {
    for (const li of this.element.querySelectorAll(".traced")) li.classList.remove("traced");
  }
}
