// Numbers, money, dates and health as the user reads them: the one formatting module.
//
// Everything goes through Intl in one locale: the one chosen in the header (kept in
// localStorage) or else the browser's. Formatters are built once per locale and options.

const LOCALE_KEY = "throughline.locale";

/** Locales offered in the header; "" means the browser's. */
export const LOCALES = [
  ["", "Browser"], ["en-GB", "English (UK)"], ["en-US", "English (US)"],
  ["de-DE", "Deutsch"], ["fr-FR", "Français"], ["es-ES", "Español"], ["ja-JP", "日本語"],
];

export function chosenLocale() {
  try {
    return localStorage.getItem(LOCALE_KEY) ?? "";
  } catch {
    return "";
  }
}

/** The locale every formatter uses. */
export function locale() {
  const chosen = chosenLocale();
  if (chosen && Intl.NumberFormat.supportedLocalesOf([chosen]).length) return chosen;
  return navigator.language || "en-GB";
}

export function setLocale(tag) {
  try {
    if (tag) localStorage.setItem(LOCALE_KEY, tag);
    else localStorage.removeItem(LOCALE_KEY);
  } catch {
    // private mode: the choice lasts for this page only
  }
  cache.clear();
}

const cache = new Map();
function formatter(Kind, options) {
  const key = `${Kind.name}|${locale()}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, new Kind(locale(), options));
  return cache.get(key);
}

// ---------------------------------------------------------------------------------------
// Health

const HEALTH = {
  ON_TRACK: { label: "On track", icon: "●" },
  AT_RISK: { label: "At risk", icon: "▲" },
  OFF_TRACK: { label: "Off track", icon: "✖" },
  NOT_STARTED: { label: "Not started", icon: "○" },
  DONE: { label: "Done", icon: "✔" },
};

export function healthLabel(health) {
  return HEALTH[health]?.label ?? enumLabel(health);
}

export function healthIcon(health) {
  return HEALTH[health]?.icon ?? "?";
}

/** The CSS class suffix of a health: ON_TRACK -> "on-track". */
export function healthClass(health) {
  return (health ?? "none").toLowerCase().replaceAll("_", "-");
}

// ---------------------------------------------------------------------------------------
// Numbers

export function percent(fraction) {
  if (fraction == null || fraction === "") return "—";
  return formatter(Intl.NumberFormat, { style: "percent", maximumFractionDigits: 1 })
    .format(Number(fraction));
}

/** A measured value: up to four decimals, grouped. */
export function number(value, maximumFractionDigits = 4) {
  if (value == null || value === "") return "—";
  return formatter(Intl.NumberFormat, { maximumFractionDigits }).format(Number(value));
}

/** A count of things (leads, tasks): whole numbers only. */
export function count(value) {
  if (value == null || value === "") return "—";
  return formatter(Intl.NumberFormat, { maximumFractionDigits: 0 }).format(Number(value));
}

/** Big numbers short: 8.7M, 181K (axes, tight columns). */
export function compact(value) {
  if (value == null || value === "") return "—";
  return formatter(Intl.NumberFormat, { notation: "compact", maximumFractionDigits: 1 })
    .format(Number(value));
}

// ---------------------------------------------------------------------------------------
// Money: {amount, currency} objects as the API sends them, or an amount and a code.

function currencyFormat(currency, options = {}) {
  try {
    return formatter(Intl.NumberFormat, { style: "currency", currency, ...options });
  } catch {
    return null; // not an ISO 4217 code
  }
}

export function currencyAmount(amount, currency, { compact: short = false } = {}) {
  if (amount == null || amount === "") return "—";
  const value = Number(amount);
  const options = short
    ? { notation: "compact", maximumFractionDigits: 1 }
    : { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 };
  const format = currencyFormat(currency, options);
  if (format) return format.format(value);
  return `${(short ? compact : number)(value)} ${currency ?? ""}`.trim();
}

export function money(value) {
  if (!value) return "—";
  return currencyAmount(value.amount, value.currency);
}

export function compactMoney(value) {
  if (!value) return "—";
  return currencyAmount(value.amount, value.currency, { compact: true });
}

/** Every currency of a per-currency breakdown: "$130,000 + €29,700". */
export function moneyList(rows, field) {
  const parts = (rows ?? []).filter((row) => row[field] != null && Number(row[field]) !== 0)
    .map((row) => currencyAmount(row[field], row.currency));
  return parts.length ? parts.join(" + ") : "—";
}

/**
 * ROI as a percentage, or "no revenue recorded" when money was spent but no revenue came
 * in yet: the API then answers -100%, which reads as a loss rather than a missing figure.
 */
export function roiText(summary) {
  if (!summary || summary.roi == null) return "—";
  const revenue = summary.revenue ? Math.abs(Number(summary.revenue.amount))
    : (summary.byCurrency ?? []).reduce((sum, row) => sum + Math.abs(Number(row.revenue ?? 0)), 0);
  if (!revenue) return "no revenue recorded";
  return percent(summary.roi);
}

/** A key result's value in its unit: money when it has a currency, else number and unit. */
export function measure(value, { unit, currency } = {}) {
  if (value == null || value === "") return "—";
  if (currency) {
    const format = currencyFormat(currency, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
    return format ? format.format(Number(value)) : `${number(value)} ${currency}`;
  }
  if (unit === "%" || unit === "percent") return `${number(value)}%`;
  return unit ? `${number(value)} ${unit}` : number(value);
}

// ---------------------------------------------------------------------------------------
// Dates: an ISO date ("2026-11-12") is a calendar day, read in no time zone.

function day(value) {
  return new Date(`${String(value).slice(0, 10)}T00:00:00`);
}

export function date(value) {
  if (!value) return "—";
  return formatter(Intl.DateTimeFormat, { day: "numeric", month: "short", year: "numeric" })
    .format(day(value));
}

/** Day and month only (chart axes, calendar headers). */
export function shortDate(value) {
  if (value == null) return "—";
  const when = value instanceof Date ? value : day(value);
  return formatter(Intl.DateTimeFormat, { day: "numeric", month: "short" }).format(when);
}

export function monthYear(value) {
  const when = value instanceof Date ? value : day(value);
  return formatter(Intl.DateTimeFormat, { month: "short", year: "numeric" }).format(when);
}

export function dateTime(value) {
  if (!value) return "—";
  return formatter(Intl.DateTimeFormat, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(new Date(value));
}

/** "in 3 days", "2 weeks ago", against `now`. */
export function relativeTime(value, now = new Date()) {
  if (!value) return "—";
  const when = /^\d{4}-\d{2}-\d{2}$/.test(value) ? day(value) : new Date(value);
  const seconds = (when - now) / 1000;
  const steps = [["year", 31_536_000], ["month", 2_592_000], ["week", 604_800], ["day", 86_400],
    ["hour", 3_600], ["minute", 60]];
  const format = formatter(Intl.RelativeTimeFormat, { numeric: "auto" });
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "minute");
}

/** Every ISO date inside a sentence, written as the user reads dates. */
export function datesInText(text) {
  return String(text ?? "").replace(/\b(\d{4}-\d{2}-\d{2})(T[\d:.]+Z?)?\b/g,
    (_, iso) => date(iso));
}

// ---------------------------------------------------------------------------------------
// Words

export function enumLabel(value) {
  if (!value) return "";
  const text = value.toLowerCase().replaceAll("_", " ");
  return text[0].toUpperCase() + text.slice(1);
}

const KINDS = { Goal: "Goal", KeyResult: "Key result", Campaign: "Campaign", Task: "Task",
  Milestone: "Milestone", User: "Person", Team: "Team" };

export function kindLabel(typename) {
  return KINDS[typename] ?? typename;
}

export function label(node) {
  return node?.title ?? node?.name ?? node?.id ?? "";
}

/** "1 risk", "3 risks". */
export function plural(n, one, many = `${one}s`) {
  return `${count(n)} ${n === 1 ? one : many}`;
}
