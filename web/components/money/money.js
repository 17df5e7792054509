// The Money view: a fiscal period's budget, spend and projected spend in the reporting
// currency, in total and by team, channel and goal category, with ROI and cost per lead
// by channel. Every figure is the API's `portfolio` for the period, converted; each
// currency's own amounts are one click away. State in the hash: #/money?period=FY2027
import * as api from "../../api.js";
import * as router from "../../router.js";
import { h, clear, empty, errorBox, withLoading } from "../../dom.js";
import { count, currencyAmount, date, enumLabel, money, percent } from "../../format.js";
import { amountOf, barTable } from "./bars.js";

/** ROI in the reporting currency: "no revenue recorded" rather than a -100% loss. */
export function reportingRoi(reported) {
  if (!reported || reported.roi == null) return "—";
  if (!amountOf(reported.revenue)) return "no revenue recorded";
  return percent(reported.roi);
}

const BUDGET = { key: "budget", label: "Budget", bar: "budget",
  value: (row) => amountOf(row.money.reporting.budget),
  text: (row) => money(row.money.reporting.budget) };
const SPEND = { key: "spend", label: "Spend to date", bar: "spend",
  value: (row) => amountOf(row.money.reporting.spendToDate),
  text: (row) => money(row.money.reporting.spendToDate) };
const PROJECTED = { key: "projected", label: "Projected spend", bar: "projected",
  value: (row) => amountOf(row.money.reporting.projectedSpend),
  text: (row) => money(row.money.reporting.projectedSpend) };
const REVENUE = { key: "revenue", label: "Revenue", bar: "revenue",
  value: (row) => amountOf(row.money.reporting.revenue),
  text: (row) => money(row.money.reporting.revenue) };
const LEADS = { key: "leads", label: "Leads", text: (row) => count(row.money.leads) };
const COST_PER_LEAD = { key: "cost-per-lead", label: "Cost per lead",
  text: (row) => money(row.money.reporting.costPerLead) };
const ROI = { key: "roi", label: "ROI", text: (row) => reportingRoi(row.money.reporting) };

function legend(columns) {
  return h("ul.money-legend", { "aria-hidden": "true" }, columns.filter((c) => c.bar).map((c) =>
    h("li", {}, h(`span.bar-fill.bar-${c.bar}`, {}), c.label)));
}

function totals(summary) {
  const reported = summary.reporting;
  const tile = (term, value, figure) => h("div", {}, h("dt", {}, term),
    h("dd", { dataset: { figure } }, value));
  return h("dl.money-totals", { dataset: { testid: "money-totals" } },
    tile("Budget", money(reported.budget), "budget"),
    tile("Spend to date", money(reported.spendToDate), "spend"),
    tile("Projected spend", money(reported.projectedSpend), "projected"),
    tile("Revenue", money(reported.revenue), "revenue"),
    tile("Leads", count(summary.leads), "leads"),
    tile("Cost per lead", money(reported.costPerLead), "cost-per-lead"),
    tile("ROI", reportingRoi(reported), "roi"));
}

function byCurrency(summary) {
  const rows = summary.byCurrency;
  if (!rows.length) return null;
  // Open when a missing rate leaves a converted total blank: then these are the figures.
  return h("details.money-currencies", { dataset: { testid: "money-by-currency" },
    open: !summary.reporting.complete },
    h("summary", {}, `In each currency (${rows.map((row) => row.currency).join(", ")})`),
    h("div.money-scroll", { tabindex: "0", role: "region", "aria-label": "Totals by currency" },
      h("table.money-bars", {},
        h("thead", {}, h("tr", {}, ["Currency", "Budget", "Spend to date", "Projected spend",
          "Revenue", "ROI"].map((text) => h("th", { scope: "col" }, text)))),
        h("tbody", {}, rows.map((row) => h("tr", { dataset: { currency: row.currency } },
          h("th", { scope: "row" }, row.currency),
          h("td", {}, currencyAmount(row.budget, row.currency)),
          h("td", {}, currencyAmount(row.spendToDate, row.currency)),
          h("td", {}, currencyAmount(row.projectedSpend, row.currency)),
          h("td", {}, currencyAmount(row.revenue, row.currency)),
          h("td", {}, row.roi == null ? "—" : percent(row.roi))))))));
}

