// The alignment editor: which key results a campaign serves and the share of each.
// The shares must add up to 1; the sum is shown as it is typed, and the server's errors
// land beside the row they name (`alignments.1.share`) or under the list (`alignments`).
// Key results are searched as the user types (kr-picker.js): there may be thousands.
import { h } from "../../dom.js";
import { KeyResultPicker } from "./kr-picker.js";

const PLACES = 10_000; // shares have at most four decimal places

/** Shares as whole ten-thousandths, so 0.6 + 0.3 + 0.1 is exactly 1. */
function units(text) {
  const value = Number(String(text ?? "").replace(",", "."));
  return Number.isFinite(value) ? Math.round(value * PLACES) : NaN;
}

export class AlignmentEditor {
  /**
   * @param {{keyResultId: string, share: string, title?: string, goalTitle?: string}[]} rows
   *   the alignments to start from, with the key result's title and its goal's
   */
  constructor(rows) {
    this.list = h("ol.alignment-rows", {});
    this.sum = h("p.alignment-sum", { "aria-live": "polite", dataset: { testid: "share-sum" } });
    this.element = h("fieldset.alignments", { dataset: { testid: "alignments" } },
      h("legend", {}, "Key results it serves"),
      h("p.hint", {}, "Give each key result a share of the campaign; the shares must add up to 1 "
        + "(0.6 and 0.4, say)."),
      this.list, this.sum,
      h("span.field-error", { role: "alert", dataset: { errorFor: "alignments" } }),
      h("button.secondary", { type: "button", onclick: () => {
        this.add();
        this.list.lastElementChild.querySelector("[data-part=keyResultId]").focus();
      } }, "Add a key result"));
    this.element.addEventListener("input", () => this.showSum());
    this.element.addEventListener("change", () => this.showSum());
    for (const row of rows) this.add(row);
    this.showSum();
  }

  add(row = { keyResultId: "", share: "" }) {
    const item = h("li.alignment-row", {});
    this.list.append(item);
    this.fill(item, row);
    this.renumber();
    this.showSum();
  }

  fill(item, row) {
    const picker = new KeyResultPicker(row.keyResultId ? { id: row.keyResultId,
      title: row.title ?? row.keyResultId, goalTitle: row.goalTitle } : null);
    item.picker = picker;
    const share = h("input", { type: "text", inputMode: "decimal", autocomplete: "off",
      value: row.share ?? "", dataset: { part: "share" }, size: 6 });
    item.append(
      h("div.alignment-kr", {}, h("label", {}, h("span.label-text", {}, "Key result")),
        picker.element),
      h("label.alignment-share", {}, h("span.label-text", {}, "Share"), share),
      h("button.secondary.remove", { type: "button", onclick: () => {
        item.remove();
        this.renumber();
        this.showSum();
      } }, "Remove"),
      h("span.field-error", { role: "alert", dataset: { part: "error" } }));
  }

  /** Name each control after its row (`alignments.0.share`) for the error mapping. */
  renumber() {
    [...this.list.children].forEach((item, index) => {
      const number = index + 1;
      for (const input of item.querySelectorAll("[data-part=keyResultId], [data-part=share]")) {
        const name = `alignments.${index}.${input.dataset.part}`;
        input.name = name;
        input.id = `alignment-${index}-${input.dataset.part}`;
        input.setAttribute("aria-describedby", `alignment-${index}-error`);
      }
      item.picker.rename(`alignment-${index}-keyResultId`);
      item.querySelector(".alignment-kr label").htmlFor = item.picker.input.id;
      const error = item.querySelector("[data-part=error]");
      error.id = `alignment-${index}-error`;
      error.dataset.errorFor = `alignments.${index}`;
      item.querySelector(".remove").setAttribute("aria-label", `Remove key result ${number}`);
    });
  }

  rows() {
    return [...this.list.children].map((item) => ({
      keyResultId: item.picker.value,
      share: item.querySelector("[data-part=share]").value.trim().replace(",", "."),
    }));
  }

  total() {
    return this.rows().reduce((sum, row) => sum + units(row.share), 0);
  }

  showSum() {
    const total = this.total();
    const rows = this.list.children.length;
    const shown = Number.isNaN(total) ? "not a number" : String(total / PLACES);
    const ok = total === PLACES;
    this.sum.classList.toggle("off", rows > 0 && !ok);
    this.sum.textContent = rows === 0 ? "Aligned to no key result: this will be unaligned work."
      : ok ? "The shares add up to 1."
        : `The shares add up to ${shown}; they must add up to 1.`;
  }

  /** The alignments as the API takes them, or user errors found before sending. */
  check() {
    const rows = this.rows();
    const errors = [];
    rows.forEach((row, index) => {
      if (!row.keyResultId) {
        errors.push({ field: `alignments.${index}.keyResultId`, message: "Type part of a key result's title and pick it from the list." });
      }
      if (Number.isNaN(units(row.share)) || !row.share) {
        errors.push({ field: `alignments.${index}.share`, message: "Enter a share, such as 0.5." });
      }
    });
    if (!errors.length && rows.length && this.total() !== PLACES) {
      errors.push({ field: "alignments", message: this.sum.textContent });
    }
    return { alignments: rows, errors };
  }
}
