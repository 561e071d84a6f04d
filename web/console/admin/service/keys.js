// The tenant's keys (`/api/v1/keys.json`): the public api_key that the
// widget snippet names, shared by the settings page and the checklist.
import { adminApi } from "../api.js";

/** @typedef {{ tenant_id: number, api_key: string }} Keys */
/** @typedef {Keys & { secret_key: string }} NewKeys */

/** @returns {Promise<Keys>} */
export async function loadKeys() {
  return keysOf(await adminApi("GET", "/keys.json"));
}

/**
 * A new secret_key, and with `apiKey` a new api_key too.
 * @param {boolean} apiKey
 * @returns {Promise<NewKeys>}
 */
export async function rotateKeys(apiKey) {
  const r = await adminApi("POST", "/keys.json", { json: { keys: { api_key: apiKey } } });
  return { ...keysOf(r), secret_key: String(r?.keys?.secret_key ?? "") };
}

/** @param {any} r @returns {Keys} */
function keysOf(r) {
  return { tenant_id: Number(r?.keys?.tenant_id ?? 0), api_key: String(r?.keys?.api_key ?? "") };
}

/** The one line a site adds to its pages. @param {string} apiKey */
export function widgetSnippet(apiKey) {
  return `<script src="${location.origin}/widget.js" data-api-key="${apiKey}" async></script>`;
}

/** The chat page, to try the widget as a customer. @param {string} apiKey */
export function chatUrl(apiKey) {
  return `${location.origin}/chat?api_key=${encodeURIComponent(apiKey)}`;
}
