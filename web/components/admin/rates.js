// Exchange rates, for administrators: the rates into the reporting currency by currency,
// latest first, a form to set one (or correct it: setting a day again replaces it) and a
// Delete button on each, for a rate set by mistake.
import * as api from "../../api.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { date, dateTime } from "../../format.js";
import { Form, missing } from "../forms/form.js";
import { toast } from "../forms/toast.js";

const SET_FIELDS = [
  { name: "currency", label: "Currency", required: true, hint: "ISO 4217 code, e.g. EUR." },
  { name: "date", label: "From", type: "date", required: true },
  { name: "rate", label: "Rate", type: "number", required: true },
];

/** "EUR rate of 8 Jan 2027": how a rate is named in buttons and messages. */
function named(rate) {
  return `${rate.currency} rate of ${date(rate.date)}`;
}

export class ExchangeRatesView {
  constructor() {
    this.title = "Exchange rates";
    this.intro = h("p.hint", {}, "");
    this.formSlot = h("div.form-slot", {});
    this.list = h("div.rate-list", {});
    this.element = h("section.page.rates", {},
      h("h1", {}, "Exchange rates"), this.intro, this.formSlot, this.list);
  }

  async show() {
    const can = await api.viewerCan();
    if (!can.manageOrganisation) {
      clear(this.list, errorBox(new Error("Only administrators manage exchange rates.")));
      return;
    }
    this.openSet();
    await this.load();
  }

  async load() {
    try {
      const found = await withLoading(this.list, api.exchangeRates(), "Loading…");
      this.render(found);
    } catch (error) {
      clear(this.list, errorBox(error));
    }
  }

  openSet() {
    const form = new Form({
      title: "Set a rate",
      testid: "set-rate-form",
      fields: SET_FIELDS,
      submit: "Set rate",
      onSubmit: async (values) => this.set(values),
    });
    clear(this.formSlot, form.element);
  }

  async set(values) {
    const refused = missing(values, SET_FIELDS);
    if (refused.length) return { userErrors: refused };
    const answer = await api.exchangeRateWrite("exchangeRateSet", values);
    if (answer.userErrors.length) return answer;
    toast(`${named(answer.exchangeRate)} set: ${answer.exchangeRate.rate}.`);
    this.openSet();
    await this.load();
    return null;
  }

  render({ reportingCurrency, rates }) {
    this.intro.textContent = `1 unit of a currency is worth the rate in ${reportingCurrency}, `
      + "from its date until the currency's next rate. Amounts dated before a currency's "
      + "first rate cannot be converted.";
    if (!rates.length) {
      clear(this.list, empty("No exchange rate is set yet."));
      return;
    }
    const byCurrency = new Map();
    for (const rate of rates) {
      if (!byCurrency.has(rate.currency)) byCurrency.set(rate.currency, []);
      byCurrency.get(rate.currency).push(rate);
    }
    clear(this.list, [...byCurrency].map(([currency, list]) => h("section.rate-currency", {
      dataset: { testid: `rates-${currency}` } },
    h("h2", {}, `${currency} in ${reportingCurrency}`),
    h("table.data-table", {},
      h("thead", {}, h("tr", {}, ["From", "Rate", "Source", "Updated", ""]
        .map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, list.map((rate) => this.row(rate)))))));
  }

  row(rate) {
    const error = h("span.field-error", { role: "alert" });
    const remove = h("button.secondary", { type: "button", "aria-label": `Delete ${named(rate)}`,
      onclick: async () => {
        remove.disabled = true;
        error.textContent = "";
        try {
          const answer = await api.exchangeRateWrite("exchangeRateDelete",
            { currency: rate.currency, date: rate.date });
          if (answer.userErrors.length) {
            error.textContent = answer.userErrors.map((e) => e.message).join(" ");
            remove.disabled = false;
            return;
          }
          toast(`${named(rate)} deleted.`);
          await this.load();
        } catch (failure) {
          error.textContent = failure.message;
          remove.disabled = false;
        }
      } }, "Delete");
    return h("tr", { dataset: { testid: "rate-row" } },
      h("td", { dataset: { label: "From" } }, date(rate.date)),
      h("td", { dataset: { label: "Rate" } }, rate.rate),
      h("td", { dataset: { label: "Source" } }, rate.source),
      h("td", { dataset: { label: "Updated" } }, dateTime(rate.updatedAt)),
      h("td", {}, remove, error));
  }
}
