// The admin API as the portal calls it: the same /api/v1 a script uses, with the key as a bearer
// token in the Authorization header. The key is never put in a cookie, so another site cannot make
// the browser send it (no CSRF), and it lives in this tab's sessionStorage only: it survives a
// reload, and is gone when the tab closes or the user signs out.
const STORAGE = "ispcache.apiKey";

/** An API answer that was not 2xx: the problem's status, sentence and the field it names. */
export class ApiError extends Error {
  constructor(status, detail, field) {
    super(detail);
    this.status = status;
    this.field = field || null;
  }
}

export function currentKey() {
  return sessionStorage.getItem(STORAGE) || "";
}

export function keepKey(key) {
  sessionStorage.setItem(STORAGE, key);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE);
}

async function send(method, path, body, accept) {
  const headers = { "Authorization": "Bearer " + currentKey(), "Accept": accept };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "the admin API could not be reached; check the connection and retry", null);
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      problem = null;
    }
    const detail = (problem && problem.detail) || response.status + " " + response.statusText;
    if (response.status === 401) {
      // The key stopped working (rotated or withdrawn): the frame signs the tab out.
      window.dispatchEvent(new CustomEvent("ispcache:unauthorized", { detail }));
    }
    throw new ApiError(response.status, detail, problem && problem.field);
  }
  return response;
}

/** The JSON answer of a call (null for 204). */
export async function api(method, path, body) {
  const response = await send(method, path, body, "application/json");
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Fetches the CSV form of a report from the API and hands it to the browser as a file. */
export async function downloadCsv(path, fileName) {
  const response = await send("GET", path + (path.includes("?") ? "&" : "?") + "format=csv", undefined, "text/csv");
  const blob = new Blob([await response.text()], { type: "text/csv" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
