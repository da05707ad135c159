// Building blocks of the pages: elements built from data (text only, never markup, so nothing a
// customer typed can become script), formatting, sortable and searchable tables with pages, forms
// whose fields show the API's errors, copy buttons and confirmations.

/** An element: h("td", {className: "x"}, "text", child). Attributes starting with "on" are listeners. */
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "className") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const number = new Intl.NumberFormat("en-US");
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

export const fmt = {
  int: (v) => (v === null || v === undefined ? "–" : number.format(v)),
  // Rates below 1 Mbit/s keep three significant digits: a quiet range's average is not shown as 0.
  mbps: (v) => (v === null || v === undefined ? "–" : (v > 0 && v < 1 ? small.format(v) : decimal.format(v)) + " Mbit/s"),
  percent: (v) => (v === null || v === undefined ? "–" : decimal.format(v * 100) + " %"),
  bytes(v) {
    if (v === null || v === undefined) return "–";
    const units = ["B", "KB", "MB", "GB", "TB", "PB"];
    let i = 0;
    let x = Number(v);
    while (x >= 1000 && i < units.length - 1) {
      x /= 1000;
      i++;
    }
    return decimal.format(x) + " " + units[i];
  },
  time: (iso) => (iso ? new Date(iso).toISOString().replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC") : "–"),
  yesNo: (b) => (b ? "yes" : "no"),
};

/** A status badge: VALID, IN_REVIEW, ATTENTION_REQUIRED, healthy/unhealthy. */
export function badge(text, kind) {
  return h("span", { className: "badge " + kind }, text);
}

export function statusBadge(status) {
  const words = { VALID: "Valid", IN_REVIEW: "In review", ATTENTION_REQUIRED: "Attention required" };
  return badge(words[status] || status, "status-" + status);
}

export function healthBadge(healthy) {
  return badge(healthy ? "Healthy" : "Unhealthy", healthy ? "good" : "bad");
}

/** The page's status line (role=status): what just happened, or what went wrong. */
export function say(text, isError) {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = isError ? "error" : "ok";
}

let tableSeq = 0;

/**
 * A table of rows with a search box (over the columns' text), sortable columns (buttons in the
 * headers, aria-sort) and pages of pageSize rows. columns: {key, label, value(row) for sort and
 * search, cell(row) for display (defaults to the value)}.
 */
export function dataTable({ id, caption, columns, rows, pageSize = 25, rowId, empty = "Nothing here yet." }) {
  const n = ++tableSeq;
  const state = { query: "", sort: null, descending: false, page: 0 };
  const search = h("input", { type: "search", id: id + "-search", className: "search", autocomplete: "off", "aria-controls": id });
  const body = h("tbody");
  const headers = columns.map((c) =>
    h("th", { scope: "col", dataset: { key: c.key } },
      c.sortable === false ? c.label : h("button", { type: "button", className: "sort", onclick: () => sortBy(c.key) }, c.label)));
  const table = h("table", { id, className: "data" }, caption ? h("caption", { className: "sr-only" }, caption) : null, h("thead", {}, h("tr", {}, headers)), body);
  const info = h("span", { className: "page-info", "aria-live": "polite" });
  const prev = h("button", { type: "button", className: "prev", onclick: () => turn(-1) }, "Previous");
  const next = h("button", { type: "button", className: "next", onclick: () => turn(1) }, "Next");
  const valueOf = (c, r) => (c.value ? c.value(r) : r[c.key]);

  function visible() {
    const q = state.query.toLowerCase();
    let list = q ? rows.filter((r) => columns.some((c) => String(valueOf(c, r) ?? "").toLowerCase().includes(q))) : rows.slice();
    if (state.sort) {
      const c = columns.find((x) => x.key === state.sort);
      list.sort((a, b) => {
        const x = valueOf(c, a);
        const y = valueOf(c, b);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""), "en", { numeric: true });
        return state.descending ? -order : order;
      });
    }
    return list;
  }

  function draw() {
    const list = visible();
    const pages = Math.max(1, Math.ceil(list.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * pageSize;
    const shown = list.slice(start, start + pageSize);
    body.replaceChildren(...shown.map((r) => h("tr", { dataset: rowId ? { id: rowId(r) } : {} },
      columns.map((c) => h("td", { dataset: { label: c.label } }, c.cell ? c.cell(r) : String(valueOf(c, r) ?? ""))))));
    if (shown.length === 0) {
      body.append(h("tr", {}, h("td", { colSpan: columns.length, className: "empty" }, rows.length ? "No row matches the search." : empty)));
    }
    info.textContent = list.length === 0 ? "0 rows" : "Rows " + (start + 1) + "–" + (start + shown.length) + " of " + list.length;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    headers.forEach((th) => th.setAttribute("aria-sort", th.dataset.key === state.sort ? (state.descending ? "descending" : "ascending") : "none"));
  }

  function sortBy(key) {
    state.descending = state.sort === key ? !state.descending : false;
    state.sort = key;
    draw();
  }

  function turn(d) {
    state.page += d;
    draw();
  }

  search.addEventListener("input", () => {
    state.query = search.value.trim();
    state.page = 0;
    draw();
  });
  draw();
  return h("div", { className: "table-block" },
    h("div", { className: "table-tools" }, h("label", { htmlFor: id + "-search" }, "Search"), search),
    h("div", { className: "table-scroll" }, table),
    h("div", { className: "pager", "aria-label": "Pages of " + (caption || "the table") + " " + n }, prev, info, next));
}

/**
 * A labelled form field with its help text and a place for the API's error about it. input is the
 * control (its id and name are set from name); help is shown under it and read with it.
 */
export function field(name, label, input, help, idPrefix) {
  const id = (idPrefix || "") + name;
  input.id = id;
  input.name = name;
  const helpId = id + "-help";
  const errorId = id + "-error";
  input.setAttribute("aria-describedby", helpId + " " + errorId);
  const isCheck = input.type === "checkbox";
  return h("div", { className: "field" + (isCheck ? " check" : ""), dataset: { field: name } },
    isCheck ? h("label", { htmlFor: id }, input, " ", label) : [h("label", { htmlFor: id }, label), input],
    help ? h("p", { className: "help", id: helpId }, help) : h("span", { id: helpId, hidden: true }),
    h("p", { className: "field-error", id: errorId, role: "alert" }));
}

/** Clears the errors a form shows. */
export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((e) => (e.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  const general = form.querySelector(".form-error");
  if (general) general.textContent = "";
}

/** Shows an API error at the field it names (focused), or for the whole form when it names none here. */
export function showError(form, error) {
  const holder = error.field && form.querySelector(".field[data-field='" + CSS.escape(error.field) + "']");
  if (holder) {
    holder.querySelector(".field-error").textContent = error.message;
    const input = holder.querySelector("input, select, textarea");
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    form.querySelector(".form-error").textContent = error.message;
  }
}

/** Runs a form's submit action with its errors shown where they belong; the button is busy meanwhile. */
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action();
    } catch (e) {
      showError(form, e);
    } finally {
      button.disabled = false;
    }
  });
}

