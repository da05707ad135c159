"use strict";
// The portal keeps the key in memory only and calls the same API as any client.
let apiKey = "";

function say(text, isError) {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

async function api(method, path, body) {
  const response = await fetch("/api/v1" + path, {
    method,
    headers: Object.assign({ "Authorization": "Bearer " + apiKey }, body ? { "Content-Type": "application/json" } : {}),
    body: body ? JSON.stringify(body) : undefined
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error((data && data.detail) || response.statusText);
  }
  return data;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

async function loadNodes() {
  const nodes = await api("GET", "/nodes");
  const body = document.querySelector("#nodes tbody");
  body.replaceChildren();
  for (const n of nodes) {
    const row = body.insertRow();
    row.dataset.id = n.id;
    cell(row, n.name);
    cell(row, n.serverIp);
    cell(row, n.cidrBlocks);
    cell(row, n.ipv4Addresses + " IPv4, " + n.ipv6Networks + " /64");
    cell(row, n.ipSpaceStatus, n.ipSpaceStatus);
    cell(row, n.enabled ? "yes" : "no");
    cell(row, n.healthy ? "yes" : "no");
  }
  document.getElementById("nodesSection").hidden = false;
}

async function loadReview() {
  let queue;
  try {
    queue = await api("GET", "/review");
  } catch (e) {
    document.getElementById("reviewSection").hidden = true; // customers have no review queue
    return;
  }
  const body = document.querySelector("#review tbody");
  body.replaceChildren();
  for (const n of queue) {
    const row = body.insertRow();
    row.dataset.id = n.id;
    cell(row, n.name);
    cell(row, n.customerId);
    cell(row, n.cidrBlocks);
    cell(row, n.ipv4Addresses);
    cell(row, n.ipSpaceStatus, n.ipSpaceStatus);
    cell(row, n.statusReason);
    const actions = row.insertCell();
    if (n.ipSpaceStatus === "IN_REVIEW") {
      const approve = document.createElement("button");
      approve.textContent = "Approve";
      approve.className = "approve";
      approve.onclick = () => decide(n, true);
      const reject = document.createElement("button");
      reject.textContent = "Reject";
      reject.className = "reject";
      reject.onclick = () => decide(n, false);
      actions.append(approve, reject);
    }
  }
  document.getElementById("reviewSection").hidden = false;
}

async function decide(node, approve) {
  try {
    if (approve) {
      await api("POST", "/review/" + node.id + "/approve");
      say("Approved the IP space of " + node.name + ".");
    } else {
      const reason = window.prompt("Why is the IP space of " + node.name + " rejected?");
      if (!reason) return;
      await api("POST", "/review/" + node.id + "/reject", { reason });
      say("Rejected the IP space of " + node.name + ".");
    }
    await refresh();
  } catch (e) {
    say(e.message, true);
  }
}

async function refresh() {
  await loadNodes();
  await loadReview();
}

document.getElementById("signInForm").addEventListener("submit", async (event) => {
  event.preventDefault();
  apiKey = document.getElementById("apiKey").value.trim();
  try {
    await refresh();
    say("Signed in.");
  } catch (e) {
    say(e.message, true);
  }
});
