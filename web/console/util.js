// Small helpers shared by the views.

/** @param {unknown} v @returns {string} */
export function str(v) {
  return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v);
}

/** @param {unknown} v @param {number} fallback @returns {number} */
export function num(v, fallback) {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** A random id for `client_msg_id` (works on plain http too, unlike randomUUID). */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "c" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A link the browser may follow or load: http(s), or a path on this server.
 * @param {unknown} url
 * @returns {string}
 */
export function safeUrl(url) {
  if (typeof url !== "string" || !url) return "";
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : "";
  } catch {
    return "";
  }
}

/** The first letter of a name, for an avatar without a picture. @param {string} name */
export function initial(name) {
  const ch = [...name.trim()][0];
  return ch ? ch.toUpperCase() : "?";
}

/** One of eight calm colors, the same for the same name. @param {string} key */
export function hue(key) {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return `hue-${h % 8}`;
}

/** Characters as the server counts them (code points). @param {string} text */
export function charCount(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
