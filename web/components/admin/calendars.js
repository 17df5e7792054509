// Imported calendars, for administrators: the list with each one's refresh status, and
// add (from an address or an uploaded .ics file), refresh now and remove (archive).
import * as api from "../../api.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { dateTime } from "../../format.js";
import { Form } from "../forms/form.js";
import { toast } from "../forms/toast.js";

const ADD_FIELDS = [
  { name: "name", label: "Name", required: true },
  { name: "url", label: "Address (https://…)",
    hint: "Leave empty to upload a file instead." },
  { name: "file", label: "Or an .ics file", type: "file" },
  { name: "color", label: "Colour", type: "color", value: "#6b7280", required: true },
  { name: "refreshMinutes", label: "Refresh every (minutes)", type: "number", value: "360",
    required: true },
  { name: "blocking", label: "Its days block launches", type: "checkbox" },
];

/** A stored refresh error without its leading code (`NOT_ICALENDAR: The document…`). */
function plainError(text) {
  return text.replace(/^[A-Z_]+:\s*/, "");
}

export class ExternalCalendarsView {
  constructor() {
    this.title = "Imported calendars";
    this.list = h("div.calendar-list", {});
    this.formSlot = h("div.form-slot", {});
    this.element = h("section.page.imported", {},
      h("h1", {}, "Imported calendars"),
      h("p.hint", {}, "Public holidays, industry events and other calendars shown read-only on "
        + "the shared calendar."),
      h("p", {}, h("button", { type: "button", dataset: { testid: "add-calendar" },
        onclick: () => this.openAdd() }, "Add a calendar")),
      this.formSlot, this.list);
  }

  async show() {
    const can = await api.viewerCan();
    if (!can.manageExternalCalendars) {
      clear(this.list, errorBox(new Error("Only administrators manage imported calendars.")));
      return;
    }
    await this.load();
  }

  async load() {
    try {
      const calendars = await withLoading(this.list, api.externalCalendars(), "Loading…");
      this.render(calendars);
    } catch (error) {
      clear(this.list, errorBox(error));
    }
  }

  openAdd() {
    const form = new Form({
      title: "Add an imported calendar",
      testid: "add-calendar-form",
      fields: ADD_FIELDS,
      submit: "Import",
      onCancel: () => clear(this.formSlot),
      onSubmit: async (values, built) => this.add(values, built),
    });
    clear(this.formSlot, form.element);
    form.control("name").focus();
  }

  async add(values, form) {
    const file = form.control("file").files[0];
    const input = { name: values.name ?? "", blocking: values.blocking, color: values.color,
      refreshMinutes: Number(values.refreshMinutes) };
    if (file) input.content = await file.text();
    else if (values.url) input.url = values.url;
    if (!Number.isInteger(input.refreshMinutes)) {
      return { userErrors: [{ field: "refreshMinutes", message: "Enter whole minutes." }] };
    }
    if (!input.url && !input.content) {
      return { userErrors: [{ field: "url", message: "Give an address or pick a file." }] };
    }
    const answer = await api.externalCalendarWrite("externalCalendarAdd", input);
    if (answer.userErrors.length) {
      // The file's errors are the content's; show them beside the file picker.
      return { userErrors: answer.userErrors.map((error) => ({ ...error,
        field: error.field === "content" ? "file" : error.field })) };
    }
    clear(this.formSlot);
    toast(`“${answer.externalCalendar.name}” imported: ${answer.externalCalendar.eventCount} events.`);
    await this.load();
    return null;
  }

  render(calendars) {
    if (!calendars.length) {
      clear(this.list, empty("No calendar is imported yet."));
      return;
    }
    clear(this.list, h("table.data-table", { dataset: { testid: "imported-calendars" } },
      h("thead", {}, h("tr", {}, ["Name", "Source", "Events", "Last refreshed", "Status", ""]
        .map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, calendars.map((calendar) => this.row(calendar)))));
  }

  row(calendar) {
    const error = h("span.field-error", { role: "alert" });
    const act = (text, mutation, done) => h("button.secondary", { type: "button",
      "aria-label": `${text} ${calendar.name}`,
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        error.textContent = "";
        try {
          const input = mutation === "externalCalendarRefresh" ? { id: calendar.id }
            : { id: calendar.id, version: calendar.version };
          const answer = await api.externalCalendarWrite(mutation, input);
          if (answer.userErrors.length) {
            error.textContent = answer.userErrors.map((e) => e.message).join(" ");
          } else {
            toast(done);
          }
          await this.load();
        } catch (failure) {
          error.textContent = failure.message;
          event.currentTarget.disabled = false;
        }
      } }, text);
    return h("tr", { dataset: { testid: "calendar-row" } },
      h("td", { dataset: { label: "Name" } }, h("span.swatch", { style: {
        background: calendar.color }, "aria-hidden": "true" }), " ", calendar.name,
      calendar.blocking ? h("span.tag", {}, "blocks launches") : null),
      h("td", { dataset: { label: "Source" } }, calendar.url ?? "Uploaded file"),
      h("td", { dataset: { label: "Events" } }, String(calendar.eventCount)),
      h("td", { dataset: { label: "Last refreshed" } },
        calendar.refreshedAt ? dateTime(calendar.refreshedAt) : "—"),
      h("td", { dataset: { label: "Status" } }, calendar.lastError
        ? h("span.error", {}, `Last refresh failed: ${plainError(calendar.lastError)}`) : "OK"),
      h("td", {}, calendar.url ? act("Refresh", "externalCalendarRefresh",
        `“${calendar.name}” refreshed.`) : null, " ",
      act("Remove", "externalCalendarArchive", `“${calendar.name}” removed.`), error));
  }
}
