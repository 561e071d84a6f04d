// Calendar days as the API takes them (YYYY-MM-DD, in the tenant's time
// zone): today there, days before it, and whether a range is one the server
// accepts (from ≤ to, at most MAX_DAYS days).

/** The longest range the reports and transcripts take, in days. */
export const MAX_DAYS = 92;

const YMD = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Hours east of UTC from the report's `utc_offset` (8, 5.5, "+08:00"), or
 * null when it cannot be read.
 * @param {unknown} v
 * @returns {number | null}
 */
export function offsetHours(v) {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const m = /^([+-])?(\d{1,2})(?::?(\d{2}))?$/.exec(v.trim().replace(/^UTC/i, ""));
    if (m) return (m[1] === "-" ? -1 : 1) * (Number(m[2]) + Number(m[3] ?? 0) / 60);
  }
  return null;
}

/** Today in the tenant's zone (the browser's when unknown). @param {number | null} hours */
export function today(hours) {
  if (hours === null) {
    const d = new Date();
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }
  return new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 10);
}

/** @param {string} ymd @param {number} n days, may be negative */
export function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both counted. @param {string} from @param {string} to */
export function span(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000) + 1;
}

/** @param {string} s */
export function isDate(s) {
  return YMD.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

/**
 * What is wrong with a range, or "" when the server will take it.
 * @param {string} from @param {string} to
 * @returns {"" | "bad" | "order" | "long"}
 */
export function rangeProblem(from, to) {
  if (!isDate(from) || !isDate(to)) return "bad";
  if (from > to) return "order";
  if (span(from, to) > MAX_DAYS) return "long";
  return "";
}

/** The sign and hours of `UTC+8`, `UTC+5:30`, `UTC-3`. @param {number} hours */
export function zoneParts(hours) {
  const sign = hours < 0 ? "-" : "+";
  const abs = Math.abs(hours);
  const h = Math.floor(abs);
  const m = Math.round((abs - h) * 60);
  return { sign, hours: m ? `${h}:${pad(m)}` : String(h) };
}

/** @param {number} n */
function pad(n) {
  return String(n).padStart(2, "0");
}
