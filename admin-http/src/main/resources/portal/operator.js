// The operator's pages: customers and their keys, the IP-space review queue, the cluster's members.
import { api } from "./api.js";
import { h, fmt, statusBadge, healthBadge, dataTable, field, onSubmit, secretBox, showError, clearErrors, say } from "./ui.js";
import { spaceWords } from "./nodes.js";

export async function customersPage(main, ctx) {
  const customers = await api("GET", "/customers");
  const keyHolder = h("div", { id: "issuedKey", "aria-live": "polite" });
  const issue = async (c) => {
    try {
      const k = await api("POST", "/customers/" + encodeURIComponent(c.id) + "/keys");
      keyHolder.replaceChildren(secretBox("API key for " + c.name, [["Customer ID", k.customerId], ["API key", k.apiKey]],
        "Shown once: give it to the customer now; it cannot be shown again. The customer signs in to this portal with it."));
      keyHolder.scrollIntoView();
      say("Issued an API key for " + c.name + ".");
    } catch (e) {
      say(e.message, true);
    }
  };
  const name = h("input", { autocomplete: "off", required: true, maxLength: 200 });
  const form = h("form", { id: "createCustomer", className: "panel form compact", "aria-labelledby": "createCustomerTitle", novalidate: true },
    h("h2", { id: "createCustomerTitle" }, "Add a customer"),
    field("name", "Name", name, "The ISP tenant's name as its people know it, 1-200 characters.", "customer-"),
    h("p", { className: "form-error", role: "alert" }),
    h("button", { type: "submit", className: "primary" }, "Create the customer"));
  onSubmit(form, async () => {
    const c = await api("POST", "/customers", { name: name.value.trim() });
    await ctx.refresh();
    say("Created customer " + c.name + ". Issue it an API key to let it sign in.");
  });
  main.replaceChildren(
    h("div", { className: "page-head" }, h("h1", {}, "Customers")),
    dataTable({
      id: "customers", caption: "Customers", rows: customers, rowId: (c) => c.id, empty: "No customers yet: add one below.",
      columns: [
        { key: "name", label: "Name" },
        { key: "id", label: "Customer ID", cell: (c) => h("code", {}, c.id) },
        { key: "createdAt", label: "Created (UTC)", cell: (c) => fmt.time(c.createdAt) },
        { key: "apiKeys", label: "API keys", value: (c) => c.apiKeys },
        { key: "actions", label: "Actions", sortable: false, value: () => "",
          cell: (c) => h("button", { type: "button", className: "issue-key", onclick: () => issue(c), "aria-label": "Issue an API key for " + c.name }, "Issue an API key") },
      ],
    }),
    keyHolder,
    form);
}

function decisionCell(n, ctx, names) {
  const reason = h("input", { autocomplete: "off", className: "reason-input" });
  const form = h("form", { className: "decision", novalidate: true, dataset: { node: n.id } },
    h("button", { type: "button", className: "approve primary" }, "Approve"),
    field("reason", "Reason for a rejection", reason, null, "reject-" + n.id + "-"),
    h("button", { type: "submit", className: "reject danger" }, "Reject"),
    h("p", { className: "form-error", role: "alert" }));
  form.querySelector(".approve").addEventListener("click", async () => {
    clearErrors(form);
    try {
      await api("POST", "/review/" + encodeURIComponent(n.id) + "/approve");
      await ctx.refresh();
      say("Approved the IP space of " + n.name + " (" + names.customer(n) + ").");
    } catch (e) {
      showError(form, e);
    }
  });
  onSubmit(form, async () => {
    await api("POST", "/review/" + encodeURIComponent(n.id) + "/reject", { reason: reason.value.trim() });
    await ctx.refresh();
    say("Rejected the IP space of " + n.name + " (" + names.customer(n) + ").");
  });
  return form;
}

export async function reviewPage(main, ctx) {
  const [queue, customers] = await Promise.all([api("GET", "/review"), api("GET", "/customers")]);
  const customerName = Object.fromEntries(customers.map((c) => [c.id, c.name]));
  const names = { customer: (n) => customerName[n.customerId] || n.customerId };
  main.replaceChildren(
    h("div", { className: "page-head" }, h("h1", {}, "IP-space review")),
    h("p", { className: "lead" }, "Nodes whose IP space is in review (more than 50,000 addresses or /64 networks) or needs attention "
      + "(it overlaps space another customer holds, or was rejected). Approving makes exactly these blocks valid; a rejection "
      + "needs a reason, which the customer reads, and holds until the customer changes the blocks."),
    dataTable({
      id: "review", caption: "IP-space review queue", rows: queue, rowId: (n) => n.id, empty: "Nothing waits for review.",
      columns: [
        { key: "name", label: "Node", cell: (n) => h("a", { href: "#/nodes/" + encodeURIComponent(n.id) }, n.name) },
        { key: "customer", label: "Customer", value: names.customer },
        { key: "cidrBlocks", label: "CIDR blocks", cell: (n) => h("span", { className: "blocks" }, n.cidrBlocks) },
        { key: "space", label: "IP space", value: (n) => n.ipv4Addresses, cell: spaceWords },
        { key: "status", label: "Status", value: (n) => n.ipSpaceStatus,
          cell: (n) => h("div", {}, statusBadge(n.ipSpaceStatus), h("div", { className: "reason" }, n.statusReason || ""),
            n.conflict ? h("div", { className: "reason" }, "Conflict: " + n.conflict) : null) },
        { key: "decide", label: "Decision", sortable: false, value: () => "", cell: (n) => decisionCell(n, ctx, names) },
      ],
    }));
}

export async function membersPage(main) {
  const view = await api("GET", "/cluster/members");
  main.replaceChildren(
    h("div", { className: "page-head" }, h("h1", {}, "Cluster")),
    view.partial ? h("p", { className: "warning", id: "partial" }, "Some members did not answer in time: their figures are missing.") : null,
    dataTable({
      id: "members", caption: "Cluster members", rows: view.members, rowId: (m) => m.address,
      columns: [
        { key: "address", label: "Address", cell: (m) => h("code", {}, m.address) },
        { key: "roles", label: "Roles", value: (m) => m.roles.join(", ") },
        { key: "status", label: "Status" },
        { key: "reachable", label: "Reachable", value: (m) => fmt.yesNo(m.reachable) },
        { key: "healthy", label: "Health", value: (m) => (m.healthy === null ? "no answer" : m.healthy ? "healthy" : "unhealthy"),
          cell: (m) => (m.healthy === null ? "no answer" : healthBadge(m.healthy)) },
        { key: "problems", label: "Problems", value: (m) => (m.problems || []).join("; ") },
        { key: "shards", label: "Shards", value: (m) => m.shards ?? "" },
        { key: "entities", label: "Entities", value: (m) => m.entities ?? "" },
      ],
    }));
}
