// Overview: the caller's nodes (an operator: the whole cluster) at a glance, over a chosen range.
import { api, keepKey } from "./api.js";
import { h, fmt, rangePicker, confirmDialog, secretBox, say } from "./ui.js";
import { trafficCharts } from "./charts.js";

let range = "24h";

/** A figure with its label and a line saying what it means. */
export function tile(id, label, value, note) {
  return h("div", { className: "tile", id }, h("div", { className: "tile-label" }, label), h("div", { className: "tile-value" }, value),
    note ? h("div", { className: "tile-note" }, note) : null);
}

/** The figures of a report's totals, with "now" from the last minute of the 1 h report. */
export function trafficTiles(report, lastHour) {
  const t = report.totals;
  const last = lastHour.series.length ? lastHour.series[lastHour.series.length - 1] : null;
  const saved = Math.max(0, t.egressBytes - t.originBytes);
  return h("div", { className: "tiles" },
    tile("egressNow", "Egress now", fmt.mbps(last ? last.egressMbps : null), "the last whole minute" + (last ? ", " + fmt.time(last.at) : "")),
    tile("egressRange", "Egress over the range", fmt.mbps(t.avgEgressMbps), "average; peak " + fmt.mbps(t.peakEgressMbps) + ", " + fmt.bytes(t.egressBytes) + " sent"),
    tile("efficiency", "Cache efficiency", fmt.percent(t.cacheEfficiency), "bytes served from the cache ÷ bytes requested; hit ratio " + fmt.percent(t.hitRatio)),
    tile("saved", "Origin traffic saved", fmt.bytes(saved),
      (t.egressBytes ? fmt.percent(saved / t.egressBytes) + " of egress" : "no egress yet") + " was not fetched from the CDN; origin " + fmt.bytes(t.originBytes)),
    tile("requests", "Requests", fmt.int(t.requests), fmt.int(t.errors) + " the cache failed to serve"));
}

export async function overviewPage(main, ctx) {
  const [report, lastHour] = await Promise.all([api("GET", "/report/traffic?range=" + range), api("GET", "/report/traffic?range=1h")]);
  const t = report.totals;
  const whose = ctx.me.operator ? "every cache node of the cluster" : "your cache nodes";
  main.replaceChildren(
    h("div", { className: "page-head" },
      h("h1", {}, "Overview"),
      rangePicker(range, (r) => {
        range = r;
        ctx.refresh();
      }, "overviewRange")),
    h("p", { className: "lead" }, "Traffic of " + whose + ", " + fmt.time(report.from) + " to " + fmt.time(report.to) + "."),
    h("div", { className: "tiles" },
      tile("healthyNodes", "Healthy nodes", fmt.int(t.healthyNodes), "reporting healthy now"),
      tile("unhealthyNodes", "Unhealthy nodes", fmt.int(t.unhealthyNodes), "unhealthy or silent now"),
      tile("diskUsage", "Cache drives", fmt.bytes(t.diskUsedBytes) + " of " + fmt.bytes(t.diskCapacityBytes), "used, as last reported")),
    trafficTiles(report, lastHour),
    trafficCharts("overview", report, "/report/traffic?range=" + range, "ispcache-traffic-" + range + ".csv"),
    ctx.me.operator ? null : ownKey());
}

/** A customer replaces the key it signed in with (POST /keys/rotate); this tab carries on with the new one. */
function ownKey() {
  const shown = h("div", { id: "replacedKey", "aria-live": "polite" });
  const replace = h("button", { type: "button", id: "replaceKey" }, "Replace my API key");
  replace.addEventListener("click", async () => {
    const ok = await confirmDialog("Replace your API key?",
      "A new API key is made and shown once; the key you signed in with stops working at once, in scripts too.", "Replace the key");
    if (!ok) return;
    try {
      const k = await api("POST", "/keys/rotate");
      keepKey(k.apiKey);
      shown.replaceChildren(secretBox("Your new API key", [["API key", k.apiKey]]));
      say("Replaced your API key; this tab uses the new one.");
    } catch (e) {
      say(e.message, true);
    }
  });
  return h("section", { className: "panel", "aria-labelledby": "ownKeyTitle" },
    h("h2", { id: "ownKeyTitle" }, "Your API key"),
    h("p", {}, "Replace the key you signed in with when it may have leaked; other keys the operator issued you stay valid."),
    replace, shown);
}
