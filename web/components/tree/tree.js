// The goal tree: goals → key results → campaigns → tasks, loaded one level at a time.
//
// An ARIA tree with a roving tabindex: Up/Down move, Right opens or enters, Left closes
// or goes to the parent, Home/End jump, Enter or Space selects. The same campaign can sit
// under several key results, so items are keyed by their path, not only by their ID.
// Sends `select` (detail: {id}) when the user picks a node.
//
// Each row has the same columns at every level (title, team, progress, health, spend of
// budget), so figures line up down the tree; levels come in pages with "Show more".
import * as api from "../../api.js";
import { h, clear, spinner } from "../../dom.js";
import {
  compactMoney, currencyAmount, healthClass, healthIcon, healthLabel, kindLabel, label, percent,
} from "../../format.js";
import { textOn } from "../../colour.js";

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

/** A progress bar filled in the colour of the node's health (when it has one). */
export function progressBar(fraction, text, health = null) {
  const value = Math.round(Math.min(Math.max(Number(fraction), 0), 1) * 100);
  return h("span.progress", {
    role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
    "aria-valuenow": String(value), "aria-label": text ?? "Progress",
  }, h(`span.progress-fill.fill-${healthClass(health)}`, { style: { width: `${value}%` } }));
}

export function healthBadge(health) {
  return h(`span.health.health-${healthClass(health)}`,
    { title: "Health" }, h("span", { "aria-hidden": "true" }, healthIcon(health)), " ",
    healthLabel(health));
}

/** A team's name on its own colour, in black or white, whichever reads better on it. */
export function teamChip(team) {
  if (!team) return null;
  const style = team.color ? { background: team.color, color: textOn(team.color) } : {};
  return h("span.team", { style }, team.name);
}

/** "$48K of $120K" per currency; "(over)" where spend passed the budget. */
function spendOfBudget(money) {
  const rows = money.byCurrency?.length ? money.byCurrency.map((row) => ({
    currency: row.currency, budget: row.budget, spent: row.spendToDate,
  })) : [{ currency: money.currency, budget: money.budget?.amount ?? null,
    spent: money.spendToDate?.amount ?? null }];
  const withBudget = rows.filter((row) => row.budget != null && Number(row.budget) !== 0);
  if (!withBudget.length) return { text: "no budget", over: false };
  const over = withBudget.some((row) => Number(row.spent ?? 0) > Number(row.budget));
  const text = withBudget.map((row) => {
    const spent = compactMoney({ amount: row.spent ?? 0, currency: row.currency });
    return `${spent} of ${compactMoney({ amount: row.budget, currency: row.currency })}`;
  }).join(" · ");
  const full = withBudget.map((row) => `${currencyAmount(row.spent ?? 0, row.currency)} of `
    + `${currencyAmount(row.budget, row.currency)}`).join(", ");
  return { text: over ? `${text} (over)` : text, full, over };
}

function row(node) {
  const title = [
    h("span.kind", { "data-kind": node.__typename }, kindLabel(node.__typename)), " ",
    h("span.title", {}, label(node)),
  ];
  if (node.share != null && node.share !== "1") {
    title.push(" ", h("span.share", { title: "Share of the campaign on this key result" },
      `${percent(node.share)} share`));
  }
  if (node.status && node.__typename === "Task") {
    title.push(" ", h("span.status", {}, node.status.replaceAll("_", " ").toLowerCase()));
  }
  if (node.path?.length) title.push(h("span.path-text", {}, `in ${node.path.join(" › ")}`));
  const cells = [
    h("span.cell.cell-title", {}, title),
    h("span.cell.cell-team", {}, teamChip(teamOf(node))),
    h("span.cell.cell-progress", {}, node.progress == null ? null : h("span.figure", {},
      progressBar(node.progress, "Progress", node.health),
      h("span.progress-text", {}, percent(node.progress)))),
    h("span.cell.cell-health", {}, node.health ? healthBadge(node.health) : null),
  ];
  let budget = null;
  if (node.money && (node.__typename === "Goal" || node.__typename === "Campaign")) {
    // Work in several currencies shows its figures in the reporting currency.
    const mixed = !node.money.currency && node.money.reporting?.budget;
    const figure = spendOfBudget(mixed ? node.money.reporting : node.money);
    const each = mixed ? ` (${spendOfBudget(node.money).full})` : "";
    budget = h(`span.budget${figure.over ? ".over" : ""}`,
      { title: figure.full ? `Spend to date of budget: ${figure.full}${each}` : "No budget" },
      // Named where the column's heading is not shown (a narrow pane stacks it).
      figure.full ? h("span.budget-label", {}, "Spent ") : null, figure.text);
  }
  cells.push(h("span.cell.cell-budget", {}, budget));
  return h("span.row", {}, cells);
}

export class GoalTree {
  constructor() {
    this.element = h("ul.tree", { role: "tree", "aria-label": "Goal tree" });
    this.element.addEventListener("keydown", (event) => this.onKey(event));
    this.element.addEventListener("click", (event) => this.onClick(event));
    this.selectedId = null;
  }

