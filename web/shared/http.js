// Calls to kefu's documented HTTP dialects. Credentials travel in the
// Authorization header, never in a URL (URLs end up in logs).

/** A refused call, with the dialect's own error body. */
export class ApiError extends Error {
  /**
   * @param {number} httpStatus
   * @param {any} body the error body as the server sent it
   */
  constructor(httpStatus, body) {
    super(describe(httpStatus, body));
    this.httpStatus = httpStatus;
    this.body = body;
    /** seed 003's `error` code, when there is one */
    this.code = typeof body?.error === "number" ? body.error : null;
    /** seed 003's `field`, when one parameter caused it */
    this.field = typeof body?.field === "string" ? body.field : null;
  }
}

/** @param {number} httpStatus @param {any} body */
function describe(httpStatus, body) {
  if (body && typeof body.debug === "string") return body.debug;
  if (body && typeof body.message === "string") return body.message;
  if (body && typeof body.status === "string") return body.status;
  return `HTTP ${httpStatus}`;
}

/**
 * @typedef {Record<string, string | number | boolean | undefined | null>} Fields
 * @typedef {{ token?: string | null, query?: Fields, form?: Fields | FormData, json?: unknown, signal?: AbortSignal }} CallOptions
 */

/**
 * One call. GET sends `query`; other methods send `form` as a URL-encoded
 * (or multipart, for FormData) body, or `json` as a JSON body (seed 002).
 * Answers the parsed JSON.
 * @param {string} method
 * @param {string} path e.g. `/v1/question/list`
 * @param {CallOptions} [options]
 * @returns {Promise<any>}
 */
export async function call(method, path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of entries(options.query)) url.searchParams.set(key, value);
  /** @type {Record<string, string>} */
  const headers = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  /** @type {BodyInit | undefined} */
  let body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form instanceof FormData) {
    body = options.form;
  } else if (options.form) {
    body = new URLSearchParams(entries(options.form));
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, signal: options.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new NetworkError();
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok || (json && typeof json.status === "number" && json.status !== 200)) {
    throw new ApiError(response.status, json);
  }
  return json;
}

/** The server could not be reached. */
export class NetworkError extends Error {
  constructor() {
    super("network");
  }
}

/** @param {Fields | undefined} fields @returns {[string, string][]} */
function entries(fields) {
  if (!fields) return [];
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, String(v)]);
}
