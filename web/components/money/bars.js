// Horizontal bars as a table: every figure is text in its cell and the bar beside it is
// decoration (aria-hidden), so a screen reader reads the numbers, not the drawing.
import { h } from "../../dom.js";

/**
 * columns: [{key, label, text(row) -> string, value(row) -> number|null, bar: "budget"|...}];
 * rows: [{label, ...}]. Bars of one table share one scale: the largest value shown.
 */
export function barTable({ caption, head, columns, rows, testid }) {
  const barred = columns.filter((column) => column.bar);
  const largest = Math.max(0, ...rows.flatMap((row) => barred.map((column) =>
    Math.abs(column.value(row) ?? 0))));
  const cell = (column, row) => {
    const value = column.bar ? column.value(row) : null;
    const width = largest && value ? Math.max(1, Math.round((Math.abs(value) / largest) * 100)) : 0;
    return h("td", { dataset: { figure: column.key } },
      h("span.amount", {}, column.text(row)),
      column.bar ? h("span.bar-track", { "aria-hidden": "true" },
        h(`span.bar-fill.bar-${column.bar}`, { style: { width: `${width}%` } })) : null);
  };
  const table = h("table.money-bars", { dataset: testid ? { testid } : {} },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, head),
      columns.map((column) => h("th", { scope: "col" }, column.label)))),
    h("tbody", {}, rows.map((row) => h("tr", { dataset: { row: row.label } },
      h("th", { scope: "row" }, row.label), columns.map((column) => cell(column, row))))));
  // Wide tables scroll inside their own box on a phone, never the page.
  return h("div.money-scroll", { tabindex: "0", role: "region", "aria-label": caption }, table);
}

/** A Money object's amount as a number, or null. */
export function amountOf(value) {
  return value ? Number(value.amount) : null;
}
