// The application shell: the session, the top bar and which view fills <main>.
import * as api from "./api.js";
import * as router from "./router.js";
import { clear } from "./dom.js";
import { renderSignIn } from "./components/signin/signin.js";
import { GoalExplorer } from "./components/tree/explorer.js";
import { RisksView } from "./components/risks/risks.js";
import { startLive } from "./live.js";
import { LOCALES, chosenLocale, setLocale } from "./format.js";
import { FeedsView } from "./components/feeds/feeds.js";
import { ExternalCalendarsView } from "./components/admin/calendars.js";
import { showAdminLinks } from "./components/admin/nav.js";
import { ExchangeRatesView } from "./components/admin/rates.js";
import { MoneyView } from "./components/money/money.js";
import { WorkloadView } from "./components/workload/workload.js";
import { HomeView } from "./components/home/home.js";

const main = document.getElementById("main");
const header = document.querySelector("header.top");
const banner = document.querySelector(".banner");
let current = null; // {name, view}

const VIEWS = {
  goals: () => new GoalExplorer(),
  home: () => new HomeView(),
  risks: () => new RisksView(),
  feeds: () => new FeedsView(),
  "imported-calendars": () => new ExternalCalendarsView(),
  "exchange-rates": () => new ExchangeRatesView(),
  money: () => new MoneyView(),
  workload: () => new WorkloadView(),
  calendar: async () => {
    const { CalendarView } = await import("./components/calendar/calendar.js");
    return new CalendarView();
  },
};

const NODE_ROUTES = ["key-results", "campaigns", "tasks", "milestones"];

function showBanner(text) {
  banner.textContent = text;
  banner.hidden = !text;
}

function showHeader(user) {
  header.hidden = !user;
  if (!user) return;
  const teams = user.teams.map((team) => team.name).join(", ");
  header.querySelector(".who").textContent =
    `${user.name} · ${user.role.toLowerCase()}${teams ? ` · ${teams}` : ""}`;
  showAdminLinks(header);
}

async function render(place) {
  const user = api.currentUser();
  showHeader(user);
  if (!user || place.view === "signin") {
    current?.view.destroy?.();
    current = null;
    // A link opened while signed out (a risk, a calendar entry, a feed's link) is where
    // the user goes once signed in.
    const next = place.view === "signin" ? place.params.next : location.hash;
    renderSignIn(main, next);
    return;
  }
  for (const link of header.querySelectorAll("nav a")) {
    link.toggleAttribute("aria-current", link.dataset.view === place.view);
    if (link.dataset.view === place.view) link.setAttribute("aria-current", "page");
  }
  // Feeds link to a node's page by its kind; they all open in the goal tree.
  if (NODE_ROUTES.includes(place.view)) {
    router.navigate({ view: "goals", id: place.id, params: place.params }, { replace: true });
    return;
  }
  const name = VIEWS[place.view] ? place.view : "goals";
  if (current?.name !== name) {
    current?.view.destroy?.();
    const view = await VIEWS[name]();
    current = { name, view };
    clear(main, view.element);
    document.title = `${view.title} · Throughline`;
  }
  await current.view.show(place);
}

api.onSessionChange((kind) => {
  if (kind === "unreachable") {
    showBanner("The Throughline server cannot be reached. Check your connection; "
      + "what you do next will try again.");
  } else if (kind === "reachable") {
    if (banner.dataset.kind !== "session") showBanner("");
  } else if (kind === "session-ended") {
    banner.dataset.kind = "session";
    showBanner("Your session has ended. Sign in again to go on.");
    const place = router.parse();
    if (place.view !== "signin") {
      router.navigate({ view: "signin", params: { next: location.hash } }, { replace: true });
    }
  } else if (kind === "signed-in") {
    delete banner.dataset.kind;
    showBanner("");
  } else if (kind === "signed-out") {
    delete banner.dataset.kind;
    showBanner("");
    router.navigate({ view: "signin" });
  }
});

header.querySelector(".signout").addEventListener("click", () => api.signOut());

// The skip link moves focus into <main> without touching the hash (the router's).
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  const target = main.querySelector("[data-skip-target]") ?? main;
  target.focus();
});

// How numbers and dates read: the browser's locale, or the one chosen here.
const localeSelect = header.querySelector("select[name=locale]");
for (const [tag, text] of LOCALES) {
  localeSelect.append(new Option(tag ? text : `${text} (${navigator.language})`, tag));
}
localeSelect.value = chosenLocale();
localeSelect.addEventListener("change", () => {
  setLocale(localeSelect.value);
  current?.view.destroy?.();
  current = null;
  update();
});

// Renders run one after another, each for the place current when it starts.
let queue = Promise.resolve();
function update() {
  queue = queue.then(() => render(router.parse())).catch(reportError);
}

router.onChange(update);
window.addEventListener("signed-in", (event) => {
  const next = event.detail?.next;
  const target = next && !next.startsWith("#/signin") ? next : "#/home";
  if (location.hash === target) update();
  else location.hash = target;
});

function reportError(error) {
  showBanner(error.message || String(error));
}

await api.resumeSession();
if (api.currentUser()) startLive();
update();
