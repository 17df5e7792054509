// Workload: each team (expandable to its people) week by week against capacity.
// State in the hash: #/workload?from=2027-03-08&weeks=8. A cell shows booked / capacity
// hours with a fill, an over-booked week an icon and a word as well as a colour; clicking
// it lists the tasks behind that week, each opening its node in the goal tree.
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { date, number, plural, shortDate } from "../../format.js";
import { isIsoDate, mondayOf, range, today } from "./weeks.js";

const WEEK_CHOICES = [4, 8, 12, 26];
const DEFAULT_WEEKS = 8;
const OVER_ICON = "⚠";
// Changes that can move hours or capacity: a task's dates, estimate, status or team, a
// campaign's or goal's owner team (a task's team is derived from them), people, teams.
const LIVE_TYPES = new Set(["Task", "Campaign", "KeyResult", "Goal", "User", "Team"]);
const LIVE_DELAY_MS = 300;

function hours(value) {
  return `${number(value, 1)} h`;
}

/** Booked against capacity as a fill width (0..100); full when there is no capacity. */
function fillPercent(week) {
  const booked = Number(week.bookedHours);
  const capacity = Number(week.capacityHours);
  if (capacity <= 0) return booked > 0 ? 100 : 0;
  return Math.min(100, Math.round((booked / capacity) * 100));
}

function overMark() {
  return h("span.wl-over", {}, h("span", { "aria-hidden": "true" }, OVER_ICON), " Over");
}

/** The range the hash asks for, or the default: this week and the next seven. */
export function chosenRange(params) {
  const weeks = WEEK_CHOICES.includes(Number(params.weeks)) ? Number(params.weeks) : DEFAULT_WEEKS;
  const start = isIsoDate(params.from) ? params.from : today();
  return { weeks, ...range(start, weeks) };
}

