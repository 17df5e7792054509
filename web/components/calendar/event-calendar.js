// The calendar library as an ES module. @event-calendar/build ships one browser bundle
// that defines the global `EventCalendar` (loaded with `defer` by index.html, so it has
// run before any module code).
const EventCalendar = globalThis.EventCalendar;
if (!EventCalendar) throw new Error("vendor/event-calendar/event-calendar.min.js did not load");

export const create = EventCalendar.create;
export const destroy = EventCalendar.destroy;
