// Times as agents read them.

/** @param {number} seconds unix time, possibly fractional */
export function clock(seconds) {
  const d = new Date(seconds * 1000);
  const now = new Date();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === now.toDateString()) return hm;
  return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}

/**
 * How long since `seconds`, short: `45s`, `3m`, `2h`, `4d`.
 * @param {number} seconds
 * @param {number} [now] unix seconds
 */
export function since(seconds, now = Date.now() / 1000) {
  const s = Math.max(0, Math.floor(now - seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** @param {number} n */
function pad(n) {
  return String(n).padStart(2, "0");
}
