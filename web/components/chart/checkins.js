// A key result's value history as a line, with its target as a guide: its check-ins, or for
// a key result measured from its campaigns' results, one point per day its value changed.
import uPlot from "uplot";
import { h } from "../../dom.js";
import { compact, dateTime, number, shortDate } from "../../format.js";

// Axis labels in the user's locale: short dates below, compact numbers (8.7M) at the side,
// so neither is cut off by the axis' width.
const xValues = (u, splits) => splits.map((seconds) => shortDate(new Date(seconds * 1000)));
const yValues = (u, splits) => splits.map((value) => compact(value));

function ink() {
  return getComputedStyle(document.documentElement).getPropertyValue("--muted").trim() || "#44506a";
}

export function checkInChart(keyResult) {
  const points = keyResult.valueHistory.nodes;
  const measured = keyResult.source.kind !== "MANUAL";
  const figure = h("figure.chart", {});
  if (!points.length) {
    figure.append(h("p.empty", {}, measured ? "No results counted yet." : "No check-ins yet."));
    return { element: figure, destroy() {} };
  }
  const xs = points.map((point) => Date.parse(point.at) / 1000);
  const values = points.map((point) => (point.value == null ? null : Number(point.value)));
  const target = points.map(() => Number(keyResult.targetValue));
  const width = 420;
  const plot = new uPlot({
    width, height: 180,
    legend: { show: false },
    scales: { x: { time: true } },
    axes: [{ stroke: ink(), values: xValues }, { stroke: ink(), size: 64, values: yValues }],
    series: [
      {},
      { label: "Value", stroke: "#2456c7", width: 2, points: { size: 6, fill: "#2456c7" } },
      { label: "Target", stroke: "#8a5a00", dash: [6, 4], width: 1.5, points: { show: false } },
    ],
  }, [xs, values, target], figure);
  figure.append(h("figcaption", {},
    `${points.length} ${measured ? "days with results" : "check-ins"}; latest `
    + `${number(points.at(-1).value)} on ${dateTime(points.at(-1).at)}; `
    + `target ${number(keyResult.targetValue)} (dashed).`));
  const resize = new ResizeObserver(() => {
    const available = Math.max(Math.min(figure.clientWidth, 640), 240);
    if (Math.abs(available - plot.width) > 4) plot.setSize({ width: available, height: 180 });
  });
  resize.observe(figure);
  return { element: figure, destroy() { resize.disconnect(); plot.destroy(); } };
}

/** Horizontal bars: each child's part in the progress. */
export function breakdownBars(items) {
  return h("ul.bars", {}, items.map((item) => {
    const share = Number(item.contribution) * 100;
    return h("li", {},
      h("span.bar-label", {}, item.node.title ?? item.node.name),
      h("span.bar", { "aria-hidden": "true" },
        h("span.bar-fill", { style: { width: `${Math.min(Number(item.progress) * 100, 100)}%` } })),
      h("span.bar-text", {}, item.counted
        ? `${(Number(item.progress) * 100).toFixed(0)}% done, weight ${number(item.weight)}, `
          + `adds ${share.toFixed(1)} points`
        : "not counted (measures nothing yet)"));
  }));
}
