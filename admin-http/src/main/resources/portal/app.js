// The portal's frame: sign in and out, the navigation, and which page the address (#/...) shows.
import { api, ApiError, currentKey, keepKey, forgetKey } from "./api.js";
import { h, say } from "./ui.js";
import { overviewPage } from "./overview.js";
import { nodesPage } from "./nodes.js";
import { nodePage } from "./node.js";
import { customersPage, reviewPage, membersPage } from "./operator.js";

/** Who is signed in: {operator, customerId, customerName}; null when nobody is. */
let me = null;

const PAGES = [
  { path: "overview", title: "Overview", render: overviewPage },
  { path: "nodes", title: "Cache nodes", render: nodesPage },
  { path: "customers", title: "Customers", render: customersPage, operator: true },
  { path: "review", title: "IP-space review", render: reviewPage, operator: true },
  { path: "cluster", title: "Cluster", render: membersPage, operator: true },
];

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "nodes" && parts[1]) {
    return { page: { path: "nodes", ready: "node", title: "Cache node" }, render: (main, ctx) => nodePage(main, ctx, parts[1]) };
  }
  const page = PAGES.find((p) => p.path === parts[0] && (!p.operator || me.operator)) || PAGES[0];
  return { page, render: page.render };
}

async function show() {
  if (!me) return;
  const { page, render } = route();
  document.querySelectorAll("#nav a").forEach((a) => {
    if (a.dataset.page === page.path) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  const main = document.getElementById("main");
  main.replaceChildren(h("p", { className: "loading" }, "Loading…"));
  main.dataset.page = page.path;
  main.removeAttribute("data-ready");
  document.title = page.title + " · ispcache";
  try {
    await render(main, { me, refresh: show });
    main.dataset.ready = page.ready || page.path;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut("Your key is no longer valid; sign in again.");
      return;
    }
    main.replaceChildren(h("div", { className: "panel" }, h("h1", {}, page.title), h("p", { className: "error" }, e.message)));
    main.dataset.ready = page.ready || page.path;
  }
}

function renderFrame() {
  document.getElementById("who").textContent = me.operator ? "Operator" : me.customerName || me.customerId;
  document.getElementById("nav").replaceChildren(h("ul", {},
    PAGES.filter((p) => !p.operator || me.operator).map((p) =>
      h("li", {}, h("a", { href: "#/" + p.path, dataset: { page: p.path } }, p.title)))));
  document.getElementById("signInView").hidden = true;
  document.getElementById("app").hidden = false;
}

async function signIn(key) {
  keepKey(key);
  try {
    me = await api("GET", "/me");
  } catch (e) {
    forgetKey();
    throw e;
  }
  renderFrame();
  say(me.operator ? "Signed in as the operator." : "Signed in as " + (me.customerName || me.customerId) + ".");
  await show();
}

function signOut(message) {
  forgetKey();
  me = null;
  document.getElementById("app").hidden = true;
  document.getElementById("main").replaceChildren();
  document.getElementById("signInView").hidden = false;
  document.getElementById("apiKey").value = "";
  say(message || "Signed out.", Boolean(message));
  document.getElementById("apiKey").focus();
}

document.getElementById("signInForm").addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = document.getElementById("apiKey").value.trim();
  if (!key) {
    say("Enter an API key.", true);
    return;
  }
  try {
    await signIn(key);
  } catch (e) {
    say(e.message, true);
  }
});
document.getElementById("signOut").addEventListener("click", () => signOut());
window.addEventListener("hashchange", show);
window.addEventListener("ispcache:unauthorized", () => {
  if (me) signOut("Your key is no longer valid; sign in again.");
});

// A reload keeps the tab signed in (the key is in this tab's sessionStorage).
if (currentKey()) {
  signIn(currentKey()).catch((e) => signOut(e.message));
}
