// Budget against spend for a goal or a campaign in the detail panel: budget, spend to date
// and projected spend as bars on one scale, each with its amount as text. One currency is
// shown as is; several are shown converted into the reporting currency.
import { h } from "../../dom.js";
import { money, percent } from "../../format.js";
import { amountOf } from "./bars.js";

/** The figures to draw: the summary's own when in one currency, else the converted ones. */
function figuresOf(summary) {
  if (summary.currency || !summary.byCurrency.length) return { ...summary, converted: false };
  return { ...summary.reporting, converted: true };
}

/** A section for a goal or campaign with money; null for anything else. */
export function budgetChart(node) {
  if (!["Goal", "Campaign"].includes(node.__typename) || !node.money) return null;
  const figures = figuresOf(node.money);
  const budget = amountOf(figures.budget);
  const spend = amountOf(figures.spendToDate);
  const projected = amountOf(figures.projectedSpend);
  if (budget == null && spend == null && projected == null) return null;
  const largest = Math.max(budget ?? 0, spend ?? 0, projected ?? 0);
  const row = (term, value, amount, kind) => h("div.bar-row", {}, h("dt", {}, term),
    h("dd", { dataset: { figure: `chart-${kind}` } }, h("span.amount", {}, money(value)),
      h("span.bar-track", { "aria-hidden": "true" }, h(`span.bar-fill.bar-${kind}`, {
        style: { width: `${largest && amount ? Math.max(1, (amount / largest) * 100) : 0}%` },
      }))));
  const over = budget != null && projected != null && projected > budget;
  const used = budget ? spend / budget : null;
  return h("section.block.budget-chart", { dataset: { testid: "budget-chart" } },
    h("h3", {}, "Budget against spend"),
    figures.converted ? h("p.hint", {}, `Converted into ${figures.currency}.`) : null,
    h("dl", {}, row("Budget", figures.budget, budget, "budget"),
      row("Spend to date", figures.spendToDate, spend, "spend"),
      row("Projected spend", figures.projectedSpend, projected, over ? "over" : "projected")),
    h("p.hint", { dataset: { figure: "budget-used" } }, used == null ? "No budget set."
      : `${percent(used)} of the budget spent${over ? "; projected to go over budget" : ""}.`));
}
