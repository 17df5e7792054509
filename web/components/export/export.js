// An export control: "CSV" and "JSON lines" buttons that download an export of the view's
// current place through api.js, and say what was saved or why not.
import * as api from "../../api.js";
import { h } from "../../dom.js";

const FORMATS = [["csv", "CSV"], ["jsonl", "JSON lines"]];

/** `kind`: tree, campaigns, risks, workload or calendar; `paramsOf()`: the view's filters
 * as the export's parameters, read when a button is pressed. */
export function exportControl(kind, paramsOf, label = "Export") {
  const status = h("span.export-status", { role: "status" });
  const buttons = FORMATS.map(([format, text]) => h("button.secondary", {
    type: "button",
    dataset: { testid: `export-${kind}-${format}` },
    onclick: () => run(format),
  }, text));

  async function run(format) {
    for (const button of buttons) button.disabled = true;
    status.textContent = "Preparing the file…";
    try {
      const saved = await api.downloadExport(kind, format, paramsOf());
      status.textContent = `Saved ${saved.name}.`;
    } catch (error) {
      status.textContent = `Not exported: ${error.message}`;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  return h("div.export", { role: "group", "aria-label": `${label} as a file` },
    h("span.export-label", {}, `${label}:`), buttons, status);
}
