// What the widget remembers between visits, per tenant: the conversation
// and the customer token (a secret: it stays in localStorage, the
// Authorization header and the WebSocket subprotocol, never in a URL).

/** @typedef {{ rid: string, token: string, user_id: string, customer_name: string }} Saved */

const ID = /^[0-9a-f]{24}$/i;

/** @param {string} apiKey */
function key(apiKey) {
  return `kefu.widget.${apiKey}`;
}

/**
 * The conversation saved for this tenant, if any and well formed.
 * @param {string} apiKey
 * @returns {Saved | null}
 */
export function loadSaved(apiKey) {
  let raw = null;
  try {
    raw = localStorage.getItem(key(apiKey));
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw);
    if (
      v &&
      typeof v.rid === "string" &&
      ID.test(v.rid) &&
      typeof v.token === "string" &&
      v.token &&
      typeof v.user_id === "string"
    ) {
      return {
        rid: v.rid,
        token: v.token,
        user_id: v.user_id,
        customer_name: typeof v.customer_name === "string" ? v.customer_name : "",
      };
    }
  } catch {
    // fall through: a damaged entry is forgotten
  }
  forgetSaved(apiKey);
  return null;
}

/** @param {string} apiKey @param {Saved} saved */
export function save(apiKey, saved) {
  try {
    localStorage.setItem(
      key(apiKey),
      JSON.stringify({
        rid: saved.rid,
        token: saved.token,
        user_id: saved.user_id,
        customer_name: saved.customer_name,
      }),
    );
  } catch {
    // storage refused (private mode, blocked cookies): this visit only
  }
}

/** @param {string} apiKey */
export function forgetSaved(apiKey) {
  try {
    localStorage.removeItem(key(apiKey));
  } catch {
    // nothing to forget
  }
}
