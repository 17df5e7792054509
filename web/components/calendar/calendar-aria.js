// The calendar library marks its grid up as a table (role="table", "row", "cell",
// "columnheader" with aria-colindex) and its list as role="list" and "listitem", whose
// parts are not nested as those roles require: cells outside rows, a toolbar and
// buttons directly in the table or the list. Screen readers then announce a broken
// table, and axe-core reports it as critical. The grid reads well without those roles
// (day headers carry their full date as a label, entries are named buttons), so they
// are taken off every element the library draws, now and later.

const TABLE_ROLES = new Set(["table", "row", "rowgroup", "cell", "gridcell", "columnheader",
  "rowheader", "grid", "list", "listitem"]);
const TABLE_ATTRIBUTES = ["aria-colindex", "aria-rowindex", "aria-colcount", "aria-rowcount"];

function repair(element) {
  if (TABLE_ROLES.has(element.getAttribute("role"))) element.removeAttribute("role");
  for (const name of TABLE_ATTRIBUTES) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  }
}

function repairAll(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  repair(node);
  for (const element of node.querySelectorAll("[role], [aria-colindex], [aria-rowindex]")) {
    repair(element);
  }
}

/** Keep the table roles off everything under `root`; the observer, to disconnect. */
export function withoutTableRoles(root) {
  repairAll(root);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") repair(record.target);
      else record.addedNodes.forEach(repairAll);
    }
  });
  observer.observe(root, { childList: true, subtree: true, attributes: true,
    attributeFilter: ["role", ...TABLE_ATTRIBUTES] });
  return observer;
}
