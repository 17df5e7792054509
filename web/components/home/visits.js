// When the user last opened the overview, kept in this browser (localStorage), and the
// week the overview shows. The previous visit is read once per page load, so coming back
// to the overview in the same session keeps showing the same "since".

const KEY = "throughline.lastVisit";
const previous = new Map(); // user id -> ISO instant of the visit before this page load

/** The instant of the user's previous visit (null on the first), recording this one. */
export function takeLastVisit(userId) {
  const key = `${KEY}.${userId ?? "anonymous"}`;
  if (!previous.has(key)) {
    let stored = null;
    try {
      stored = localStorage.getItem(key);
      localStorage.setItem(key, new Date().toISOString());
    } catch {
      // storage refused (private mode): every visit is a first one
    }
    previous.set(key, stored && !Number.isNaN(Date.parse(stored)) ? stored : null);
  }
  return previous.get(key);
}

function isoDay(day) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** Monday to Sunday of the week holding `today`, as local ISO dates. */
export function currentWeek(today = new Date()) {
  const monday = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  const sunday = new Date(monday);
  sunday.setDate(monday.getDate() + 6);
  return { from: isoDay(monday), to: isoDay(sunday) };
}
