// A short message at the foot of the screen, with an optional action (Undo). One at a
// time: a new message replaces the last one.
import { h, clear } from "../../dom.js";

const SHOWN_MS = 12_000;
let region = null;
let timer = null;

function ensureRegion() {
  if (!region || !region.isConnected) {
    region = h("div.toast", { role: "status", "aria-live": "polite", hidden: true,
      dataset: { testid: "toast" } });
    document.body.append(region);
  }
  return region;
}

/** Show `text`; with `action` ({label, run}), a button that runs it and closes the toast. */
export function toast(text, action = null) {
  const box = ensureRegion();
  clearTimeout(timer);
  const close = () => {
    box.hidden = true;
    clear(box);
  };
  clear(box, h("span.toast-text", {}, text),
    action ? h("button.toast-action", { type: "button", onclick: async (event) => {
      event.currentTarget.disabled = true;
      close();
      await action.run();
    } }, action.label) : null,
    h("button.toast-close.secondary", { type: "button", "aria-label": "Dismiss",
      onclick: close }, "×"));
  box.hidden = false;
  timer = setTimeout(close, SHOWN_MS);
}
