// Week arithmetic on ISO dates ("2027-03-08"), read as calendar days in no time zone.

function parts(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

function iso(when) {
  return when.toISOString().slice(0, 10);
}

export function isIsoDate(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value ?? "") && !Number.isNaN(parts(value).getTime())
    && iso(parts(value)) === value;
}

export function addDays(value, days) {
  const when = parts(value);
  when.setUTCDate(when.getUTCDate() + days);
  return iso(when);
}

/** The Monday of the week holding `value`. */
export function mondayOf(value) {
  const weekday = (parts(value).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return addDays(value, -weekday);
}

/** Today in the browser's calendar. */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The range the API is asked for: Monday of `from`'s week to the Sunday `weeks` on. */
export function range(from, weeks) {
  const start = mondayOf(from);
  return { from: start, to: addDays(start, weeks * 7 - 1) };
}
