// Cache nodes: every node the caller sees, searchable, sortable and in pages; customers create
// nodes (and the resources that group them) here.
import { api } from "./api.js";
import { h, fmt, statusBadge, healthBadge, dataTable, field, onSubmit, secretBox, say } from "./ui.js";
import { installCommand } from "./node.js";

/** The help texts of the node fields, shared by the create and edit forms. */
export const HELP = {
  resourceId: "The resource (a named group of cache nodes, e.g. a region or site) this node belongs to.",
  name: "1-64 letters or digits, no spaces; unique among your nodes. It cannot be changed later.",
  serverIp: "The public IPv4 address clients are sent to. Leave it empty until the server is set up: a node without one receives no traffic.",
  cidrBlocks: "The client address blocks steered to this node, separated by commas, e.g. 203.0.113.0/24, 2001:db8:100::/48. "
    + "Up to 50,000 IPv4 addresses (and 50,000 IPv6 /64 networks) are valid at once; more waits for an operator's review, "
    + "and space another customer holds waits until it is freed.",
  maxEgressMbps: "The most this node may send, in Mbit/s: 0 for no limit, at most 400,000.",
  enabled: "Only enabled nodes with valid IP space, a server IP and recent heartbeats receive clients.",
  drives: "The node's cache drives as mounted on the server: an absolute path (not /) and its size in GB; up to 10.",
};

/** A drives editor: rows of path and size, with add and remove; value() gives the API's list. */
function drivesInput(idPrefix) {
  const list = h("div", { className: "drives" });
  let n = 0;
  const add = (path, size) => {
    const i = ++n;
    const row = h("div", { className: "drive" },
      h("label", { htmlFor: idPrefix + "drivePath" + i }, "Path"),
      h("input", { id: idPrefix + "drivePath" + i, className: "drive-path", value: path || "", placeholder: "/srv/cache1", autocomplete: "off" }),
      h("label", { htmlFor: idPrefix + "driveSize" + i }, "Size (GB)"),
      h("input", { id: idPrefix + "driveSize" + i, className: "drive-size", type: "number", min: "1", step: "1", value: size || "" }),
      h("button", { type: "button", className: "remove", onclick: () => row.remove(), "aria-label": "Remove drive " + i }, "Remove"));
    list.append(row);
  };
  const addButton = h("button", { type: "button", className: "add-drive", onclick: () => add() }, "Add a drive");
  const holder = h("div", { className: "drives-input" }, list, addButton);
  holder.value = () => [...list.querySelectorAll(".drive")].map((r) => ({
    path: r.querySelector(".drive-path").value.trim(),
    sizeGb: Number(r.querySelector(".drive-size").value),
  })).filter((d) => d.path || d.sizeGb);
  add();
  return holder;
}

/** A field whose control is a group (the drives): labelled as a group, errors shown the same way. */
function groupField(name, label, control, help) {
  control.setAttribute("role", "group");
  control.setAttribute("aria-labelledby", name + "-label");
  control.setAttribute("aria-describedby", name + "-help " + name + "-error");
  return h("div", { className: "field", dataset: { field: name } },
    h("span", { className: "label", id: name + "-label" }, label), control,
    h("p", { className: "help", id: name + "-help" }, help), h("p", { className: "field-error", id: name + "-error", role: "alert" }));
}

/** Blocks typed one per line or separated by commas, as the API's comma-separated list. */
export function blocksOf(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean).join(", ");
}

function createNodeForm(resources, ctx, result) {
  const resource = h("select", {}, resources.map((r) => h("option", { value: r.id }, r.name)));
  const name = h("input", { autocomplete: "off", required: true, maxLength: 64 });
  const serverIp = h("input", { autocomplete: "off", inputMode: "decimal", placeholder: "203.0.113.10" });
  const cidrBlocks = h("textarea", { rows: 3, placeholder: "203.0.113.0/24, 2001:db8:100::/48" });
  const maxEgress = h("input", { type: "number", min: "0", max: "400000", step: "1", value: "0" });
  const enabled = h("input", { type: "checkbox", checked: true });
  const drives = drivesInput("new");
  const form = h("form", { id: "createNode", className: "panel form", "aria-labelledby": "createNodeTitle", novalidate: true },
    h("h2", { id: "createNodeTitle" }, "Add a cache node"),
    field("resourceId", "Resource", resource, HELP.resourceId),
    field("name", "Name", name, HELP.name),
    field("serverIp", "Server IP", serverIp, HELP.serverIp),
    field("cidrBlocks", "CIDR blocks", cidrBlocks, HELP.cidrBlocks),
    field("maxEgressMbps", "Maximum egress (Mbit/s)", maxEgress, HELP.maxEgressMbps),
    field("enabled", "Enabled", enabled, HELP.enabled),
    groupField("drives", "Cache drives", drives, HELP.drives),
    h("p", { className: "form-error", role: "alert" }),
    h("button", { type: "submit", className: "primary" }, "Create the cache node"));
  onSubmit(form, async () => {
    const created = await api("POST", "/nodes", {
      resourceId: resource.value || null,
      name: name.value.trim(),
      serverIp: serverIp.value.trim() || null,
      cidrBlocks: blocksOf(cidrBlocks.value),
      maxEgressMbps: maxEgress.value === "" ? 0 : Number(maxEgress.value),
      enabled: enabled.checked,
      drives: drives.value(),
    });
    const k = created.activationKeys;
    result.replaceChildren(
      secretBox("Activation keys of " + created.name, [["Customer ID", k.customerId], ["Cache node ID", k.cacheNodeId], ["Node key", k.nodeKey]],
        "Shown once: the node key cannot be shown again (rotate it on the node's page to get a new one)."),
      h("h3", {}, "Install command"),
      installCommand(created, k.nodeKey),
      h("p", {}, h("a", { href: "#/nodes/" + encodeURIComponent(created.id), id: "createdNodeLink" }, "Open " + created.name)));
    say("Created cache node " + created.name + ": " + statusWords(created) + ".");
    form.reset();
    result.scrollIntoView();
    await ctx.reloadTable();
  });
  return form;
}

