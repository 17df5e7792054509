// The shared calendar: month, week, list and a timeline with one lane per team, filtered
// by team, kind, channel and goal subtree. It answers "what is happening, and does it
// clash?": dated events (launches, releases, webinars, kickoffs, deadlines, blocking
// days) come first in every day; campaigns running longer than a week sit in a band of
// their own above the month and the week; clashes are marked on the grid and counted by
// rule and severity beside it; the list has one row per entry with its span; every
// entry of the range is loaded, page after page. Campaigns move by dragging, and the
// last move can be undone. `reload()` fetches the range shown again.
// State in the hash: #/calendar?view=month&date=2026-11-01&teams=a,b&kinds=..&channels=..&goal=..
import * as api from "../../api.js";
import * as router from "../../router.js";
import { create, destroy } from "event-calendar";
import { h, clear, empty, errorBox } from "../../dom.js";
import { date, enumLabel, kindLabel, locale } from "../../format.js";
import { nodeLink } from "../detail/detail.js";
import { exportControl } from "../export/export.js";
import { textOn } from "../../colour.js";
import { counted, dayMonth, libraryFormats, span, timeOfDay } from "./calendar-format.js";
import { conflictsByDay, conflictsByEntry, daysOf, isRunning, loadRange, MAX_ENTRIES }
  from "./calendar-data.js";
import { runningBand } from "./running-band.js";
import { renderConflicts } from "./conflict-panel.js";
import { readableText } from "../risks/sentences.js";
import { withoutTableRoles } from "./calendar-aria.js";

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
/** Order within a day: clash markers, then what is dated (launches first), then the
 * work that runs behind it. */
const RANK = { CLASH: 0, LAUNCH: 1, RELEASE: 2, EVENT: 3, SALES_KICKOFF: 4, WEBINAR: 5,
  DEADLINE: 6, BLOCKING: 7, OTHER: 8, CAMPAIGN: 9, TASK_DUE: 10, EXTERNAL: 11 };
const SEVERITY_RANK = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
const NARROW = "(max-width: 700px)";
/** The band of running campaigns starts unfolded on a wide screen up to this many rows. */
const BAND_OPEN_UP_TO = 20;

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

/** "Launch: " before a milestone's title, unless the title says so already. */
function kindPrefix(entry) {
  if (entry.kind === "CAMPAIGN") return "";
  const kind = enumLabel(entry.kind);
  return entry.title.toLowerCase().startsWith(kind.toLowerCase()) ? "" : `${kind}: `;
}

/** Days a one-day entry's marker takes in the timeline: room for its title beside it. */
function labelDays(entry) {
  return Math.min(8, Math.max(2, Math.ceil((entry.title.length + 12) / 8)));
}

function rankOf(entry) {
  if (entry.kind === "EXTERNAL" && entry.blocking) return RANK.BLOCKING;
  return RANK[entry.kind] ?? RANK.OTHER;
}

function worstSeverity(conflicts) {
  return conflicts.reduce((worst, c) => (SEVERITY_RANK[c.severity] > SEVERITY_RANK[worst]
    ? c.severity : worst), "LOW");
}

