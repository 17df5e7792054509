// What each kind's create and edit forms hold, and how their values become mutation
// inputs. One table of field specs per kind, read by the shared builder (form.js).
import { enumLabel } from "../../format.js";

export const ENUMS = {
  category: ["REVENUE", "BRAND_AWARENESS", "LEAD_GENERATION", "CUSTOMER_RETENTION",
    "MARKET_SHARE", "PRODUCT_ADOPTION", "OTHER"],
  unit: ["NUMBER", "PERCENT", "CURRENCY"],
  campaignStatus: ["DRAFT", "PLANNED", "ACTIVE", "PAUSED", "COMPLETED", "CANCELLED"],
  channel: ["EMAIL", "PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SOCIAL", "CONTENT", "SEO", "DISPLAY",
    "VIDEO", "EVENTS", "WEBINAR", "PR", "PARTNER", "AFFILIATE", "DIRECT_MAIL", "OUTBOUND",
    "IN_PRODUCT", "OTHER"],
  taskStatus: ["TODO", "IN_PROGRESS", "BLOCKED", "DONE", "CANCELLED"],
  milestoneKind: ["LAUNCH", "RELEASE", "EVENT", "WEBINAR", "SALES_KICKOFF", "DEADLINE", "OTHER"],
  metric: ["LEADS", "MQL", "SQL", "OPPORTUNITIES", "REVENUE", "SIGNUPS", "IMPRESSIONS", "CLICKS"],
};

const options = (values) => values.map((value) => [value, enumLabel(value)]);
const teamOptions = (choices) => choices.teams.map((team) => [team.id, team.name]);

export function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-`
    + `${String(now.getDate()).padStart(2, "0")}`;
}

export function addDays(iso, days) {
  const day = new Date(`${iso}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** The field specs of a kind, filled from `values` (an object being edited, or defaults). */
