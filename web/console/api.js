// HTTP calls with the agent's session in the Authorization header; an
// answer 2001 (the session ended) signs the agent out.
import { call, ApiError } from "../shared/http.js";
import { state } from "./state.js";

/** @type {() => void} */
let ended = () => {};

/** @param {() => void} fn called once a call says the session is gone */
export function onSessionEnded(fn) {
  ended = fn;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {import("../shared/http.js").CallOptions} [options]
 * @returns {Promise<any>}
 */
export async function api(method, path, options = {}) {
  const token = state.session?.token;
  try {
    return await call(method, path, { ...options, token });
  } catch (e) {
    if (e instanceof ApiError && e.code === 2001 && token && state.session?.token === token) ended();
    throw e;
  }
}

/** Signs the agent out: a call of another dialect found the session gone. */
export function sessionGone() {
  ended();
}

/** @param {string} id a 24-hex id (or an account) made safe for a path */
export function seg(id) {
  return encodeURIComponent(id);
}