/** A secret shown once, with a copy button and the warning that it will not be shown again. */
export function secretBox(title, lines, note) {
  const text = lines.map(([k, v]) => (k ? k + ": " : "") + v).join("\n");
  return h("div", { className: "secret", role: "region", "aria-label": title },
    h("h3", {}, title),
    h("pre", { className: "copyable" }, text),
    copyButton(text, "Copy"),
    h("p", { className: "warning" }, note || "Shown once: copy it now. It cannot be shown again."));
}

/** A button that copies text to the clipboard and says it did. */
export function copyButton(text, label) {
  const b = h("button", { type: "button", className: "copy" }, label || "Copy");
  b.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = "Copied";
    } catch (e) {
      b.textContent = "Select the text and copy it";
    }
  });
  return b;
}

/** A modal confirmation (Escape cancels); resolves true when confirmed. */
export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", className: "danger", id: "confirmYes" }, confirmLabel);
    const no = h("button", { type: "button", id: "confirmNo" }, "Cancel");
    const dialog = h("dialog", { id: "confirm", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title), h("p", {}, text), h("div", { className: "actions" }, no, yes));
    const done = (v) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/** The 1 h / 24 h / 7 d / 30 d picker; onChange(range) when another is chosen. */
export function rangePicker(current, onChange, idPrefix) {
  const ranges = [["1h", "1 hour"], ["24h", "24 hours"], ["7d", "7 days"], ["30d", "30 days"]];
  return h("fieldset", { className: "ranges" }, h("legend", {}, "Range"),
    ranges.map(([r, label]) => {
      const id = (idPrefix || "range") + "-" + r;
      const input = h("input", { type: "radio", name: (idPrefix || "range"), id, value: r, checked: r === current, onchange: () => onChange(r) });
      return h("label", { htmlFor: id, className: "range" }, input, h("span", {}, label));
    }));
}