function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
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
    this.filterSummary = h("summary", {}, "Filters");
    this.filters = h("details.calendar-filters", { open: !matchMedia(NARROW).matches },
      this.filterSummary, this.filterBox);
    this.subscribeBox = h("div.subscribe", {});
    this.conflictBox = h("section.conflicts", { "aria-live": "polite",
      "aria-label": "Conflicts" });
    this.entryBox = h("section.entry-panel", { "aria-label": "Selected entry", tabindex: "-1" },
      h("p.hint", {}, "Pick an entry to see what it is, its objectives and how to open it."));
    this.status = h("p.summary", { role: "status" });
    this.undoBox = h("div.undo");
    this.notice = h("p.notice.calendar-notice", { hidden: true, dataset: { testid: "calendar-notice" } });
    this.bandBox = h("div.band-box");
    this.calendarEl = h("div.calendar", { dataset: { testid: "calendar" }, tabindex: "-1",
      "aria-label": "Calendar grid" });
    this.element = h("section.calendar-view", {},
      h("button.skip-to-grid", { type: "button", onclick: () => this.focusGrid() },
        "Skip to the calendar grid"),
      h("h1", {}, "Shared calendar"),
      h("div.toolbar", {}, this.switcher,
        h("button.secondary", { type: "button", onclick: () => this.subscribe() }, "Subscribe…"),
        exportControl("calendar", () => this.exportParams(), "Export this range")),
      this.subscribeBox, this.filters, h("div.status-line", {}, this.status, this.undoBox),
      this.notice,
      h("div.calendar-layout", {}, h("div.calendar-main", {}, this.calendarEl, this.bandBox),
        h("div.side", {}, this.entryBox, this.conflictBox)));
    this.timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    this.ec = null;
    this.viewKey = "month";
    this.teams = null;
    this.goals = null;
    this.filterKey = null;
    this.loaded = null; // {key, promise} of the range last asked for
    this.data = null; // what loadRange answered for the range shown
    this.byEntry = new Map();
    this.moveOutcome = null;
    this.lastMove = null; // {entry, id, before: [start, end], after: [start, end]}
    this.range = null; // {from, to} of the dates shown
    // Someone else's change to dated work (web/live.js): fetch the range again, once a burst settles.
    this.onLive = (event) => {
      if (event.detail?.nodeType && !["Campaign", "Milestone", "Task"].includes(event.detail.nodeType)) return;
      clearTimeout(this.liveTimer);
      this.liveTimer = setTimeout(() => this.reload(), 300);
    };
    document.addEventListener("throughline:changed", this.onLive);
    document.addEventListener("throughline:resync", this.onLive);
    this.onKey = (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && !event.shiftKey
        && this.lastMove && !isTyping(event.target) && this.element.isConnected) {
        event.preventDefault();
        this.undo();
      }
    };
    document.addEventListener("keydown", this.onKey);
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
      this.viewKey = viewKey;
      this.createCalendar(viewKey, params.date);
      this.filterKey = filterKey;
      return;
    }
    let refetch = filterKey !== this.filterKey;
    if (this.ec.getOption("view") !== VIEWS[viewKey].name) {
      this.viewKey = viewKey;
      this.ec.setOption("view", VIEWS[viewKey].name);
      for (const [name, value] of Object.entries(libraryFormats(viewKey))) {
        this.ec.setOption(name, value);
      }
      this.element.dataset.view = viewKey;
      refetch = true; // each view draws the entries its own way
    }
    if (params.date && isoDay(this.ec.getOption("date")) !== params.date
      && !this.inView(params.date)) {
      this.ec.setOption("date", params.date);
    }
    this.filterKey = filterKey;
    if (refetch) this.ec.refetchEvents();
  }

  /** Fetch the range shown again (after a change made elsewhere), keeping the view. */
  reload() {
    this.loaded = null;
    this.ec?.refetchEvents();
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
    const active = [params.teams, params.kinds, params.channels, params.goal, params.tasks]
      .filter(Boolean).length;
    this.filterSummary.textContent = active ? `Filters (${active} in use)` : "Filters";
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
    this.element.dataset.view = viewKey;
    const resources = [...this.teams.map((t) => ({ id: t.id, title: t.name })),
      { id: EXTERNAL_LANE, title: "Imported calendars" }];
    this.ec = create(this.calendarEl, {
      view: VIEWS[viewKey].name,
      date: day || undefined,
      height: "auto",
      firstDay: 1,
      locale: locale(),
      headerToolbar: { start: "prev,next today", center: "title", end: "" },
      resources,
      // every dated event stays on its day: nothing folds into "+n more"
      dayMaxEvents: false,
      eventStartEditable: true,
      eventDurationEditable: false,
      eventOrder: (a, b) => a.extendedProps.rank - b.extendedProps.rank
        || a.start - b.start || a.title.localeCompare(b.title),
      eventSources: [{ events: (info) => this.fetchEvents(info) }],
      eventClick: (info) => {
        const props = info.event.extendedProps;
        if (props.clashes) this.showClashes(props.clashes, props.day);
        else this.openEntry(props.entry);
      },
      eventDrop: (info) => this.moveCampaign(info),
      datesSet: (info) => {
        const start = isoDay(info.view.currentStart);
        if (this.params?.date !== start) router.patch({ date: start }, { replace: true });
      },
      eventContent: (info) => ({ domNodes: [this.contentOf(info.event.extendedProps)] }),
      eventDidMount: (info) => {
        const props = info.event.extendedProps;
        if (props.clashes) {
          info.el.dataset.clashDay = props.day;
          info.el.setAttribute("title", props.clashes.map((c) => readableText(c.message)).join("\n"));
          return;
        }
        info.el.dataset.entry = props.entry.id;
        info.el.setAttribute("title", this.describe(props.entry));
      },
      ...libraryFormats(viewKey),
    });
    this.aria = withoutTableRoles(this.calendarEl);
  }

  /** What an entry's box says, view by view. */
  contentOf({ entry, clashes, day }) {
    if (clashes) {
      return h("span.event-label", {}, `⚠ ${counted(clashes.length, "clash", "clashes")}`);
    }
    const clash = this.conflictsOf(entry).length ? "⚠ " : "";
    const kind = kindPrefix(entry);
    const time = !entry.allDay && entry.startsAt ? `${timeOfDay(entry.startsAt)} ` : "";
    if (this.viewKey === "list") {
      return h("span.event-label.list-row", {},
        h("span.list-span", {}, span(entry.startDate, entry.endDate)),
        h("span.list-title", {}, clash, kind, entry.title),
        h("span.list-team", {}, entry.team?.name ?? entry.externalCalendar ?? ""));
    }
    const marker = this.viewKey === "timeline" && daysOf(entry) === 1 ? "◆ " : "";
    return h("span.event-label", {}, clash, marker, time, kind, entry.title);
  }

  describe(entry) {
    const clashes = this.conflictsOf(entry).map((c) => `Conflict: ${readableText(c.message)}`);
    return [entry.title, entry.team?.name ?? entry.externalCalendar,
      `${date(entry.startDate)} – ${date(entry.endDate)}`, ...clashes].filter(Boolean).join("\n");
  }

  conflictsOf(entry) {
    return this.byEntry.get(entry.id) ?? [];
  }

  /** The range's data, loaded once for every view and redraw of the same range. */
  load(from, to) {
    const filter = this.filter();
    const key = JSON.stringify([from, to, this.timeZone, filter]);
    if (this.loaded?.key !== key) {
      const promise = loadRange(from, to, this.timeZone, filter);
      this.loaded = { key, promise };
      promise.catch(() => { if (this.loaded?.promise === promise) this.loaded = null; });
    }
    return this.loaded.promise;
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
      const data = await this.load(from, to);
      this.data = data;
      this.byEntry = conflictsByEntry(data.conflicts);
      renderConflicts(this.conflictBox, data.conflictGroups, data.conflicts,
        (conflict) => this.showClashes([conflict], conflict.startDate));
      const entries = data.entries;
      const missing = data.totalCount - entries.length;
      this.notice.hidden = missing <= 0;
      this.notice.textContent = missing > 0
        ? `Showing the first ${counted(entries.length, "entry", "entries")} of `
          + `${data.totalCount} in this range (at most ${MAX_ENTRIES} are loaded): narrow the `
          + "filters or pick the week to see the rest."
        : "";
      say(entries.length
        ? `${entries.length} entries from ${date(from)} to ${date(to)}; times in ${data.timeZone}.`
        : "Nothing planned in this range with these filters. Move to another month or clear a filter.");
      return this.eventsFor(entries, from, to);
    } catch (error) {
      say(error.message);
      return [];
    }
  }

  /** The library's events for the view shown: in the month and the week long campaigns
   * go to the band and each day with clashes gets a marker; the list gets one row per
   * entry, on its first day in the range. */
  eventsFor(entries, from, to) {
    const gridded = this.viewKey === "month" || this.viewKey === "week";
    const running = gridded ? entries.filter(isRunning) : [];
    this.renderBand(running, from, to);
    const shown = gridded ? entries.filter((entry) => !isRunning(entry)) : entries;
    const events = shown.map((entry) => this.toEvent(entry, from));
    if (gridded) {
      for (const [day, clashes] of conflictsByDay(this.data.conflicts, from, to)) {
        events.push({
          id: `clash-${day}`, title: "clash", allDay: true, start: day, end: addDays(day, 1),
          startEditable: false,
          classNames: ["clash-marker", `severity-${worstSeverity(clashes).toLowerCase()}`],
          extendedProps: { clashes, day, rank: RANK.CLASH },
        });
      }
    }
    return events;
  }

  renderBand(running, from, to) {
    const wasOpen = this.bandBox.querySelector("details")?.open;
    clear(this.bandBox, runningBand({
      campaigns: running, from, to,
      clashesOf: (entry) => this.conflictsOf(entry),
      open: (entry) => this.openEntry(entry),
      expanded: wasOpen ?? (!matchMedia(NARROW).matches && running.length <= BAND_OPEN_UP_TO),
    }));
  }

  toEvent(entry, from) {
    const timed = !entry.allDay && entry.startsAt;
    const clash = this.conflictsOf(entry).length > 0;
    let start = timed ? entry.startsAt.slice(0, 19) : entry.startDate;
    let end = timed ? (entry.endsAt ?? entry.startsAt).slice(0, 19) : addDays(entry.endDate, 1);
    if (this.viewKey === "list" && !timed) {
      // one row per entry: on its first day in the range, its span written in the row
      start = entry.startDate < from ? from : entry.startDate;
      end = addDays(start, 1);
    } else if (this.viewKey === "timeline" && daysOf(entry) === 1) {
      // a marker with its title beside it: the lane keeps the title's room free
      start = entry.startDate;
      end = addDays(start, labelDays(entry));
    }
    return {
      id: entry.id,
      title: entry.title,
      allDay: !timed || this.viewKey === "timeline" && daysOf(entry) === 1,
      start,
      end,
      resourceIds: [entry.team?.id ?? EXTERNAL_LANE],
      backgroundColor: entry.color,
      textColor: textOn(entry.color),
      startEditable: this.viewKey !== "list" && canMove(entry, this.user),
      classNames: [clash ? "conflict" : "", `kind-${entry.kind.toLowerCase()}`,
        daysOf(entry) === 1 ? "one-day" : "", entry.blocking ? "blocking" : ""].filter(Boolean),
      extendedProps: { entry, rank: rankOf(entry) },
    };
  }

  focusGrid() {
    const first = this.calendarEl.querySelector(".ec-event, .ec-body [tabindex='0']");
    (first ?? this.calendarEl).focus();
  }

  /** Bring the side panel into sight on a phone, where it sits below the grid. */
  reveal() {
    if (matchMedia(NARROW).matches) {
      this.entryBox.scrollIntoView({ block: "start" });
      this.entryBox.focus({ preventScroll: true });
    }
  }

  showClashes(clashes, day) {
    const loaded = new Map((this.data?.entries ?? []).map((entry) => [entry.id, entry]));
    clear(this.entryBox,
      h("p.kind-line", {}, h("span.kind", {}, "Clashes")),
      h("h2", { dataset: { testid: "entry-title" } },
        `${counted(clashes.length, "clash", "clashes")} from ${dayMonth(day)}`),
      h("ul.clash-details", {}, clashes.map((conflict) => h("li", {},
        h(`span.severity.severity-${conflict.severity.toLowerCase()}`, {},
          `⚠ ${enumLabel(conflict.severity)}`), ` ${enumLabel(conflict.rule)}, `,
        span(conflict.startDate, conflict.endDate), ": ", readableText(conflict.message),
        h("ul.links", {}, conflict.entries.map((e) => h("li", {}, loaded.has(e.id)
          ? h("button.link", { type: "button", onclick: () => this.openEntry(loaded.get(e.id)) },
            e.title)
          : e.title)))))));
    this.reveal();
  }

  openEntry(entry) {
    const node = entry.node;
    const clashes = this.conflictsOf(entry);
    clear(this.entryBox,
      h("p.kind-line", {}, h("span.kind", {}, enumLabel(entry.kind)),
        entry.team ? h("span.team", {}, h("span.swatch", { style: { background: entry.color } }),
          entry.team.name) : h("span.team", {}, entry.externalCalendar ?? "")),
      h("h2", { dataset: { testid: "entry-title" } }, entry.title),
      h("p", {}, entry.allDay || !entry.startsAt ? span(entry.startDate, entry.endDate)
        : `${date(entry.startsAt)} ${timeOfDay(entry.startsAt)} – `
          + `${entry.endsAt ? `${date(entry.endsAt)} ${timeOfDay(entry.endsAt)}` : ""}`),
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
        h("li", {}, readableText(c.message))))] : null);
    this.reveal();
  }

  async moveCampaign(info) {
    const entry = info.event.extendedProps.entry;
    const startDate = isoDay(info.event.start);
    const endDate = addDays(isoDay(info.event.end ?? info.event.start), -1);
    const moved = await this.setDates(entry, startDate, endDate, () => info.revert());
    if (moved) {
      this.lastMove = { entry, before: [entry.startDate, entry.endDate],
        after: [startDate, endDate] };
      this.offerUndo();
    }
  }

  /** Give `entry`'s campaign new dates, say how it went, reload; whether it moved. */
  async setDates(entry, startDate, endDate, revert = () => {}, done = "Moved") {
    this.status.textContent = `Moving ${entry.title}…`;
    clear(this.undoBox);
    let moved = false;
    try {
      const current = await api.campaignVersion(entry.node.id);
      const outcome = await api.updateCampaign({ id: entry.node.id, version: current.version,
        startDate, endDate });
      if (outcome.userErrors.length) {
        revert();
        this.status.textContent = `Not moved: ${outcome.userErrors.map((e) => e.message).join(" ")}`;
      } else {
        moved = true;
        this.status.textContent = `${done} ${entry.title} to ${date(startDate)} – ${date(endDate)}.`;
      }
    } catch (error) {
      revert();
      this.status.textContent = error.code === "CONFLICT"
        ? "Someone else changed this campaign meanwhile; the calendar was reloaded. Try again."
        : `Not moved: ${error.message}`;
    }
    this.moveOutcome = this.status.textContent;
    this.reload();
    return moved;
  }

  offerUndo() {
    const { entry } = this.lastMove;
    clear(this.undoBox, h("button.secondary", { type: "button", dataset: { testid: "undo-move" },
      onclick: () => this.undo(), title: "Ctrl+Z" }, `Undo: move ${entry.title} back`));
  }

  /** Put the campaign moved last back on its dates. */
  async undo() {
    const move = this.lastMove;
    if (!move) return;
    this.lastMove = null;
    const [startDate, endDate] = move.before;
    const back = await this.setDates(move.entry, startDate, endDate, () => {}, "Move undone:");
    if (!back) {
      this.lastMove = move;
      this.offerUndo();
    }
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
    document.removeEventListener("keydown", this.onKey);
    this.aria?.disconnect();
    if (this.ec) destroy(this.ec);
    this.ec = null;
  }
}