  /**
   * The top level; `more`, when given, loads the next page as `{nodes, more}` and the
   * tree offers it as a "Show more" item after the last top-level row.
   */
  setRoots(nodes, emptyText, more = null) {
    clear(this.element);
    this.rootMore = more;
    if (!nodes.length && !more) {
      this.element.append(h("li.empty", { role: "none" }, emptyText));
      return;
    }
    for (const node of nodes) this.element.append(this.item(node, 1, ""));
    this.addRootMore();
    this.focusable(this.items()[0]);
    this.markSelected();
  }

  addRootMore() {
    this.element.querySelector(":scope > li.more")?.remove();
    if (!this.rootMore) return;
    this.element.append(h("li.more", { role: "treeitem", "aria-level": "1", tabindex: "-1" },
      h("div.item", {}, h("span.toggle.leaf", { "aria-hidden": "true" }, "+"),
        h("span.show-more", {}, "Show more"))));
  }

  /** The next page of the top level; returns the new items. */
  async loadMoreRoots() {
    const more = this.rootMore;
    if (!more) return [];
    this.element.querySelector(":scope > li.more")?.setAttribute("aria-busy", "true");
    const added = [];
    try {
      const page = await more();
      added.push(...page.nodes.map((node) => this.item(node, 1, "")));
      this.rootMore = page.more;
    } finally {
      const moreItem = this.element.querySelector(":scope > li.more");
      if (moreItem) moreItem.before(...added);
      else this.element.append(...added);
      this.addRootMore();
      this.markSelected();
    }
    return added;
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
    li.loading = (async () => {
      try {
        const children = await api.treeChildren(li.dataset.id);
        const level = Number(li.getAttribute("aria-level")) + 1;
        clear(group, children.map((child) => this.item(child, level, li.dataset.key)));
        if (!children.length) {
          group.append(h("li.empty", { role: "none" }, "Nothing under it yet."));
        }
        this.addMore(li, group, children.more);
        this.markSelected();
      } catch (error) {
        clear(group, h("li.error", { role: "none" }, error.message));
        group.dataset.failed = "true";
      }
    })();
    await li.loading;
  }

  /** A "Show more" item after a page of children, while any connection has more. */
  addMore(li, group, more) {
    group.querySelector(":scope > li.more")?.remove();
    group.more = more ?? [];
    if (!more?.length) return;
    const level = Number(li.getAttribute("aria-level")) + 1;
    group.append(h("li.more", { role: "treeitem", "aria-level": String(level), tabindex: "-1" },
      h("div.item", {}, h("span.toggle.leaf", { "aria-hidden": "true" }, "+"),
        h("span.show-more", {}, "Show more"))));
  }

  async showMore(moreItem) {
    const wasFocused = document.activeElement === moreItem;
    const added = moreItem.parentElement === this.element ? await this.loadMoreRoots()
      : await this.loadMore(moreItem.parentElement.closest("li[role=treeitem]"));
    if (wasFocused && added[0]) this.focus(added[0]);
  }

  /** The next page of every connection under `li` that has more; returns the new items. */
  async loadMore(li) {
    const group = li.querySelector(":scope > ul");
    const more = group?.more ?? [];
    if (!more.length) return [];
    group.querySelector(":scope > li.more")?.setAttribute("aria-busy", "true");
    const level = Number(li.getAttribute("aria-level")) + 1;
    const added = [];
    const next = [];
    try {
      for (const page of more) {
        const children = await api.treeChildrenMore(li.dataset.id, li.dataset.kind, page);
        added.push(...children.map((child) => this.item(child, level, li.dataset.key)));
        next.push(...children.more);
      }
    } finally {
      const moreItem = group.querySelector(":scope > li.more");
      if (moreItem) moreItem.before(...added);
      else group.append(...added);
      group.more = next;
      this.addMore(li, group, next);
      this.markSelected();
    }
    return added;
  }

  /**
   * Open the tree along `ids` (top-level objective first), loading further pages where a
   * child is not on the first; returns the item of the last id, or null.
   */
  async reveal(ids) {
    let items = [...this.element.querySelectorAll(":scope > li[role=treeitem]")];
    let found = null;
    for (const [depth, id] of ids.entries()) {
      found = items.find((li) => li.dataset.id === id) ?? null;
      while (!found && depth === 0 && this.rootMore) {
        items.push(...await this.loadMoreRoots());
        found = items.find((li) => li.dataset.id === id) ?? null;
      }
      if (!found) return null;
      if (depth === ids.length - 1) break;
      await this.expand(found);
      await found.loading;
      const childrenOf = () => [...found.querySelectorAll(":scope > ul > li[role=treeitem]")];
      while (!childrenOf().some((li) => li.dataset.id === ids[depth + 1])
        && found.querySelector(":scope > ul")?.more?.length) {
        await this.loadMore(found);
      }
      items = childrenOf();
    }
    if (found) {
      this.focusable(found);
      found.scrollIntoView({ block: "nearest" });
    }
    return found;
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
    if (li.classList.contains("more")) this.showMore(li);
    else if (event.target.closest(".toggle")) this.toggle(li);
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
      Enter: () => (li.classList.contains("more") ? this.showMore(li) : this.select(li)),
      " ": () => (li.classList.contains("more") ? this.showMore(li) : this.select(li)),
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
