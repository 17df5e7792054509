// Dates of the calendar as the rest of the client writes them ("12 Nov 2026"), and the
// calendar library's own headers and titles in the same locale, so no view mixes US and
// European dates. Built on web/format.js: its `locale()` when it has one.
import * as format from "../../format.js";

/** The locale of every date the calendar shows: the client's, else British English. */
export function calendarLocale() {
  return typeof format.locale === "function" ? format.locale() : "en-GB";
}

/** "9 Jun 2026 – 4 Jun 2027", or one date for a one-day span. */
export function span(startDate, endDate) {
  if (!endDate || startDate === endDate) return format.date(startDate);
  return `${format.date(startDate)} – ${format.date(endDate)}`;
}

/** "14:30" for a timed entry, in the zone its time is written in. */
export function timeOfDay(isoDateTime) {
  const [hours, minutes] = isoDateTime.slice(11, 16).split(":").map(Number);
  return new Intl.DateTimeFormat(calendarLocale(), { hour: "2-digit", minute: "2-digit",
    timeZone: "UTC" }).format(Date.UTC(2000, 0, 1, hours, minutes));
}

/** "12 Nov" (no year): a day inside a range the heading already dates. */
export function dayMonth(isoDay) {
  const day = new Date(`${isoDay.slice(0, 10)}T00:00:00`);
  return day.toLocaleDateString(calendarLocale(), { day: "numeric", month: "short" });
}

/** A count with its noun: "1 clash", "2 clashes". */
export function counted(n, one, many = `${one}s`) {
  const number = new Intl.NumberFormat(calendarLocale()).format(n);
  return `${number} ${n === 1 ? one : many}`;
}

/** The calendar library's formatting options in the client's locale. */
export function libraryFormats(viewKey) {
  const shortDay = viewKey === "week"
    ? { weekday: "short", day: "numeric", month: "short" }
    : { weekday: "short" };
  return {
    locale: calendarLocale(),
    titleFormat: viewKey === "week"
      ? { day: "numeric", month: "short", year: "numeric" }
      : { month: "long", year: "numeric" },
    dayHeaderFormat: viewKey === "timeline" ? { weekday: "short", day: "numeric" } : shortDay,
    dayHeaderAriaLabelFormat: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
    listDayFormat: { weekday: "long" },
    listDaySideFormat: { day: "numeric", month: "short", year: "numeric" },
    eventTimeFormat: { hour: "2-digit", minute: "2-digit" },
    buttonText: (texts) => ({ ...texts, today: "Today" }),
  };
}