export class WorkloadView {
  constructor() {
    this.title = "Workload";
    this.expanded = new Set();
    this.filters = h("form.filters.wl-range", { onsubmit: (e) => e.preventDefault() },
      h("label.filter", {}, "Week of", h("input", { type: "date", name: "from", required: true })),
      h("label.filter", {}, "Weeks", h("select", { name: "weeks" },
        WEEK_CHOICES.map((n) => h("option", { value: String(n) }, String(n))))),
      h("button.secondary", { type: "button", name: "this-week" }, "This week"));
    this.filters.addEventListener("change", (event) => {
      const { name, value } = event.target;
      if (name === "from" && !isIsoDate(value)) return;
      router.patch({ [name]: name === "from" ? mondayOf(value) : value });
    });
    this.filters.elements["this-week"].addEventListener("click", () => {
      router.patch({ from: mondayOf(today()) });
    });
    this.summary = h("p.summary", { "aria-live": "polite" });
    this.grid = h("div.wl-scroll", {
      role: "region", "aria-label": "Workload by week", tabindex: "0", "data-testid": "workload-grid",
    });
    this.tasks = h("section.wl-tasks", { "aria-live": "polite", "data-testid": "workload-tasks" });
    this.element = h("section.workload-view", {}, h("h1", { "data-skip-target": true,
      tabindex: "-1" }, "Workload"), this.filters,
      h("p.wl-legend", {}, "Each cell: hours booked / capacity. ",
        h("span.wl-over", {}, h("span", { "aria-hidden": "true" }, OVER_ICON), " Over"),
        " marks a week booked past capacity. Choose a cell for the tasks behind it."),
      this.summary, this.grid, this.tasks);
    // Someone's change to the work or the people behind it (web/live.js): count again,
    // once for a burst of changes.
    this.onLive = (event) => {
      if (event.type === "throughline:resync" || LIVE_TYPES.has(event.detail?.nodeType)) {
        this.refreshSoon();
      }
    };
    document.addEventListener("throughline:changed", this.onLive);
    document.addEventListener("throughline:resync", this.onLive);
  }

  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.loaded = null;
      this.show(router.parse()).catch(() => {});
    }, LIVE_DELAY_MS);
  }

  destroy() {
    clearTimeout(this.refreshTimer);
    document.removeEventListener("throughline:changed", this.onLive);
    document.removeEventListener("throughline:resync", this.onLive);
  }

  async show({ params }) {
    const chosen = chosenRange(params);
    this.filters.elements.from.value = chosen.from;
    this.filters.elements.weeks.value = String(chosen.weeks);
    if (this.loaded === `${chosen.from}|${chosen.to}`) return;
    const key = `${chosen.from}|${chosen.to}`;
    if (this.shownRange !== key) {
      this.selected = null;
      clear(this.tasks);
    }
    try {
      const data = await withLoading(this.grid, api.workloadGrid(chosen.from, chosen.to),
        "Adding up the hours…");
      this.loaded = key;
      this.shownRange = key;
      this.render(data, chosen);
      if (this.selected) this.showTasks(...this.selected, { focus: false });
    } catch (error) {
      clear(this.grid, errorBox(error));
    }
  }

  render({ teams, people }, chosen) {
    if (!teams.length) {
      clear(this.grid, empty("No teams yet: workload is counted per team and person."));
      this.summary.textContent = "";
      return;
    }
    const weeks = teams[0].workload.weeks;
    const overWeeks = (subjects) => subjects.reduce((n, subject) =>
      n + subject.workload.weeks.filter((w) => w.overbooked).length, 0);
    const teamWeeks = overWeeks(teams);
    const personWeeks = overWeeks(people);
    this.summary.textContent = `${date(chosen.from)} to ${date(chosen.to)}: `
      + `${plural(teamWeeks, "over-booked team week")}, `
      + `${plural(personWeeks, "over-booked person week")}.`;
    const head = h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Team / person"),
      weeks.map((week) => h("th", { scope: "col", dataset: { week: week.weekStart } },
        h("span.visually-hidden", {}, "Week of "), shortDate(week.weekStart)))));
    const body = h("tbody", {});
    for (const team of teams) {
      const members = people.filter((person) => person.teams.some((t) => t.id === team.id));
      const rows = members.map((person) => this.row(person, "person", team.id));
      body.append(this.row(team, "team", team.id, rows), ...rows);
    }
    // People in no team still have hours and a capacity of their own.
    const loners = people.filter((person) => !person.teams.length);
    if (loners.length) {
      body.append(h("tr.wl-group", {}, h("th.wl-name", { scope: "row" }, "In no team"),
        h("td", { colSpan: weeks.length })));
      for (const person of loners) {
        const row = this.row(person, "person", null);
        row.hidden = false;
        body.append(row);
      }
    }
    const { scrollLeft, scrollTop } = this.grid; // kept when the same range is counted again
    clear(this.grid, h("table.wl-grid", {}, h("caption.visually-hidden", {},
      "Hours booked against capacity by team and person, week by week"), head, body));
    Object.assign(this.grid, { scrollLeft, scrollTop });
  }

  row(subject, kind, teamId, memberRows = []) {
    const open = this.expanded.has(teamId);
    let name;
    if (kind === "team") {
      const toggle = h("button.wl-toggle", { type: "button", "aria-expanded": String(open),
        disabled: !memberRows.length }, h("span.wl-chevron", { "aria-hidden": "true" }, "▸"),
        " ", subject.name);
      toggle.addEventListener("click", () => {
        const now = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(now));
        if (now) this.expanded.add(teamId); else this.expanded.delete(teamId);
        for (const row of memberRows) row.hidden = !now;
      });
      name = h("th.wl-name", { scope: "row" }, h("span.wl-swatch", { "aria-hidden": "true",
        style: { background: subject.color } }), toggle);
    } else {
      name = h("th.wl-name.wl-person", { scope: "row" }, subject.name);
    }
    return h(`tr.wl-${kind}`, { hidden: kind === "person" && !open,
      dataset: { subject: subject.id, kind } },
    name, subject.workload.weeks.map((week) => h("td", {}, this.cell(subject, week))));
  }

  cell(subject, week) {
    const button = h(`button.wl-cell${week.overbooked ? ".is-over" : ""}`, {
      type: "button",
      dataset: { week: week.weekStart, booked: week.bookedHours, capacity: week.capacityHours,
        overbooked: String(week.overbooked) },
    },
    h("span.visually-hidden", {}, `${subject.name}, week of ${date(week.weekStart)}: `),
    h("span.wl-hours", {}, `${number(week.bookedHours, 1)} / ${hours(week.capacityHours)}`),
    h("span.wl-bar", { "aria-hidden": "true" },
      h("span.wl-fill", { style: { width: `${fillPercent(week)}%` } })),
    week.overbooked ? overMark() : null);
    button.addEventListener("click", () => this.showTasks(subject, week));
    return button;
  }

  async showTasks(subject, week, { focus = true } = {}) {
    this.selected = [subject, week];
    const heading = h("h2", { tabindex: "-1" }, `${subject.name} · week of ${date(week.weekStart)}`);
    try {
      const node = await withLoading(this.tasks,
        api.workloadTasks(subject.id, week.weekStart, week.weekEnd), "Finding the tasks…");
      const found = node?.workload.weeks[0];
      if (!found) {
        clear(this.tasks, heading, empty("This team or person is no longer there."));
        return;
      }
      const figures = h("p.wl-figures", {}, `${hours(found.bookedHours)} booked of `
        + `${hours(found.capacityHours)}`, found.overbooked ? [" ", overMark()] : null);
      const list = found.tasks.length
        ? h("ul.wl-task-list", {}, found.tasks.map((booked) => h("li", {},
          h("a", { href: `#/goals/${encodeURIComponent(booked.task.id)}` }, booked.task.title),
          h("span.wl-task-hours", {}, ` ${hours(booked.hours)}`,
            booked.estimated ? "" : " (no estimate: default hours)",
            booked.task.dueDate ? ` · due ${date(booked.task.dueDate)}` : ""))))
        : empty("No tasks book hours this week.");
      clear(this.tasks, heading, figures, list);
      if (focus) heading.focus();
    } catch (error) {
      clear(this.tasks, heading, errorBox(error));
    }
  }
}
