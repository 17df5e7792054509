// Loading a range of the calendar whole: every page of its entries (the API serves 100
// at a time), its clashes and their counts by rule and severity. Nothing of the range is
// dropped silently: past MAX_ENTRIES the answer says how many were left out.
import * as api from "../../api.js";

/** Entries one range may load (50 requests of 100): beyond, the view says so. */
export const MAX_ENTRIES = 5000;

/** Every entry of `from`..`to` with its clashes: {timeZone, entries, totalCount,
 * conflicts, conflictGroups}; `entries.length < totalCount` only past MAX_ENTRIES. */
export async function loadRange(from, to, timeZone, filter) {
  const first = await api.calendar(from, to, timeZone, filter);
  const entries = [...first.entries.nodes];
  let page = first.entries.pageInfo;
  while (page.hasNextPage && entries.length < MAX_ENTRIES) {
    const next = await api.calendar(from, to, timeZone, filter, page.endCursor);
    entries.push(...next.entries.nodes);
    page = next.entries.pageInfo;
  }
  return {
    timeZone: first.timeZone,
    entries,
    totalCount: first.entries.totalCount,
    conflicts: first.conflicts,
    conflictGroups: first.conflictGroups,
  };
}

/** Each entry's clashes, by entry ID. */
export function conflictsByEntry(conflicts) {
  const byEntry = new Map();
  for (const conflict of conflicts) {
    for (const entry of conflict.entries) {
      if (!byEntry.has(entry.id)) byEntry.set(entry.id, []);
      byEntry.get(entry.id).push(conflict);
    }
  }
  return byEntry;
}

/** The clashes starting on each day of `from`..`to` (one that began earlier counts on
 * `from`), by ISO day: where the grid marks them. */
export function conflictsByDay(conflicts, from, to) {
  const byDay = new Map();
  for (const conflict of conflicts) {
    const day = conflict.startDate < from ? from : conflict.startDate;
    if (day > to) continue;
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(conflict);
  }
  return byDay;
}

/** Days of an entry, both ends included. */
export function daysOf(entry) {
  const start = Date.parse(`${entry.startDate}T00:00:00Z`);
  const end = Date.parse(`${entry.endDate}T00:00:00Z`);
  return Math.round((end - start) / 86_400_000) + 1;
}

/** Campaigns longer than a week: they run behind the dated work rather than being it,
 * so the month and week show them in a band of their own. */
export const RUNNING_DAYS = 7;

export function isRunning(entry) {
  return entry.kind === "CAMPAIGN" && daysOf(entry) > RUNNING_DAYS;
}
