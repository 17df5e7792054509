// The History tab of the detail panel: every recorded change of the node, newest first,
// with who made it and each field before and after (the API's `history`), the latest 50
// at first and "Show older changes" for the 50 before them.
import * as api from "../../api.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { dateTime, enumLabel } from "../../format.js";

const ACTIONS = {
  CREATED: "Created", UPDATED: "Changed", ARCHIVED: "Archived", MOVED: "Moved",
  CHECKED_IN: "Checked in", ALIGNMENTS_SET: "Alignments set", SPEND_ADDED: "Spend added",
  RESULT_ADDED: "Result added", DELETED: "Deleted",
};

/** `periodEnd` -> "Period end". */
function fieldName(name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words[0].toUpperCase() + words.slice(1);
}

function shown(value) {
  if (value == null || value === "") return "—";
  if (Array.isArray(value)) return value.map(shown).join(", ") || "—";
  if (typeof value === "object") return JSON.stringify(value);
  const text = String(value);
  return /^[A-Z][A-Z_]+$/.test(text) ? enumLabel(text) : text;
}

/** What an entry did: a restore is a change that clears `archivedAt`. */
function actionOf(entry) {
  const restored = entry.action === "UPDATED" && entry.changes.length === 1
    && entry.changes[0].field === "archivedAt" && entry.changes[0].after == null;
  return restored ? "Restored" : ACTIONS[entry.action] ?? enumLabel(entry.action);
}

function entryItem(entry) {
  return h("li.history-entry", { dataset: { testid: "history-entry" } },
    h("p.history-head", {}, h("strong", {}, actionOf(entry)), " · ", dateTime(entry.at),
      " · ", entry.actor?.name ?? "an import or tool"),
    entry.changes.length ? h("ul.history-changes", {}, entry.changes
      .filter((change) => change.field !== "version")
      .map((change) => h("li", {}, h("span.history-field", {}, fieldName(change.field)), ": ",
        shown(change.before), " → ", shown(change.after)))) : null);
}

async function load(box, id) {
  try {
    const history = await withLoading(box, api.history(id), "Loading history…");
    if (!history) {
      clear(box, errorBox(new Error("This item no longer exists.")));
      return;
    }
    const total = history.totalCount;
    const summary = h("p.summary", {});
    const list = h("ol.history", {}, history.nodes.slice().reverse().map(entryItem));
    const failure = h("div.list-error", {});
    const older = h("button.secondary.show-more", { type: "button" }, "Show older changes");
    let cursor = null;
    const update = (page) => {
      cursor = page.pageInfo.startCursor;
      older.hidden = !page.pageInfo.hasPreviousPage;
      const shown = list.children.length;
      summary.textContent = `${total} recorded change${total === 1 ? "" : "s"}`
        + (total > shown ? `, the latest ${shown} shown` : "");
    };
    older.addEventListener("click", async () => {
      older.disabled = true;
      failure.replaceChildren();
      try {
        const page = await api.history(id, cursor);
        if (!page) throw new Error("This item no longer exists.");
        const added = page.nodes.slice().reverse().map(entryItem);
        list.append(...added);
        update(page);
        if (added.length) {
          added[0].tabIndex = -1;
          added[0].focus();
        }
      } catch (error) {
        failure.replaceChildren(errorBox(error));
      } finally {
        older.disabled = false;
      }
    });
    update(history);
    clear(box, summary, total ? [list, older, failure] : empty("No change recorded yet."));
  } catch (error) {
    clear(box, errorBox(error));
  }
}

/**
 * Put the panel's content under an "Overview" tab and add a "History" tab beside it,
 * loaded when first opened. `body` holds the rendered panel; `id` is the node's.
 */
export function addHistoryTab(body, id) {
  const overview = h("div.tab-panel", { role: "tabpanel", id: "detail-overview",
    "aria-labelledby": "detail-tab-overview" }, [...body.childNodes]);
  const historyBox = h("div.tab-panel", { role: "tabpanel", id: "detail-history",
    "aria-labelledby": "detail-tab-history", hidden: true, dataset: { testid: "history" } });
  const tabs = [
    h("button.tab", { type: "button", role: "tab", id: "detail-tab-overview",
      "aria-controls": "detail-overview", "aria-selected": "true" }, "Overview"),
    h("button.tab", { type: "button", role: "tab", id: "detail-tab-history",
      "aria-controls": "detail-history", "aria-selected": "false", tabindex: "-1" }, "History"),
  ];
  let loaded = false;
  const select = (index) => {
    tabs.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
    });
    overview.hidden = index !== 0;
    historyBox.hidden = index !== 1;
    if (index === 1 && !loaded) {
      loaded = true;
      load(historyBox, id);
    }
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(index));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      const next = (index + 1) % tabs.length;
      select(next);
      tabs[next].focus();
    });
  });
  clear(body, h("div.tabs", { role: "tablist", "aria-label": "Details and history" }, tabs),
    overview, historyBox);
}
