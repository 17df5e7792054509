// Numbers, money, dates and health as the user reads them.

const HEALTH = {
  ON_TRACK: { label: "On track", icon: "●" },
  AT_RISK: { label: "At risk", icon: "▲" },
  OFF_TRACK: { label: "Off track", icon: "✖" },
  NOT_STARTED: { label: "Not started", icon: "○" },
  DONE: { label: "Done", icon: "✔" },
};

export function healthLabel(health) {
  return HEALTH[health]?.label ?? health;
}

export function healthIcon(health) {
  return HEALTH[health]?.icon ?? "?";
}

export function percent(fraction) {
  if (fraction == null) return "—";
  return `${(Number(fraction) * 100).toFixed(1).replace(/\.0$/, "")}%`;
}

export function money(value) {
  if (!value) return "—";
  const amount = Number(value.amount);
  try {
    return new Intl.NumberFormat("en", {
      style: "currency", currency: value.currency, maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${amount.toFixed(0)} ${value.currency}`;
  }
}

export function number(value) {
  if (value == null) return "—";
  return new Intl.NumberFormat("en", { maximumFractionDigits: 4 }).format(Number(value));
}

export function date(value) {
  if (!value) return "—";
  const day = new Date(`${value.slice(0, 10)}T00:00:00`);
  return day.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

export function dateTime(value) {
  return new Date(value).toLocaleString("en-GB", {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

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
