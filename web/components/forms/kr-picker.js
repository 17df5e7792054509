// Picking a key result among thousands: a combobox (WAI-ARIA 1.2, list autocomplete) that
// asks the API for the key results matching what is typed, by title, and lists them with
// the goal each serves. The chosen key result's ID sits on the input as
// `data-key-result-id`; typing again forgets it until another match is picked.
import * as api from "../../api.js";
import { h } from "../../dom.js";

const WAIT_MS = 200; // typing pauses this long before a search goes out
const MATCHES = 20;

const textOf = (kr) => (kr.goalTitle ? `${kr.title} (${kr.goalTitle})` : kr.title);

export class KeyResultPicker {
  /** @param {{id: string, title: string, goalTitle?: string}|null} chosen the start value */
  constructor(chosen = null) {
    this.input = h("input", { type: "text", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false",
      placeholder: "Type to search key results", dataset: { part: "keyResultId" } });
    this.listbox = h("ul.kr-options", { role: "listbox", hidden: true,
      "aria-label": "Matching key results" });
    this.status = h("p.kr-status", { "aria-live": "polite", hidden: true });
    this.element = h("div.kr-picker", {}, this.input, this.listbox, this.status);
    this.matches = [];
    this.active = -1;
    this.serial = 0;
    this.timer = null;
    this.chosen = null;
    if (chosen?.id) this.choose(chosen, { quiet: true });

    this.input.addEventListener("input", () => {
      delete this.input.dataset.keyResultId;
      this.chosen = null;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), WAIT_MS);
    });
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("click", () => {
      if (this.listbox.hidden) this.search();
    });
    this.element.addEventListener("focusout", (event) => {
      if (!this.element.contains(event.relatedTarget)) this.close();
    });
  }

  /** Name the parts after the row they sit in (`id` is the input's). */
  rename(id) {
    this.input.id = id;
    this.listbox.id = `${id}-options`;
    this.input.setAttribute("aria-controls", this.listbox.id);
    [...this.listbox.children].forEach((option, index) => {
      option.id = `${this.listbox.id}-${index}`;
    });
    if (this.active >= 0) this.activate(this.active);
  }

  get value() {
    return this.input.dataset.keyResultId ?? "";
  }

  async search() {
    // The chosen one's title, not the text shown for it (which adds the goal's title).
    const text = this.chosen ? this.chosen.title : this.input.value.trim();
    const serial = (this.serial += 1);
    this.say("Searching…");
    try {
      const found = await api.searchKeyResults(text, MATCHES);
      if (serial !== this.serial) return; // a later search answers instead
      this.show(found, text);
    } catch (error) {
      if (serial === this.serial) this.say(error.message || String(error));
    }
  }

  show(found, text) {
    this.matches = found.nodes.map((kr) => ({ id: kr.id, title: kr.title,
      goalTitle: kr.goal?.title }));
    this.listbox.replaceChildren(...this.matches.map((kr) => h("li.kr-option",
      { role: "option", "aria-selected": "false", dataset: { id: kr.id },
        onmousedown: (event) => event.preventDefault(), // keeps the focus in the input
        onclick: () => this.choose(kr) },
      h("span.kr-title", {}, kr.title),
      kr.goalTitle ? h("span.kr-goal", {}, h("span.visually-hidden", {}, ", goal: "),
        kr.goalTitle) : null)));
    this.rename(this.input.id);
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.hidden = !this.matches.length;
    this.input.setAttribute("aria-expanded", String(this.matches.length > 0));
    const total = found.totalCount;
    this.say(!total ? `No key result matches “${text}”.`
      : total > this.matches.length
        ? `${this.matches.length} of ${total} matches shown; type more to narrow them.`
        : `${total} match${total === 1 ? "" : "es"}.`);
  }

  say(text) {
    this.status.hidden = false;
    this.status.textContent = text;
  }

  close() {
    clearTimeout(this.timer);
    this.serial += 1; // an answer still on its way is not shown
    this.listbox.hidden = true;
    this.status.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  activate(index) {
    const options = [...this.listbox.children];
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    this.active = index;
    const option = options[index];
    if (!option) return;
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  choose(kr, { quiet = false } = {}) {
    this.input.value = textOf(kr);
    this.input.dataset.keyResultId = kr.id;
    this.chosen = kr;
    this.close();
    if (!quiet) this.input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  key(event) {
    const open = !this.listbox.hidden;
    const count = this.matches.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        this.search();
        return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.activate(this.active < 0 ? (step > 0 ? 0 : count - 1)
        : (this.active + step + count) % count);
    } else if (event.key === "Enter" && open) {
      event.preventDefault(); // picks a match; does not submit the form
      if (this.active >= 0) this.choose(this.matches[this.active]);
    } else if (event.key === "Escape" && (open || !this.status.hidden)) {
      event.preventDefault();
      this.close();
    }
  }
}