export const FIELDS = {
  Goal: (v, choices) => [
    { name: "title", label: "Title", required: true, value: v.title },
    { name: "ownerTeamId", label: "Owner team", type: "select", required: true,
      options: teamOptions(choices), value: v.ownerTeam?.id },
    { name: "category", label: "Category", type: "select", required: true,
      options: options(ENUMS.category), value: v.category ?? "OTHER" },
    { name: "periodStart", label: "Period start", type: "date", required: true,
      value: v.periodStart },
    { name: "periodEnd", label: "Period end", type: "date", required: true, value: v.periodEnd },
    { name: "weight", label: "Weight", type: "number", value: v.weight,
      hint: "Its weight among its siblings in the parent's progress; 1 by default." },
    { name: "description", label: "Description", type: "textarea", value: v.description },
  ],
  KeyResult: (v) => [
    { name: "title", label: "Title", required: true, value: v.title },
    { name: "unit", label: "Unit", type: "select", required: true,
      options: options(ENUMS.unit), value: v.unit ?? "NUMBER" },
    { name: "currency", label: "Currency", value: v.currency,
      hint: "Only for a unit of currency: a code such as USD or EUR." },
    { name: "startValue", label: "Start value", type: "number", required: true,
      value: v.startValue },
    { name: "targetValue", label: "Target value", type: "number", required: true,
      value: v.targetValue },
    { name: "dueDate", label: "Due date", type: "date", required: true, value: v.dueDate },
    { name: "weight", label: "Weight", type: "number", value: v.weight },
    { name: "description", label: "Description", type: "textarea", value: v.description },
  ],
  Campaign: (v, choices) => [
    { name: "name", label: "Name", required: true, value: v.name },
    { name: "ownerTeamId", label: "Owner team", type: "select", required: true,
      options: teamOptions(choices), value: v.ownerTeam?.id },
    { name: "status", label: "Status", type: "select", required: true,
      options: options(ENUMS.campaignStatus), value: v.status ?? "PLANNED" },
    { name: "startDate", label: "Start", type: "date", required: true, value: v.startDate },
    { name: "endDate", label: "End", type: "date", required: true, value: v.endDate },
    { name: "budget", label: "Budget", type: "number", required: true,
      value: v.budget?.amount },
    { name: "currency", label: "Currency", required: true, value: v.budget?.currency ?? "USD" },
    { name: "channels", label: "Channels", type: "multiselect", options: options(ENUMS.channel),
      value: v.channels ?? [] },
    { name: "audience", label: "Audience", value: v.audience },
    { name: "description", label: "Description", type: "textarea", value: v.description },
  ],
  Task: (v, choices) => [
    { name: "title", label: "Title", required: true, value: v.title },
    { name: "status", label: "Status", type: "select", required: true,
      options: options(ENUMS.taskStatus), value: v.status ?? "TODO" },
    { name: "teamId", label: "Team", type: "select", options: teamOptions(choices),
      value: v.team?.id, empty: "The campaign's or key result's team" },
    { name: "assigneeId", label: "Assignee", type: "select", empty: "Nobody",
      options: choices.users.map((user) => [user.id, user.name]), value: v.assignee?.id },
    { name: "startDate", label: "Start", type: "date", value: v.startDate },
    { name: "dueDate", label: "Due", type: "date", value: v.dueDate },
    { name: "estimateHours", label: "Estimate (hours)", type: "number", value: v.estimateHours },
    { name: "description", label: "Description", type: "textarea", value: v.description },
  ],
  Milestone: (v, choices) => [
    { name: "title", label: "Title", required: true, value: v.title },
    { name: "kind", label: "Kind", type: "select", required: true,
      options: options(ENUMS.milestoneKind), value: v.kind ?? "LAUNCH" },
    { name: "teamId", label: "Team", type: "select", required: true,
      options: teamOptions(choices), value: v.team?.id },
    { name: "startDate", label: "Date", type: "date", required: true, value: v.startDate },
    { name: "endDate", label: "Last day", type: "date", value: v.endDate,
      hint: "For a milestone of several days." },
    { name: "description", label: "Description", type: "textarea", value: v.description },
  ],
  SpendEntry: (v) => [
    { name: "amount", label: "Amount", type: "number", required: true },
    { name: "currency", label: "Currency", required: true, value: v.currency },
    { name: "date", label: "Date", type: "date", required: true, value: today() },
    { name: "channel", label: "Channel", type: "select", options: options(ENUMS.channel),
      value: v.channel },
    { name: "note", label: "Note", value: "" },
  ],
  ResultEntry: (v) => [
    { name: "metric", label: "Metric", type: "select", required: true,
      options: options(ENUMS.metric), value: "LEADS" },
    { name: "value", label: "Value", type: "number", required: true },
    { name: "date", label: "Date", type: "date", required: true, value: today() },
    { name: "channel", label: "Channel", type: "select", options: options(ENUMS.channel),
      value: v.channel },
    { name: "note", label: "Note", value: "" },
  ],
};

/** The mutation that creates, updates and archives each kind. */
export const MUTATION = {
  Goal: { create: "goalCreate", update: "goalUpdate", archive: "goalArchive" },
  KeyResult: { create: "keyResultCreate", update: "keyResultUpdate",
    archive: "keyResultArchive" },
  Campaign: { create: "campaignCreate", update: "campaignUpdate", archive: "campaignArchive" },
  Task: { create: "taskCreate", update: "taskUpdate", archive: "taskArchive" },
  Milestone: { create: "milestoneCreate", update: "milestoneUpdate",
    archive: "milestoneArchive" },
  SpendEntry: { create: "campaignSpendAdd" },
  ResultEntry: { create: "campaignResultAdd" },
};

// Fields that an update input does not take (a task's assignee goes through taskUpdate
// too; a goal's parent moves with goalMove, which the forms do not offer).
const CREATE_ONLY = new Set(["note"]);

/** The input of a create: the form's values (nulls left out) and the fixed links. */
export function createInput(values, links) {
  const input = { ...links };
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith("alignments.") || value == null) continue;
    input[name] = value;
  }
  return input;
}

/** The input of an update: only what changed against the `before` form values. */
export function updateInput(node, values, before) {
  const input = { id: node.id, version: node.version };
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith("alignments.") || CREATE_ONLY.has(name)) continue;
    if (JSON.stringify(value) !== JSON.stringify(before[name])) input[name] = value;
  }
  return input;
}
