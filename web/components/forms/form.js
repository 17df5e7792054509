// The one form builder every create and edit form uses: fields from a list of specs,
// the server's userErrors next to the field they name (`field` is the input's name, so
// `alignments.1.share` finds its own box), a CONFLICT or other failure at the foot.
import { h } from "../../dom.js";

let serial = 0;

const CONFLICT = "Someone else changed this while you were editing. Close the form and "
  + "open it again to see their changes, then apply yours.";

/** One control for a field spec: {name, label, type, value, options, required, ...}. */
function control(spec, id) {
  const common = { id, name: spec.name, required: Boolean(spec.required) };
  switch (spec.type) {
    case "textarea":
      return h("textarea", { ...common, rows: 3, value: spec.value ?? "" });
    case "select":
      return h("select", common,
        spec.required ? null : h("option", { value: "" }, spec.empty ?? "None"),
        spec.options.map(([value, text]) => h("option", { value,
          selected: String(spec.value ?? "") === String(value) }, text)));
    case "multiselect":
      return h("select", { ...common, multiple: true, size: Math.min(spec.options.length, 5) },
        spec.options.map(([value, text]) => h("option", { value,
          selected: (spec.value ?? []).includes(value) }, text)));
    case "checkbox":
      return h("input", { ...common, type: "checkbox", checked: Boolean(spec.value) });
    case "number":
      return h("input", { ...common, type: "text", inputMode: "decimal", autocomplete: "off",
        value: spec.value ?? "" });
    default:
      return h("input", { ...common, type: spec.type ?? "text", autocomplete: "off",
        value: spec.value ?? "" });
  }
}

/** A labelled field with its error slot; `spec.name` is the API's input field name. */
export function field(spec, prefix) {
  const id = `${prefix}-${spec.name.replaceAll(".", "-")}`;
  const input = control(spec, id);
  const error = h("span.field-error", { id: `${id}-error`, role: "alert",
    dataset: { errorFor: spec.name } });
  input.setAttribute("aria-describedby", error.id);
  const hint = spec.hint ? h("span.hint", {}, spec.hint) : null;
  const text = spec.required ? spec.label : `${spec.label} (optional)`;
  return h(`div.field${spec.type === "checkbox" ? ".check" : ""}`, { dataset: { field: spec.name } },
    h("label", { for: id }, text), input, hint, error);
}

/** The value of a control as the API takes it: trimmed text, null when empty. */
function valueOf(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.multiple) return [...input.selectedOptions].map((option) => option.value);
  const text = input.value.trim();
  if (input.inputMode === "decimal") return text ? text.replace(",", ".") : null;
  return text === "" ? null : text;
}

export class Form {
  /**
   * @param {object} options
   * @param {string} options.title heading of the form
   * @param {string} options.testid data-testid of the <form>
   * @param {object[]} options.fields field specs
   * @param {string} options.submit text of the submit button
   * @param {(values: object, form: Form) => Promise<{userErrors: object[]}|null>} options.onSubmit
   * @param {() => void} [options.onCancel]
   * @param {Node[]} [options.extra] more content before the buttons (the alignment editor)
   */
  constructor({ title, testid, fields, submit, onSubmit, onCancel, extra = [] }) {
    this.prefix = `form${(serial += 1)}`;
    this.general = h("p.form-error", { role: "alert" });
    this.button = h("button", { type: "submit" }, submit);
    this.element = h("form.entry-form", { novalidate: true, dataset: { testid },
      "aria-label": title },
    h("h3", {}, title),
    h("div.form-fields", {}, fields.map((spec) => field(spec, this.prefix))),
    extra, this.general,
    h("p.form-buttons", {}, this.button,
      onCancel ? h("button.secondary", { type: "button", onclick: onCancel }, "Cancel") : null));
    this.element.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run(onSubmit);
    });
  }

  /** Every named control's value, by name. */
  values() {
    const values = {};
    for (const input of this.element.querySelectorAll("[name]")) {
      values[input.name] = valueOf(input);
    }
    return values;
  }

  control(name) {
    return this.element.querySelector(`[name="${CSS.escape(name)}"]`);
  }

  /** Show errors beside the fields they name; the rest at the foot. */
  showErrors(userErrors) {
    for (const slot of this.element.querySelectorAll(".field-error")) slot.textContent = "";
    for (const input of this.element.querySelectorAll("[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
    }
    const rest = [];
    for (const error of userErrors) {
      const slot = this.slotFor(error.field);
      if (slot) {
        slot.textContent = [slot.textContent, error.message].filter(Boolean).join(" ");
        (this.control(error.field) ?? this.control(slot.dataset.errorFor))
          ?.setAttribute("aria-invalid", "true");
      } else {
        rest.push(error.message);
      }
    }
    this.general.textContent = rest.join(" ");
    this.element.querySelector("[aria-invalid=true]")?.focus();
  }

  /** The error slot of `name`, else of its nearest enclosing field (`alignments.1`). */
  slotFor(name) {
    let path = name ?? "";
    while (path) {
      const slot = this.element.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
      if (slot) return slot;
      path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    }
    return null;
  }

  async run(onSubmit) {
    const label = this.button.textContent;
    this.button.disabled = true;
    this.button.textContent = "Saving…";
    try {
      const outcome = await onSubmit(this.values(), this);
      if (outcome?.userErrors?.length) this.showErrors(outcome.userErrors);
    } catch (error) {
      const message = error.code === "CONFLICT" ? CONFLICT : error.message || String(error);
      this.showErrors([{ field: null, message }]);
    } finally {
      this.button.disabled = false;
      this.button.textContent = label;
    }
  }
}

/** Refuse empty required fields before asking the server: errors in its shape. */
export function missing(values, specs) {
  return specs.filter((spec) => spec.required && (values[spec.name] == null
    || values[spec.name] === "")).map((spec) => ({ field: spec.name,
    message: `Fill in ${spec.label.toLowerCase()}.` }));
}
