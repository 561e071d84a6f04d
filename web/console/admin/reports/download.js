// Files from the administration API (CSV, JSON) saved in the browser. The
// session goes in the Authorization header, which a plain link cannot send,
// so the file is fetched, then handed to the browser as a Blob URL.
import { ApiError, NetworkError } from "../../../shared/http.js";
import { sessionGone } from "../../api.js";
import { state } from "../../state.js";

/**
 * GET `/api/v1{path}` as a file.
 * @param {string} path e.g. `/reports.csv`
 * @param {Record<string, string | number | undefined>} query
 * @returns {Promise<{ blob: Blob, name: string, headers: Headers }>} the body, the file name the server
 *   suggests ("" if none), and the answer's headers
 */
export async function fetchFile(path, query) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  /** @type {Record<string, string>} */
  const headers = {};
  const token = state.session?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, { headers });
  } catch {
    throw new NetworkError();
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.status === 401) sessionGone();
    throw new ApiError(response.status, body);
  }
  const name = suggestedName(response.headers.get("Content-Disposition"));
  return { blob: await response.blob(), name, headers: response.headers };
}

/**
 * The browser saves `blob` as `name` (its downloads, no new tab).
 * @param {Blob} blob @param {string} name
 */
export function saveBlob(blob, name) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The file name of `Content-Disposition: attachment; filename="..."`. @param {string | null} header */
function suggestedName(header) {
  if (!header) return "";
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*("?)([^";]+)\1/i.exec(header);
  return plain ? plain[2].trim() : "";
}
