// The shared calendar: month, week, list and a timeline with one lane per team, filtered
// by team, kind, channel and goal subtree; clashes marked and explained; campaigns moved
// by dragging; "subscribe" makes an iCalendar feed of the current filter.
// State in the hash: #/calendar?view=month&date=2026-11-01&teams=a,b&kinds=..&channels=..&goal=..
import * as api from "../../api.js";
import * as router from "../../router.js";
import { create, destroy } from "event-calendar";
import { h, clear, empty, errorBox } from "../../dom.js";
import { date, enumLabel, kindLabel, locale } from "../../format.js";
import { nodeLink } from "../detail/detail.js";
import { exportControl } from "../export/export.js";
import { textOn } from "../../colour.js";

const VIEWS = {
  month: { name: "dayGridMonth", text: "Month" },
  week: { name: "dayGridWeek", text: "Week" },
  list: { name: "listMonth", text: "List" },
  timeline: { name: "resourceTimelineMonth", text: "Timeline" },
};
const KINDS = ["CAMPAIGN", "LAUNCH", "RELEASE", "EVENT", "WEBINAR", "SALES_KICKOFF", "DEADLINE",
  "OTHER", "TASK_DUE", "EXTERNAL"];
const CHANNELS = ["EMAIL", "PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SOCIAL", "CONTENT", "SEO",
  "DISPLAY", "VIDEO", "EVENTS", "WEBINAR", "PR", "PARTNER", "AFFILIATE", "DIRECT_MAIL",
  "OUTBOUND", "IN_PRODUCT", "OTHER"];
const EXTERNAL_LANE = "external";

/** A month gets a fixed height so that busy days fold into "+n more"; the rest grow. */
function heightOf(viewKey) {
  return viewKey === "month" ? "860px" : "auto";
}