function gaps(summary) {
  return summary.reporting.gaps.map((gap) => h("p.money-gap", { dataset: { testid: "money-gap" } },
    gap.message));
}

function chart(title, testid, head, columns, rows) {
  return h("section", { dataset: { testid } }, h("h2", {}, title),
    rows.length ? [legend(columns), barTable({ caption: `${title}, in the reporting currency`,
      head, columns, rows, testid: `${testid}-table` })] : empty("Nothing in this period."));
}

export class MoneyView {
  constructor() {
    this.title = "Money";
    this.periodSelect = h("select", { name: "period" });
    this.periodSelect.addEventListener("change", () =>
      router.patch({ period: this.periodSelect.value }));
    this.body = h("div.money-body", {});
    this.element = h("section.money-view", {}, h("h1", { tabindex: "-1", "data-skip-target": "" },
      "Money"),
    h("form.filters", { onsubmit: (event) => event.preventDefault() },
      h("label.filter", {}, "Period", this.periodSelect)),
    this.body);
    this.periods = null;
  }

  /** The fiscal periods holding work; the year holding today is the default. */
  async loadPeriods() {
    if (this.periods) return;
    this.periods = await api.fiscalPeriods();
    for (const period of this.periods) {
      this.periodSelect.append(h("option", { value: period.name }, period.kind === "YEAR"
        ? period.name : `${period.name} · ${date(period.start)} – ${date(period.end)}`));
    }
  }

  defaultPeriod() {
    const today = new Date().toISOString().slice(0, 10);
    const years = this.periods.filter((period) => period.kind === "YEAR");
    return (years.find((p) => p.start <= today && today <= p.end) ?? years[0]
      ?? this.periods[0])?.name ?? "";
  }

  async show({ params }) {
    try {
      await this.loadPeriods();
      const known = this.periods.some((period) => period.name === params.period);
      const name = known ? params.period : this.defaultPeriod();
      this.periodSelect.value = name;
      const request = api.portfolio(name ? { name } : {});
      this.shown = name;
      const portfolio = await withLoading(this.body, request, "Loading money…");
      if (this.shown !== name) return;
      this.render(portfolio);
    } catch (error) {
      clear(this.body, errorBox(error));
    }
  }

  render(portfolio) {
    const total = portfolio.total;
    const code = total.reporting.currency;
    const teams = portfolio.byTeam.map((row) => ({ label: row.team.name, money: row.money }));
    const channels = portfolio.byChannel.map((row) => ({
      label: row.channel ? enumLabel(row.channel) : "No channel", money: row }));
    const categories = portfolio.byCategory.map((row) => ({
      label: row.category ? enumLabel(row.category) : "Supports no key result",
      money: row.money }));
    clear(this.body,
      h("p.money-period", { dataset: { testid: "money-period" } },
        `${date(portfolio.start)} – ${date(portfolio.end)} · `
        + `${count(portfolio.campaigns)} campaign${portfolio.campaigns === 1 ? "" : "s"} · `
        + `all amounts in ${code}`),
      h("section", { "aria-labelledby": "money-total-heading" },
        h("h2", { id: "money-total-heading" }, `Total in ${code}`),
        totals(total), gaps(total), byCurrency(total),
        h("p.money-note", {}, "Budgets and projected spend count each campaign's days inside "
          + "the period; spend and results are those dated in it, up to today.")),
      chart("By team", "money-by-team", "Team", [BUDGET, SPEND, PROJECTED], teams),
      chart("By channel", "money-by-channel", "Channel",
        [SPEND, REVENUE, LEADS, COST_PER_LEAD, ROI], channels),
      chart("By goal category", "money-by-category", "Category", [BUDGET, SPEND, PROJECTED],
        categories));
  }
}
