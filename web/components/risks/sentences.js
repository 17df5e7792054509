// A risk as a sentence a person reads: built from its figures in the user's locale, not
// from the API's message (ISO dates, "1,234.00 USD"), which is kept only as a fallback.
import {
  count, currencyAmount, date, datesInText, healthLabel, label, number, percent, relativeTime,
} from "../../format.js";

function plural(n, one, many) {
  return `${count(n)} ${Number(n) === 1 ? one : many}`;
}

const SENTENCES = {
  BUDGET_OVERRUN: (name, f, m) => `${name} has spent ${m(f.spendToDate)} of its `
    + `${m(f.budget)} budget: ${m(f.overrun)} over.`,
  BUDGET_BURN: (name, f, m) => `At its current rate ${name} will have spent `
    + `${m(f.projectedSpend)} by its end, ${m(f.projectedOverrun)} over its ${m(f.budget)} budget.`,
  SCHEDULE_SLIP: (name, f) => {
    const ended = f.endDate && new Date(`${f.endDate}T23:59:59`) < new Date();
    return ended
      ? `${name} ended on ${date(f.endDate)} with ${percent(f.progress)} of its work done.`
      : `${name} has ${percent(f.progress)} of its work done with `
        + `${percent(f.expectedProgress)} of its time gone.`;
  },
  OVERDUE_TASKS: (name, f) => `${plural(f.overdueTasks, "task is", "tasks are")} overdue on `
    + `${name}; the oldest was due on ${date(f.oldestDueDate)} (${relativeTime(f.oldestDueDate)}).`,
  KEY_RESULT_OFF_TRACK: (name, f) => `${name} is at ${percent(f.progress)} where `
    + `${percent(f.expectedProgress)} was expected by now`
    + `${f.health ? ` (${healthLabel(f.health).toLowerCase()})` : ""}.`,
  STALE_CHECK_IN: (name, f) => (f.lastCheckIn && f.lastCheckIn !== "never"
    ? `${name} has had no check-in since ${date(f.lastCheckIn)} `
    : `${name} has had no check-in since its period started `)
    + `(${plural(f.daysSinceCheckIn, "day", "days")}; one is due every `
    + `${plural(f.staleAfterDays, "day", "days")}).`,
  OVER_CAPACITY: (name, f) => `${name} is booked for ${number(f.bookedHours)} hours in the week `
    + `of ${date(f.weekStart)}, against a capacity of ${number(f.capacityHours)} hours`
    + `${Number(f.overbookedWeeks) > 1 ? `; ${count(f.overbookedWeeks)} weeks are overbooked` : ""}.`,
  UNALIGNED_WORK: (name, f, m) => (f.budget != null
    ? `${name} supports no key result: its ${m(f.budget)} budget serves no goal.`
    : `${name} belongs to no campaign and no key result.`),
};

const CHANNELS = ["EMAIL", "PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SOCIAL", "CONTENT", "SEO",
  "DISPLAY", "VIDEO", "EVENTS", "WEBINAR", "PR", "PARTNER", "AFFILIATE", "DIRECT_MAIL",
  "OUTBOUND", "IN_PRODUCT", "OTHER"];
const SHORT = { SEO: "SEO", PR: "PR" };

/** Channel codes in a sentence ("PAID_SEARCH") as words ("paid search"). */
function channelsInText(text) {
  return text.replace(new RegExp(`\\b(${CHANNELS.join("|")})\\b`, "g"),
    (code) => SHORT[code] ?? code.toLowerCase().replaceAll("_", " "));
}

/** "1,234.00 USD" written by the server, as the user's locale writes money. */
function moneyInText(text) {
  return text.replace(/(-?\d[\d,]*(?:\.\d+)?) ([A-Z]{3})\b/g,
    (_, amount, currency) => currencyAmount(amount.replaceAll(",", ""), currency));
}

/** The readable sentence of one risk. */
export function riskSentence(risk) {
  const figures = Object.fromEntries((risk.figures ?? []).map((f) => [f.name, f.value]));
  const build = SENTENCES[risk.kind];
  const money = (amount) => currencyAmount(amount, figures.currency);
  if (build) {
    try {
      const sentence = build(label(risk.node), figures, money);
      if (!/undefined|NaN|—/.test(sentence)) return sentence;
    } catch {
      // figures of another shape: the server's own words below
    }
  }
  return readableText(risk.message);
}

/** The server's own words with its ISO dates, raw amounts and channel codes made readable. */
export function readableText(text) {
  return channelsInText(moneyInText(datesInText(text)));
}