function isoDay(value) {
  const d = new Date(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function addDays(iso, days) {
  const d = new Date(`${iso}T12:00:00`);
  d.setDate(d.getDate() + days);
  return isoDay(d);
}

function checks(legend, name, options, selected) {
  return h("fieldset.checks", {}, h("legend", {}, legend), options.map(([value, text, color]) =>
    h("label", {}, h("input", { type: "checkbox", name, value, checked: selected.includes(value) }),
      color ? h("span.swatch", { style: { background: color }, "aria-hidden": "true" }) : null,
      ` ${text}`)));
}

function canMove(entry, user) {
  if (entry.kind !== "CAMPAIGN" || !user || user.role === "VIEWER") return false;
  if (user.role === "ADMIN") return true;
  return user.teams.some((team) => team.id === entry.team?.id);
}

export class CalendarView {
  constructor() {
    this.title = "Calendar";
    this.user = api.currentUser();
    this.switcher = h("div.view-switch", { role: "group", "aria-label": "Calendar view" },
      Object.entries(VIEWS).map(([key, view]) => h("button", { type: "button", dataset: { view: key },
        "aria-pressed": "false", onclick: () => router.patch({ view: key }) }, view.text)));
    this.filterBox = h("form.filters", { onsubmit: (e) => e.preventDefault() });
    this.filterBox.addEventListener("change", () => this.applyFilters());
    this.subscribeBox = h("div.subscribe", {});
    this.conflictBox = h("section.conflicts", { "aria-live": "polite" });
    this.entryBox = h("section.entry-panel", {},
      h("p.hint", {}, "Pick an entry to see what it is, its objectives and how to open it."));
    this.status = h("p.summary", { role: "status" });
    this.calendarEl = h("div.calendar", { dataset: { testid: "calendar" } });
    this.element = h("section.calendar-view", {},
      h("h1", {}, "Shared calendar"),
      h("div.toolbar", {}, this.switcher,
        h("button.secondary", { type: "button", onclick: () => this.subscribe() }, "Subscribe…"),
        exportControl("calendar", () => this.exportParams(), "Export this range")),
      this.subscribeBox, this.filterBox, this.status,
      h("div.calendar-layout", {}, this.calendarEl,
        h("div.side", {}, this.entryBox, this.conflictBox)));
    this.timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    this.ec = null;
    this.teams = null;
    this.goals = null;
    this.filterKey = null;
    this.conflicts = [];
    this.moveOutcome = null;
    this.range = null; // {from, to} of the dates shown
    // Someone else's change to dated work (web/live.js): fetch the range again, once a burst settles.
    this.onLive = (event) => {
      if (event.detail?.nodeType && !["Campaign", "Milestone", "Task"].includes(event.detail.nodeType)) return;
      clearTimeout(this.liveTimer);
      this.liveTimer = setTimeout(() => this.ec?.refetchEvents(), 300);
    };
    document.addEventListener("throughline:changed", this.onLive);
    document.addEventListener("throughline:resync", this.onLive);
  }

  /** The range shown, its filters and time zone, as the calendar export's parameters. */
  exportParams() {
    const filter = this.filter();
    return {
      from: this.range?.from, to: this.range?.to, timeZone: this.timeZone,
      teams: filter.teams?.join(","), kinds: filter.kinds?.join(","),
      channels: filter.channels?.join(","), under: filter.under,
      includeTasks: filter.includeTasks ? "true" : "",
    };
  }

  async show({ params }) {
    try {
      if (!this.teams) {
        [this.teams, this.goals] = await Promise.all([api.teams(), api.goalOptions()]);
      }
    } catch (error) {
      clear(this.calendarEl, errorBox(error));
      return;
    }
    this.params = params;
    const viewKey = VIEWS[params.view] ? params.view : "month";
    for (const button of this.switcher.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.view === viewKey));
    }
    const filterKey = JSON.stringify([params.teams, params.kinds, params.channels, params.goal,
      params.tasks]);
    if (filterKey !== this.filterKey) this.renderFilters(params);
    if (!this.ec) {
      this.createCalendar(viewKey, params.date);
      this.filterKey = filterKey;
      return;
    }
    if (this.ec.getOption("view") !== VIEWS[viewKey].name) {
      this.ec.setOption("view", VIEWS[viewKey].name);
      this.ec.setOption("height", heightOf(viewKey));
    }
    if (params.date && isoDay(this.ec.getOption("date")) !== params.date
      && !this.inView(params.date)) {
      this.ec.setOption("date", params.date);
    }
    if (filterKey !== this.filterKey) {
      this.filterKey = filterKey;
      this.ec.refetchEvents();
    }
  }

  inView(iso) {
    const view = this.ec.getView();
    const day = new Date(`${iso}T12:00:00`);
    return day >= view.currentStart && day < view.currentEnd;
  }

  filter() {
    const params = this.params;
    const filter = {};
    const teams = router.list(params.teams);
    const kinds = router.list(params.kinds);
    const channels = router.list(params.channels);
    if (teams.length) filter.teams = teams;
    if (kinds.length) filter.kinds = kinds;
    if (channels.length) filter.channels = channels;
    if (params.goal) filter.under = params.goal;
    if (params.tasks === "1") filter.includeTasks = true;
    return filter;
  }

  renderFilters(params) {
    clear(this.filterBox,
      checks("Teams", "teams", this.teams.map((t) => [t.id, t.name, t.color]),
        router.list(params.teams)),
      checks("Kinds", "kinds", KINDS.map((k) => [k, enumLabel(k)]), router.list(params.kinds)),
      h("label.filter", {}, "Channel", h("select", { name: "channels" },
        h("option", { value: "" }, "All channels"),
        CHANNELS.map((c) => h("option", { value: c, selected: params.channels === c },
          enumLabel(c))))),
      h("label.filter", {}, "Serving goal", h("select", { name: "goal" },
        h("option", { value: "" }, "Any goal"),
        this.goals.map((g) => h("option", { value: g.id, selected: params.goal === g.id },
          `${g.parent ? "— " : ""}${g.title}`)))),
      h("label.filter", {}, h("span", {}, "Task due dates"), h("input", { type: "checkbox",
        name: "tasks", checked: params.tasks === "1" })));
  }

  applyFilters() {
    const form = this.filterBox;
    const values = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)]
      .map((input) => input.value).join(",");
    router.patch({ teams: values("teams"), kinds: values("kinds"),
      channels: form.elements.channels.value, goal: form.elements.goal.value,
      tasks: form.elements.tasks.checked ? "1" : "" });
  }

  createCalendar(viewKey, day) {
    clear(this.calendarEl);
    const resources = [...this.teams.map((t) => ({ id: t.id, title: t.name })),
      { id: EXTERNAL_LANE, title: "Imported calendars" }];
    this.ec = create(this.calendarEl, {
      view: VIEWS[viewKey].name,
      date: day || undefined,
      height: heightOf(viewKey),
      firstDay: 1,
      locale: locale(),
      headerToolbar: { start: "prev,next today", center: "title", end: "" },
      resources,
      dayMaxEvents: true,
      eventStartEditable: true,
      eventDurationEditable: false,
      eventSources: [{ events: (info) => this.fetchEvents(info) }],
      eventClick: (info) => this.openEntry(info.event.extendedProps.entry),
      eventDrop: (info) => this.moveCampaign(info),
      datesSet: (info) => {
        const start = isoDay(info.view.currentStart);
        if (this.params?.date !== start) router.patch({ date: start }, { replace: true });
      },
      eventContent: (info) => {
        const entry = info.event.extendedProps.entry;
        const clash = this.conflictsOf(entry).length > 0;
        const label = h("span.event-label", {}, clash ? "⚠ " : "",
          entry.kind === "CAMPAIGN" ? "" : `${enumLabel(entry.kind)}: `, entry.title);
        return { domNodes: [label] };
      },
      eventDidMount: (info) => {
        const entry = info.event.extendedProps.entry;
        info.el.dataset.entry = entry.id;
        info.el.setAttribute("title", this.describe(entry));
      },
    });
  }

  describe(entry) {
    const clashes = this.conflictsOf(entry).map((c) => `Conflict: ${c.message}`);
    return [entry.title, entry.team?.name ?? entry.externalCalendar,
      `${date(entry.startDate)} – ${date(entry.endDate)}`, ...clashes].filter(Boolean).join("\n");
  }

  conflictsOf(entry) {
    return this.conflicts.filter((c) => c.entries.some((e) => e.id === entry.id));
  }

  async fetchEvents(info) {
    const from = isoDay(info.start);
    const to = addDays(isoDay(info.end), -1);
    this.range = { from, to };
    // The outcome of a move stays in front of the status line the reload rewrites.
    const moved = this.moveOutcome;
    this.moveOutcome = null;
    const say = (text) => {
      this.status.textContent = [moved, text].filter(Boolean).join(" ");
    };
    say("Loading the calendar…");
    try {
      const calendar = await api.calendar(from, to, this.timeZone, this.filter());
      this.conflicts = calendar.conflicts;
      this.renderConflicts();
      const entries = calendar.entries.nodes;
      say(entries.length
        ? `${entries.length} entries from ${date(from)} to ${date(to)}`
          + `${calendar.entries.totalCount > entries.length ? ` (first ${entries.length} of ${calendar.entries.totalCount})` : ""}`
          + `; times in ${calendar.timeZone}.`
        : "Nothing planned in this range with these filters. Move to another month or clear a filter.");
      return entries.map((entry) => this.toEvent(entry));
    } catch (error) {
      say(error.message);
      return [];
    }
  }

  toEvent(entry) {
    const timed = !entry.allDay && entry.startsAt;
    const clash = this.conflictsOf(entry).length > 0;
    return {
      id: entry.id,
      title: entry.title,
      allDay: !timed,
      start: timed ? entry.startsAt.slice(0, 19) : entry.startDate,
      end: timed ? (entry.endsAt ?? entry.startsAt).slice(0, 19) : addDays(entry.endDate, 1),
      resourceIds: [entry.team?.id ?? EXTERNAL_LANE],
      backgroundColor: entry.color,
      textColor: textOn(entry.color),
      startEditable: canMove(entry, this.user),
      classNames: [clash ? "conflict" : "", `kind-${entry.kind.toLowerCase()}`].filter(Boolean),
      extendedProps: { entry },
    };
  }

  renderConflicts() {
    if (!this.conflicts.length) {
      clear(this.conflictBox, h("h2", {}, "Conflicts"), empty("No clashes in this range."));
      return;
    }
    clear(this.conflictBox, h("h2", {}, `Conflicts (${this.conflicts.length})`),
      h("ul", {}, this.conflicts.map((conflict) => h("li", { dataset: { testid: "conflict" } },
        h(`span.severity.severity-${conflict.severity.toLowerCase()}`, {}, `⚠ ${conflict.severity}`),
        ` ${enumLabel(conflict.rule)}, ${date(conflict.startDate)} – ${date(conflict.endDate)}: `,
        conflict.message))));
  }

  openEntry(entry) {
    const node = entry.node;
    const clashes = this.conflictsOf(entry);
    clear(this.entryBox,
      h("p.kind-line", {}, h("span.kind", {}, enumLabel(entry.kind)),
        entry.team ? h("span.team", {}, h("span.swatch", { style: { background: entry.color } }),
          entry.team.name) : h("span.team", {}, entry.externalCalendar ?? "")),
      h("h2", { dataset: { testid: "entry-title" } }, entry.title),
      h("p", {}, entry.allDay ? `${date(entry.startDate)} – ${date(entry.endDate)}`
        : `${entry.startsAt} – ${entry.endsAt ?? ""}`),
      entry.description ? h("p.description", {}, entry.description) : null,
      entry.channels.length ? h("p", {}, `Channels: ${entry.channels.map(enumLabel).join(", ")}`) : null,
      entry.audience ? h("p", {}, `Audience: ${entry.audience}`) : null,
      entry.location ? h("p", {}, `Where: ${entry.location}`) : null,
      h("h3", {}, "Serves"),
      entry.objectives.length
        ? h("ul.links", { dataset: { testid: "entry-objectives" } }, entry.objectives.map((goal) =>
          h("li", {}, nodeLink({ __typename: "Goal", ...goal }))))
        : empty(entry.kind === "EXTERNAL" ? "An imported event: it serves no objective."
          : "Unaligned: it serves no objective yet."),
      node ? h("p", {}, h("a", { href: `#/goals/${encodeURIComponent(node.id)}` },
        `Open this ${kindLabel(node.__typename).toLowerCase()} in the goal tree`)) : null,
      clashes.length ? [h("h3", {}, "Conflicts"), h("ul", {}, clashes.map((c) =>
        h("li", {}, c.message)))] : null);
  }

  async moveCampaign(info) {
    const entry = info.event.extendedProps.entry;
    const startDate = isoDay(info.event.start);
    const endDate = addDays(isoDay(info.event.end ?? info.event.start), -1);
    this.status.textContent = `Moving ${entry.title}…`;
    try {
      const current = await api.campaignVersion(entry.node.id);
      const outcome = await api.updateCampaign({ id: entry.node.id, version: current.version,
        startDate, endDate });
      if (outcome.userErrors.length) {
        info.revert();
        this.status.textContent = `Not moved: ${outcome.userErrors.map((e) => e.message).join(" ")}`;
        return;
      }
      this.status.textContent = `Moved ${entry.title} to ${date(startDate)} – ${date(endDate)}.`;
    } catch (error) {
      info.revert();
      this.status.textContent = error.code === "CONFLICT"
        ? "Someone else changed this campaign meanwhile; the calendar was reloaded. Try again."
        : `Not moved: ${error.message}`;
    }
    this.moveOutcome = this.status.textContent;
    this.ec.refetchEvents();
  }

  async subscribe() {
    const filter = this.filter();
    const name = `Throughline calendar${filter.teams ? ` (${filter.teams.length} teams)` : ""}`;
    clear(this.subscribeBox, h("p.loading", { role: "status" }, "Making a feed…"));
    try {
      const outcome = await api.createFeed(name, filter);
      if (outcome.userErrors.length) {
        clear(this.subscribeBox, h("p.error", {}, outcome.userErrors.map((e) => e.message).join(" ")));
        return;
      }
      const input = h("input.feed-url", { type: "text", readOnly: true, value: outcome.url,
        "aria-label": "Feed address", dataset: { testid: "feed-url" } });
      const copied = h("span", { role: "status" });
      clear(this.subscribeBox, h("p", {}, "Add this address to your calendar app. It is shown "
        + "only now: keep it, anyone who has it can read the feed. It shows: ",
      h("strong", {}, outcome.calendarFeed.filterDescription)),
      h("div.toolbar", {}, input, h("button", { type: "button", onclick: async () => {
        input.select();
        try {
          await navigator.clipboard.writeText(outcome.url);
          copied.textContent = "Copied.";
        } catch {
          copied.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
        }
      } }, "Copy"), copied));
      input.focus();
      input.select();
    } catch (error) {
      clear(this.subscribeBox, errorBox(error));
    }
  }

  destroy() {
    document.removeEventListener("throughline:changed", this.onLive);
    document.removeEventListener("throughline:resync", this.onLive);
    clearTimeout(this.liveTimer);
    if (this.ec) destroy(this.ec);
    this.ec = null;
  }
}
