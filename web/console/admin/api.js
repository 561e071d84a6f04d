// Calls of the administration API (seed 002, docs/api/admin.md) with the
// console's session as `Bearer`: the server checks the role on every call,
// so these pages show only what the API lets an admin see.
import { ApiError } from "../../shared/http.js";
import { api, sessionGone } from "../api.js";

/**
 * @param {string} method
 * @param {string} path under `/api/v1`, e.g. `/supports.json`
 * @param {{ query?: import("../../shared/http.js").Fields, json?: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function adminApi(method, path, options = {}) {
  try {
    return await api(method, `/api/v1${path}`, options);
  } catch (e) {
    // 10020: the session is no longer anyone's (signed out, expired).
    if (e instanceof ApiError && e.httpStatus === 401) sessionGone();
    throw e;
  }
}

/** The most pages of 100 followed for one list: 5,000 agents. */
const MAX_PAGES = 50;

/**
 * Every item of a paged seed 002 list (`next_page`, pages of at most 100).
 * @param {string} path e.g. `/supports.json`
 * @param {string} key the list's key in the answer, e.g. `supports`
 * @returns {Promise<any[]>}
 */
export async function adminAllPages(path, key) {
  /** @type {any[]} */
  const items = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await adminApi("GET", path, { query: { page, per_page: 100 } });
    const batch = Array.isArray(r?.[key]) ? r[key] : [];
    items.push(...batch);
    if (!r?.next_page || batch.length === 0) break;
  }
  return items;
}

/** Seed 002's error code ("10011"), or null. @param {unknown} e */
export function adminCode(e) {
  return e instanceof ApiError && e.body && typeof e.body.code === "string" ? e.body.code : null;
}

/** The parameter seed 002 blames (`field`), or null. @param {unknown} e */
export function adminField(e) {
  return e instanceof ApiError && e.body && typeof e.body.field === "string" ? e.body.field : null;
}