function statusWords(n) {
  return n.ipSpaceStatus + (n.statusReason ? " (" + n.statusReason + ")" : "");
}

function createResourceForm(ctx) {
  const name = h("input", { autocomplete: "off", required: true });
  const form = h("form", { id: "createResource", className: "panel form compact", "aria-labelledby": "createResourceTitle", novalidate: true },
    h("h2", { id: "createResourceTitle" }, "Add a resource"),
    field("name", "Resource name", name, "A named group of cache nodes, e.g. a region or a data centre.", "resource-"),
    h("p", { className: "form-error", role: "alert" }),
    h("button", { type: "submit" }, "Create the resource"));
  onSubmit(form, async () => {
    const r = await api("POST", "/resources", { name: name.value.trim() });
    say("Created resource " + r.name + ".");
    await ctx.refresh();
  });
  return form;
}

/** The IP space of a node in words: addresses and /64 networks. */
export function spaceWords(n) {
  const parts = [];
  if (n.ipv4Addresses > 0 || n.ipv6Networks === "0") parts.push(fmt.int(n.ipv4Addresses) + " IPv4");
  if (n.ipv6Networks !== "0") parts.push(fmt.int(Number(n.ipv6Networks)) + " IPv6 /64");
  return parts.join(", ");
}

export async function nodesPage(main, ctx) {
  const load = () => Promise.all([api("GET", "/nodes"), api("GET", "/resources"), api("GET", "/customers"), api("GET", "/report/traffic/nodes?range=1h")]);
  let [nodes, resources, customers, traffic] = await load();
  const tableHolder = h("div");
  const result = h("div", { id: "createResult", "aria-live": "polite" });
  const drawTable = () => {
    const resourceName = Object.fromEntries(resources.map((r) => [r.id, r.name]));
    const customerName = Object.fromEntries(customers.map((c) => [c.id, c.name]));
    const egress = Object.fromEntries(traffic.nodes.map((t) => [t.nodeId, t.lastEgressMbps]));
    tableHolder.replaceChildren(dataTable({
      id: "nodes",
      caption: "Cache nodes",
      rows: nodes,
      rowId: (n) => n.id,
      empty: ctx.me.operator ? "No customer has a cache node yet." : "You have no cache nodes yet: add one below.",
      columns: [
        { key: "name", label: "Name", cell: (n) => h("a", { href: "#/nodes/" + encodeURIComponent(n.id) }, n.name) },
        { key: "resource", label: "Resource", value: (n) => resourceName[n.resourceId] || n.resourceId },
        { key: "customer", label: "Customer", value: (n) => customerName[n.customerId] || n.customerId },
        { key: "serverIp", label: "Server IP", value: (n) => n.serverIp || "" },
        { key: "space", label: "IP space", value: (n) => n.ipv4Addresses, cell: (n) => h("span", { title: n.cidrBlocks }, spaceWords(n)) },
        { key: "status", label: "Status", value: (n) => n.ipSpaceStatus + " " + (n.statusReason || ""),
          cell: (n) => h("div", {}, statusBadge(n.ipSpaceStatus), n.statusReason ? h("div", { className: "reason" }, n.statusReason) : null) },
        { key: "enabled", label: "Enabled", value: (n) => fmt.yesNo(n.enabled) },
        { key: "health", label: "Health", value: (n) => (n.healthy ? "healthy" : "unhealthy"), cell: (n) => healthBadge(n.healthy) },
        { key: "egress", label: "Egress now", value: (n) => egress[n.id] ?? 0, cell: (n) => h("span", { className: "num" }, fmt.mbps(egress[n.id] ?? 0)) },
      ],
    }));
  };
  ctx = Object.assign({}, ctx, {
    async reloadTable() {
      [nodes, resources, customers, traffic] = await load();
      drawTable();
    },
  });
  drawTable();
  const parts = [h("div", { className: "page-head" }, h("h1", {}, "Cache nodes")), tableHolder];
  if (ctx.me.operator) {
    parts.push(h("p", { className: "note" }, "Cache nodes are created by their customers with their own API keys."));
  } else {
    parts.push(h("div", { className: "columns" },
      resources.length ? createNodeForm(resources, ctx, result) : h("div", { className: "panel" }, h("h2", {}, "Add a cache node"),
        h("p", {}, "A cache node belongs to a resource: add one first.")),
      createResourceForm(ctx)), result);
  }
  main.replaceChildren(...parts);
}
