// Status updates in the detail panel: the latest update beside the computed health (both
// shown, and the difference called out, when they disagree), its Markdown as the server
// rendered it, and a small form to post one for those who may edit the node.
import * as api from "../../api.js";
import { h, clear, errorBox } from "../../dom.js";
import { dateTime, healthLabel } from "../../format.js";
import { healthBadge } from "../tree/tree.js";

const KINDS = new Set(["Goal", "KeyResult", "Campaign"]);
const HEALTHS = ["ON_TRACK", "AT_RISK", "OFF_TRACK"];
// The elements and attributes the server's renderer can produce
// (server/status_updates/markdown.py); anything else is dropped, its text kept.
const ALLOWED = new Set(["P", "UL", "OL", "LI", "PRE", "CODE", "STRONG", "EM", "A", "BR"]);

/** The server's safe HTML, rebuilt element by element from what is allowed only. */
export function markdownBody(html) {
  const source = document.createElement("template");
  source.innerHTML = html;
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const children = [...node.childNodes].map(copy).filter(Boolean);
    if (!ALLOWED.has(node.tagName)) return document.createTextNode(node.textContent);
    const element = document.createElement(node.tagName.toLowerCase());
    const href = node.getAttribute("href");
    if (node.tagName === "A" && href && /^https?:\/\//i.test(href)) {
      element.href = href;
      element.rel = "nofollow noopener noreferrer";
    }
    element.append(...children);
    return element;
  };
  return h("div.status-body", {}, [...source.content.childNodes].map(copy).filter(Boolean));
}

function latestView(node) {
  const update = node.latestStatusUpdate;
  if (!update) return h("p.hint", {}, "No status update yet.");
  const disagreement = node.healthDisagrees
    ? h("p.warning", { dataset: { testid: "status-disagrees" } },
      `The owner reports ${healthLabel(update.health)} where the figures say `
      + `${healthLabel(node.health)}.`)
    : null;
  return [
    h("p.status-line", {}, "Reported ", healthBadge(update.health), " · computed ",
      healthBadge(node.health), ` · ${dateTime(update.postedAt)}`,
      update.author ? ` · ${update.author.name}` : ""),
    disagreement,
    markdownBody(update.bodyHtml),
  ];
}

function postForm(nodeId, posted) {
  const health = h("select", { name: "health", id: "status-health" },
    HEALTHS.map((value) => h("option", { value }, healthLabel(value))));
  const body = h("textarea", { name: "body", id: "status-body", rows: 3, maxlength: 10000,
    placeholder: "What happened, what is next (Markdown: **bold**, *italic*, - lists, links)" });
  const error = h("p.form-error", { role: "alert" });
  const button = h("button", { type: "submit" }, "Post update");
  const form = h("form.status-form", {},
    h("label", { for: "status-health" }, "Health"), health,
    h("label", { for: "status-body" }, "Update"), body, error, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = "";
    try {
      const outcome = await api.postStatusUpdate({ nodeId, health: health.value,
        body: body.value });
      if (outcome.userErrors.length) {
        error.textContent = outcome.userErrors.map((e) => e.message).join(" ");
      } else {
        body.value = "";
        posted();
      }
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The status block of a goal, key result or campaign (null for other kinds). */
export function statusBlock(node, { canPost = false } = {}) {
  if (!KINDS.has(node.__typename)) return null;
  const latest = h("div.status-latest", { dataset: { testid: "status-latest" } });
  const load = async () => {
    try {
      clear(latest, latestView(await api.statusUpdates(node.id)));
    } catch (failure) {
      clear(latest, errorBox(failure));
    }
  };
  load();
  return h("section.block.status", {}, h("h3", {}, "Status update"), latest,
    canPost ? postForm(node.id, load) : null);
}
