// A list of the detail panel that never drops rows silently: when the API holds more than
// the first page it says so ("Showing 50 of 312 tasks") and offers a button that loads
// the next page of that one list and appends it, moving the focus to the first new row.
import { h, empty, errorBox } from "../../dom.js";

/** The rows of a connection page: its edges when it has them (they carry a share). */
const rowsOf = (connection) => connection.edges ?? connection.nodes;

/**
 * @param {object} options
 * @param {{totalCount: number, pageInfo: object, nodes?: object[], edges?: object[]}} options.connection
 *   the first page, as the API answered it
 * @param {(row: object) => HTMLElement} options.item one <li> per row (node or edge)
 * @param {(cursor: string) => Promise<object|null>} options.more the next page after (or,
 *   for `older`, before) the cursor
 * @param {string} options.noun what the rows are, plural ("child goals")
 * @param {string} [options.list] the list's tag and classes
 * @param {boolean} [options.older] the page holds the latest rows: shown newest first, and
 *   "Show older" loads those before them
 * @param {string} [options.emptyText] shown when the list is empty; else nothing is
 * @returns {HTMLElement|null}
 */
export function pagedList({ connection, item, more, noun, list = "ul.links", older = false,
  emptyText = null }) {
  const total = connection.totalCount;
  if (!total) return emptyText ? empty(emptyText) : null;
  const ordered = (rows) => (older ? rows.slice().reverse() : rows);
  const items = h(list, {}, ordered(rowsOf(connection)).map(item));
  const count = h("p.list-count", { dataset: { testid: "list-count" } });
  const failure = h("div.list-error", {});
  const verb = older ? "Show older" : "Show more";
  const button = h("button.secondary.show-more", { type: "button" }, `${verb} ${noun}`);
  const box = h("div.paged-list", { dataset: { list: noun } }, items, count, button, failure);
  let cursor = null;

  const update = (page) => {
    const hasMore = older ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    cursor = older ? page.pageInfo.startCursor : page.pageInfo.endCursor;
    const shown = items.children.length;
    count.hidden = !hasMore;
    count.textContent = hasMore ? `Showing ${shown} of ${total} ${noun}` : "";
    button.hidden = !hasMore;
  };

  button.addEventListener("click", async () => {
    button.disabled = true;
    failure.replaceChildren();
    try {
      const page = await more(cursor);
      if (!page) throw new Error("This item no longer exists or was archived.");
      const added = ordered(rowsOf(page)).map(item);
      items.append(...added);
      update(page);
      focusRow(added[0] ?? null, button);
    } catch (error) {
      failure.replaceChildren(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  update(connection);
  return box;
}

/** Focus the first new row's link, or the row itself; the button when nothing came. */
function focusRow(row, button) {
  if (!row) {
    if (!button.hidden) button.focus();
    return;
  }
  const target = row.querySelector("a[href], button") ?? row;
  if (target === row) row.tabIndex = -1;
  target.focus();
}
