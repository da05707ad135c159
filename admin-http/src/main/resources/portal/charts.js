// Charts of traffic reports, drawn by uPlot (the WebJar served as vendor/uplot.js). Every chart
// comes with its numbers as a table and a button that downloads the report as CSV from the API.
import { h, fmt, say } from "./ui.js";
import { downloadCsv } from "./api.js";

const COLORS = ["#0969da", "#bc4c00", "#1a7f37", "#8250df"];

/**
 * A chart of one traffic report: series is [{label, value(point), format(v)}]; csv is the
 * report's API path and the file name its CSV is saved under.
 */
export function reportChart({ id, title, report, series, csv, yFormat, yMax }) {
  const xs = report.series.map((p) => Date.parse(p.at) / 1000);
  const data = [xs, ...series.map((s) => report.series.map((p) => s.value(p)))];
  const plotBox = h("div", { className: "plot", role: "img", "aria-label": title + ", " + rangeWords(report) + "; the numbers are in the table below it" });
  const rows = report.series.map((p, i) => h("tr", {}, h("td", {}, fmt.time(p.at)), series.map((s, j) => h("td", { className: "num" }, s.format(data[j + 1][i])))));
  const table = h("table", { className: "data numbers-table", id: id + "-numbers" },
    h("caption", {}, title + " (" + rangeWords(report) + ", one row per " + stepWords(report.stepSeconds) + ")"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Time (UTC)"), series.map((s) => h("th", { scope: "col" }, s.label)))),
    h("tbody", {}, rows));
  const download = h("button", { type: "button", className: "csv", id: id + "-csv" }, "Download CSV");
  download.addEventListener("click", async () => {
    try {
      await downloadCsv(csv.path, csv.name);
    } catch (e) {
      say(e.message, true);
    }
  });
  const figure = h("figure", { className: "chart", id },
    h("figcaption", {}, h("h3", {}, title), download),
    plotBox,
    h("details", { className: "numbers" }, h("summary", {}, "The numbers"), h("div", { className: "table-scroll" }, table)));

  let plot = null;
  const observer = new ResizeObserver(() => {
    if (plot && !plotBox.isConnected) {
      // The page was drawn anew without this chart.
      observer.disconnect();
      plot.destroy();
      return;
    }
    const width = Math.max(280, plotBox.clientWidth);
    if (plot) {
      plot.setSize({ width, height: 240 });
      return;
    }
    if (plotBox.clientWidth === 0) return; // not on the page yet
    plot = new uPlot({
      width,
      height: 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, yMax || Math.max(max || 0, 0.01) * 1.1] } },
      axes: [{}, { values: (u, ticks) => ticks.map(yFormat), size: 70 }],
      series: [{ label: "Time (UTC)" }, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i], width: 2, value: (u, v) => s.format(v),
        // A ratio is null in steps without traffic: its points are drawn, or a lone step would not show.
        points: s.sparse ? { show: true, size: 6, fill: COLORS[i] } : {} }))],
    }, data, plotBox);
    figure.dataset.drawn = "true";
  });
  observer.observe(plotBox);
  return figure;
}

function rangeWords(report) {
  return fmt.time(report.from) + " to " + fmt.time(report.to);
}

function stepWords(seconds) {
  return seconds === 60 ? "minute" : seconds === 3600 ? "hour" : seconds + " s";
}

/** The two charts every traffic view shows: egress and origin rates, and cache efficiency and hit ratio. */
export function trafficCharts(idPrefix, report, csvPath, csvName) {
  const csv = { path: csvPath, name: csvName };
  const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + " %");
  const mbps = (v) => (v === null || v === undefined ? "–" : v.toFixed(3));
  return h("div", { className: "charts" },
    reportChart({
      id: idPrefix + "-traffic", title: "Egress and origin traffic (Mbit/s)", report, csv, yFormat: (v) => v.toFixed(v >= 10 || v === 0 ? 0 : 2),
      series: [
        { label: "Egress Mbit/s", value: (p) => p.egressMbps, format: mbps },
        { label: "Origin Mbit/s", value: (p) => p.originMbps, format: mbps },
      ],
    }),
    reportChart({
      id: idPrefix + "-efficiency", title: "Cache efficiency and hit ratio (%)", report, csv, yFormat: (v) => (v * 100).toFixed(0) + "%", yMax: 1,
      series: [
        { label: "Cache efficiency", value: (p) => p.cacheEfficiency, format: pct, sparse: true },
        { label: "Hit ratio", value: (p) => p.hitRatio, format: pct, sparse: true },
      ],
    }));
}
