// One cache node: its settings (editable), IP space, health, keys and install command, charts of
// its traffic and its change history.
import { api } from "./api.js";
import { h, fmt, statusBadge, healthBadge, dataTable, field, onSubmit, secretBox, copyButton, confirmDialog, rangePicker, say } from "./ui.js";
import { trafficCharts } from "./charts.js";
import { HELP, blocksOf, spaceWords } from "./nodes.js";

let range = "24h";

/** The registry stores drive sizes in GB (10^9 bytes); install takes binary units: the whole GiB below, or MiB. */
function installSize(sizeGb) {
  const bytes = sizeGb * 1e9;
  const gib = Math.floor(bytes / 2 ** 30);
  return gib >= 1 ? gib + "GiB" : Math.floor(bytes / 2 ** 20) + "MiB";
}

/**
 * The distribution's install command for this node (bin/install of the release tarball): its
 * drives, this admin API as the registry and its activation keys. The node key is shown only
 * right after creation or rotation; otherwise its place is marked.
 */
export function installCommand(node, nodeKey) {
  const q = (s) => (/^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'");
  const drives = node.drives && node.drives.length ? node.drives.map((d) => "--drive " + q(d.path + ":" + installSize(d.sizeGb)))
    : ["--drive /srv/cache1:SIZE"];
  const lines = [
    "sudo bin/install " + drives.join(" "),
    "  --registry-url " + q(location.origin),
    "  --customer-id " + node.customerId + " --cache-node-id " + node.id,
    "  --node-key " + (nodeKey ? q(nodeKey) : "NODE_KEY"),
  ];
  const text = lines.join(" \\\n");
  return h("div", { className: "install" },
    h("pre", { className: "copyable", id: "installCommand" }, text), copyButton(text, "Copy the command"),
    h("p", { className: "help" }, "Run it in the unpacked release (ispcache-<version>.tar.gz) on the server. ",
      nodeKey ? "It holds the node key shown once above." : "NODE_KEY is the node key shown when the node was created; rotate the key below for a new one.",
      " A node of a cluster also takes --cluster-address, --seed-node and --peer-secret; an admin API with its own CA, "
      + "--registry-trust-store (see the distribution's README)."));
}

function details(n, names) {
  const rows = [
    ["Cache node ID", n.id], ["Customer", names.customer], ["Resource", names.resource], ["Server IP", n.serverIp || "none"],
    ["CIDR blocks", n.cidrBlocks || "none"], ["IP space", spaceWords(n)], ["Status", statusBadge(n.ipSpaceStatus)],
    ["Status reason", n.statusReason || "–"], ["Maximum egress", n.maxEgressMbps ? fmt.mbps(n.maxEgressMbps) : "no limit"],
    ["Enabled", fmt.yesNo(n.enabled)], ["Health", healthBadge(n.healthy)],
    ["Drives", n.drives.length ? n.drives.map((d) => d.path + " (" + fmt.int(d.sizeGb) + " GB)").join(", ") : "none registered"],
  ];
  if (n.conflict) rows.push(["Conflict (operators)", n.conflict]);
  if (n.usage) {
    rows.push(["Last heartbeat", fmt.time(n.usage.reportedAt)],
      ["Cache drives used", fmt.bytes(n.usage.diskUsedBytes) + " of " + fmt.bytes(n.usage.diskCapacityBytes)]);
  } else {
    rows.push(["Last heartbeat", "none yet"]);
  }
  return h("dl", { className: "details", id: "nodeDetails" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function editForm(n, ctx) {
  const serverIp = h("input", { autocomplete: "off", value: n.serverIp || "" });
  const cidrBlocks = h("textarea", { rows: 3, value: n.cidrBlocks || "" });
  const maxEgress = h("input", { type: "number", min: "0", max: "400000", step: "1", value: String(n.maxEgressMbps) });
  const enabled = h("input", { type: "checkbox", checked: n.enabled });
  const form = h("form", { id: "editNode", className: "panel form", "aria-labelledby": "editNodeTitle", novalidate: true },
    h("h2", { id: "editNodeTitle" }, "Settings"),
    field("serverIp", "Server IP", serverIp, HELP.serverIp + " Leave it empty to clear it.", "edit-"),
    field("cidrBlocks", "CIDR blocks", cidrBlocks, HELP.cidrBlocks + " Changed blocks are evaluated anew.", "edit-"),
    field("maxEgressMbps", "Maximum egress (Mbit/s)", maxEgress, HELP.maxEgressMbps, "edit-"),
    field("enabled", "Enabled", enabled, HELP.enabled, "edit-"),
    h("p", { className: "form-error", role: "alert" }),
    h("button", { type: "submit", className: "primary" }, "Save changes"));
  onSubmit(form, async () => {
    const saved = await api("PATCH", "/nodes/" + encodeURIComponent(n.id), {
      serverIp: serverIp.value.trim(),
      cidrBlocks: blocksOf(cidrBlocks.value),
      maxEgressMbps: maxEgress.value === "" ? 0 : Number(maxEgress.value),
      enabled: enabled.checked,
    });
    await ctx.refresh();
    say("Saved " + saved.name + ": " + saved.ipSpaceStatus + (saved.statusReason ? " (" + saved.statusReason + ")" : "") + ".");
  });
  return form;
}

function keysAndDeletion(n, ctx, installHolder) {
  const shown = h("div", { id: "rotatedKey", "aria-live": "polite" });
  const rotate = h("button", { type: "button", id: "rotateKey" }, "Rotate the node key");
  rotate.addEventListener("click", async () => {
    const ok = await confirmDialog("Rotate the node key of " + n.name + "?",
      "A new node key is made and shown once; the current key stops working at once, so the node cannot report until it is given the new one.",
      "Rotate the key");
    if (!ok) return;
    try {
      const k = await api("POST", "/nodes/" + encodeURIComponent(n.id) + "/keys");
      shown.replaceChildren(secretBox("New node key of " + n.name, [["Customer ID", k.customerId], ["Cache node ID", k.cacheNodeId], ["Node key", k.nodeKey]]));
      installHolder.replaceChildren(installCommand(n, k.nodeKey));
      say("Rotated the node key of " + n.name + ".");
    } catch (e) {
      say(e.message, true);
    }
  });
  const remove = h("button", { type: "button", id: "deleteNode", className: "danger" }, "Delete the cache node");
  remove.addEventListener("click", async () => {
    const ok = await confirmDialog("Delete cache node " + n.name + "?",
      "This cannot be undone. Clients are no longer steered to it, its keys stop working and its IP space is freed; its history and "
      + "figures stay readable for a while.", "Delete " + n.name);
    if (!ok) return;
    try {
      await api("DELETE", "/nodes/" + encodeURIComponent(n.id));
      say("Deleted cache node " + n.name + ".");
      location.hash = "#/nodes";
    } catch (e) {
      say(e.message, true);
    }
  });
  return h("section", { className: "panel", "aria-labelledby": "keysTitle" },
    h("h2", { id: "keysTitle" }, "Node key and deletion"),
    h("p", {}, "The node reports with its customer ID, cache node ID and node key. Rotate the key when it may have leaked."),
    h("div", { className: "actions" }, rotate, remove), shown);
}

/** "customer:<id>" as the customer's name; operator and registry as they are. */
function actorWords(actor, customers) {
  if (actor && actor.startsWith("customer:")) {
    const c = customers.find((x) => x.id === actor.slice(9));
    return c ? "customer " + c.name : actor;
  }
  return actor;
}

export async function nodePage(main, ctx, id) {
  const path = "/nodes/" + encodeURIComponent(id);
  const [n, history, resources, customers, report] = await Promise.all([
    api("GET", path), api("GET", path + "/history"), api("GET", "/resources"), api("GET", "/customers"),
    api("GET", "/report/traffic" + path + "?range=" + range)]);
  const names = {
    customer: (customers.find((c) => c.id === n.customerId) || {}).name || n.customerId,
    resource: (resources.find((r) => r.id === n.resourceId) || {}).name || n.resourceId,
  };
  const installHolder = h("div", {}, installCommand(n, null));
  main.replaceChildren(
    h("p", { className: "crumbs" }, h("a", { href: "#/nodes" }, "Cache nodes"), " / ", n.name),
    h("div", { className: "page-head" }, h("h1", { id: "nodeName" }, n.name, " ", statusBadge(n.ipSpaceStatus))),
    h("div", { className: "columns" },
      h("section", { className: "panel", "aria-labelledby": "detailsTitle" }, h("h2", { id: "detailsTitle" }, "Details"), details(n, names)),
      editForm(n, ctx)),
    h("section", { className: "panel", "aria-labelledby": "installTitle" }, h("h2", { id: "installTitle" }, "Install command"), installHolder),
    keysAndDeletion(n, ctx, installHolder),
    h("section", { className: "panel", "aria-labelledby": "trafficTitle" },
      h("div", { className: "page-head" }, h("h2", { id: "trafficTitle" }, "Traffic"),
        rangePicker(range, (r) => {
          range = r;
          ctx.refresh();
        }, "nodeRange")),
      h("p", { className: "lead" }, "Egress " + fmt.mbps(report.totals.avgEgressMbps) + " on average, peak " + fmt.mbps(report.totals.peakEgressMbps)
        + "; cache efficiency " + fmt.percent(report.totals.cacheEfficiency) + "; " + fmt.int(report.totals.requests) + " requests."),
      trafficCharts("node", report, "/report/traffic" + path + "?range=" + range, "ispcache-node-" + n.name + "-" + range + ".csv")),
    h("section", { className: "panel", "aria-labelledby": "historyTitle" }, h("h2", { id: "historyTitle" }, "Change history"),
      dataTable({
        id: "history", caption: "Change history", rows: history.slice().reverse(), pageSize: 10,
        columns: [
          { key: "at", label: "When (UTC)", cell: (e) => fmt.time(e.at) },
          { key: "actor", label: "By", value: (e) => actorWords(e.actor, customers) },
          { key: "change", label: "Change" },
          ...(ctx.me.operator ? [{ key: "cause", label: "Cause" }] : []),
        ],
      })));
}
