// The clashes of the range grouped by rule and severity with their counts (from the
// API's conflictGroups), most severe first; a group lists its clashes a page at a time,
// so a thousand clashes are a few lines until someone opens one.
import { h, clear, empty } from "../../dom.js";
import { enumLabel } from "../../format.js";
import { calendarLocale, counted, span } from "./calendar-format.js";
import { readableText } from "../risks/sentences.js";

/** Clashes a group lists before "Show more". */
export const GROUP_PAGE = 20;
/** Up to this many clashes in all, every group starts open. */
const OPEN_UP_TO = 10;

function conflictItem(conflict, show) {
  return h("li", { dataset: { testid: "conflict" } },
    h("button.link", { type: "button", onclick: () => show(conflict),
      title: "Show the entries of this clash" }, span(conflict.startDate, conflict.endDate)),
    " ", readableText(conflict.message));
}

function groupBox(group, conflicts, open, show) {
  const list = h("ul.conflict-list");
  const more = h("button.secondary.more", { type: "button" });
  let shown = 0;
  const showMore = () => {
    const next = conflicts.slice(shown, shown + GROUP_PAGE);
    list.append(...next.map((conflict) => conflictItem(conflict, show)));
    shown += next.length;
    more.hidden = shown >= conflicts.length;
    more.textContent = `Show ${Math.min(GROUP_PAGE, conflicts.length - shown)} more of `
      + `${conflicts.length - shown}`;
  };
  more.addEventListener("click", showMore);
  const box = h("details.conflict-group",
    { open, dataset: { testid: "conflict-group", rule: group.rule, severity: group.severity } },
    h("summary", {}, h(`span.severity.severity-${group.severity.toLowerCase()}`, {},
      `⚠ ${enumLabel(group.severity)}`), ` ${enumLabel(group.rule)}: `,
    h("strong.group-count", {}, counted(group.count, "clash", "clashes"))),
    list, more);
  // clashes are put in the page only when their group is opened
  if (open) showMore();
  else box.addEventListener("toggle", () => { if (box.open && !shown) showMore(); });
  return box;
}

/** Fill `box` with the groups; `show(conflict)` points at a clash's entries. */
export function renderConflicts(box, groups, conflicts, show) {
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  if (!total) {
    clear(box, h("h2", {}, "Conflicts"), empty("No clashes in this range."));
    return;
  }
  const open = total <= OPEN_UP_TO;
  clear(box, h("h2", {}, `Conflicts (${new Intl.NumberFormat(calendarLocale()).format(total)})`),
    groups.map((group) => groupBox(group, conflicts.filter((c) => c.rule === group.rule
      && c.severity === group.severity), open, show)));
}
