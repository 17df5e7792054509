// The band of long-running campaigns above the month and the week: one thin row each,
// its bar placed on the range shown and its dates written out, so the always-on work is
// seen at a glance without filling every day of the grid. It folds away.
import { h } from "../../dom.js";
import { counted, span } from "./calendar-format.js";

const DAY = 86_400_000;

function dayNumber(iso) {
  return Date.parse(`${iso}T00:00:00Z`) / DAY;
}

/** Where a bar from `startDate` to `endDate` lies on `from`..`to`, in percent. */
export function placement(startDate, endDate, from, to) {
  const first = dayNumber(from);
  const days = dayNumber(to) - first + 1;
  const start = Math.max(dayNumber(startDate), first) - first;
  const end = Math.min(dayNumber(endDate), dayNumber(to)) - first + 1;
  return { left: (100 * start) / days, width: (100 * Math.max(end - start, 0)) / days };
}

/**
 * The band for `campaigns` over `from`..`to`. `clashesOf(entry)` gives an entry's clashes,
 * `open(entry)` shows it; `expanded` is whether the band starts unfolded.
 */
export function runningBand({ campaigns, from, to, clashesOf, open, expanded }) {
  if (!campaigns.length) return null;
  const rows = campaigns.map((entry) => {
    const clashes = clashesOf(entry);
    const where = placement(entry.startDate, entry.endDate, from, to);
    return h("li.running-row", { dataset: { entry: entry.id } },
      h("button.running-title", { type: "button", onclick: () => open(entry),
        title: entry.title }, clashes.length ? "⚠ " : "", entry.title),
      h("span.running-track", { "aria-hidden": "true" },
        h("span.running-bar", { style: { left: `${where.left}%`, width: `${where.width}%`,
          background: entry.color } })),
      h("span.running-dates", {}, span(entry.startDate, entry.endDate),
        entry.team ? ` · ${entry.team.name}` : "",
        clashes.length ? h("span.clash-count", {}, ` · ${counted(clashes.length, "clash", "clashes")}`)
          : ""));
  });
  return h("details.running-band", { open: expanded, dataset: { testid: "running-band" } },
    h("summary", {}, `Running through this range: ${counted(campaigns.length, "campaign")}`),
    h("ul", {}, rows));
}
