// Edit forms: a key result's check-in, a task's status and assignee, a campaign's dates.
// The server's userErrors appear next to their field; a CONFLICT (someone else saved
// first) reloads the object and says so.
import * as api from "../../api.js";
import { h } from "../../dom.js";
import { enumLabel, percent } from "../../format.js";

const TASK_STATUSES = ["TODO", "IN_PROGRESS", "BLOCKED", "DONE", "CANCELLED"];
const CONFLICT_MESSAGE = "Someone else changed this while you were editing. It has been "
  + "reloaded with their changes: check the values and apply yours again.";

let usersCache = null;

function field(name, text, control) {
  control.name = name;
  control.id = `edit-${name}`;
  const error = h("span.field-error", { id: `edit-${name}-error`, role: "alert",
    dataset: { errorFor: name } });
  control.setAttribute("aria-describedby", error.id);
  return h("div.field", {}, h("label", { for: control.id }, text), control, error);
}

function showErrors(form, userErrors) {
  const general = form.querySelector(".form-error");
  for (const error of form.querySelectorAll(".field-error")) error.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
  }
  general.textContent = "";
  for (const error of userErrors) {
    const name = error.field?.split(".")[0];
    const slot = name && form.querySelector(`[data-error-for="${name}"]`);
    if (slot) {
      slot.textContent = error.message;
      form.elements[name]?.setAttribute("aria-invalid", "true");
    } else {
      general.textContent = [general.textContent, error.message].filter(Boolean).join(" ");
    }
  }
  form.querySelector("[aria-invalid=true]")?.focus();
}

/** Shared submit: run, then report userErrors, a conflict, or success. */
function submitter(form, run, callbacks) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const label = button.textContent;
    button.textContent = "Saving…";
    try {
      const outcome = await run();
      if (!outcome) return;
      if (outcome.userErrors.length) showErrors(form, outcome.userErrors);
      else callbacks.saved(outcome.changes(outcome.object), outcome.message);
    } catch (error) {
      if (error.code === "CONFLICT") callbacks.conflict(CONFLICT_MESSAGE);
      else showErrors(form, [{ field: null, message: error.message }]);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
}

function shell(testid, ...fields) {
  return h("form.edit", { novalidate: true, dataset: { testid } }, fields,
    h("p.form-error", { role: "alert" }));
}

function checkInForm(kr, callbacks) {
  const value = h("input", { type: "text", inputMode: "decimal", autocomplete: "off",
    value: kr.currentValue });
  const note = h("input", { type: "text", maxLength: 10000 });
  const form = shell("checkin-form",
    field("value", "New value", value), field("note", "Note (optional)", note),
    h("button", { type: "submit" }, "Check in"));
  submitter(form, async () => {
    const text = value.value.trim().replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      return { userErrors: [{ field: "value", message: "Enter a number, such as 42 or 3.5." }] };
    }
    const outcome = await api.checkIn({ id: kr.id, version: kr.version, value: text,
      note: note.value || null });
    return { ...outcome,
      changes: (saved) => ({ progress: saved.progress, health: saved.health }),
      message: outcome.object ? `Checked in ${text}: progress now ${percent(outcome.object.progress)}.`
        : null };
  }, callbacks);
  return form;
}

function taskForm(task, callbacks) {
  const status = h("select", {}, TASK_STATUSES.map((s) => h("option", { value: s,
    selected: s === task.status }, enumLabel(s))));
  const assignee = h("select", {}, h("option", { value: "" }, "Nobody"));
  const fill = (users) => {
    for (const user of users) {
      assignee.append(h("option", { value: user.id, selected: user.id === task.assignee?.id },
        user.name));
    }
  };
  if (usersCache) fill(usersCache);
  else {
    if (task.assignee) {
      assignee.append(h("option", { value: task.assignee.id, selected: true }, task.assignee.name));
    }
    api.users().then((users) => {
      usersCache = users;
      assignee.replaceChildren(h("option", { value: "" }, "Nobody"));
      fill(users);
    }).catch(() => {});
  }
  const form = shell("task-form", field("status", "Status", status),
    field("assigneeId", "Assignee", assignee), h("button", { type: "submit" }, "Save task"));
  submitter(form, async () => {
    const input = { id: task.id, version: task.version };
    if (status.value !== task.status) input.status = status.value;
    if ((assignee.value || null) !== (task.assignee?.id ?? null)) {
      input.assigneeId = assignee.value || null;
    }
    if (Object.keys(input).length === 2) {
      return { userErrors: [{ field: null, message: "Nothing changed: pick a new status or assignee." }] };
    }
    const outcome = await api.updateTask(input);
    return { ...outcome, changes: (saved) => ({ status: saved.status, assignee: saved.assignee }),
      message: "Task saved." };
  }, callbacks);
  return form;
}

function campaignForm(campaign, callbacks) {
  const start = h("input", { type: "date", value: campaign.startDate });
  const end = h("input", { type: "date", value: campaign.endDate });
  const form = shell("campaign-form", field("startDate", "Start", start),
    field("endDate", "End", end), h("button", { type: "submit" }, "Move campaign"));
  submitter(form, async () => {
    const input = { id: campaign.id, version: campaign.version };
    if (!start.value) return { userErrors: [{ field: "startDate", message: "Pick a start date." }] };
    if (!end.value) return { userErrors: [{ field: "endDate", message: "Pick an end date." }] };
    if (start.value !== campaign.startDate) input.startDate = start.value;
    if (end.value !== campaign.endDate) input.endDate = end.value;
    const outcome = await api.updateCampaign(input);
    return { ...outcome, changes: () => ({}), message: "Campaign dates saved." };
  }, callbacks);
  return form;
}

export function editForm(node, callbacks) {
  switch (node.__typename) {
    case "KeyResult": return node.source?.kind === "MANUAL" ? checkInForm(node, callbacks) : null;
    case "Task": return taskForm(node, callbacks);
    case "Campaign": return campaignForm(node, callbacks);
    default: return null;
  }
}
