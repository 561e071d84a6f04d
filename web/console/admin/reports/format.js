// Figures as a support team reads them: 45 秒, 3 分 20 秒, 1 小时 5 分;
// counts with separators; shares as whole percents; days as 11/2 周一.
import { i18n } from "../../i18n.js";
import { t } from "./strings.js";

/** @param {number | null | undefined} seconds @returns {string} "—" when unknown */
export function duration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "—";
  if (seconds > 0 && seconds < 0.5) return t("underSecond");
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("seconds", { n: s });
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? t("minutesSeconds", { m, s: rest }) : t("minutes", { n: m });
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    if (m === 60) return t("hours", { n: h + 1 });
    return m ? t("hoursMinutes", { h, m }) : t("hours", { n: h });
  }
  const d = Math.floor(s / 86400);
  const h = Math.round((s % 86400) / 3600);
  return h && h < 24 ? t("daysHours", { d, h }) : t("days", { n: h >= 24 ? d + 1 : d });
}

/** @param {number | null | undefined} n */
export function count(n) {
  return typeof n === "number" && Number.isFinite(n) ? n.toLocaleString(locale()) : "—";
}

/** `85%`, or "—" when there is no whole. @param {number} part @param {number} whole */
export function percent(part, whole) {
  if (!whole) return "—";
  return `${Math.round((part / whole) * 100)}%`;
}

/** An average score, one decimal: 4.5. @param {number | null | undefined} avg */
export function score(avg) {
  return typeof avg === "number" && Number.isFinite(avg) ? avg.toFixed(1) : "—";
}

/** `11/2` for "2026-11-02". @param {string} ymd */
export function shortDate(ymd) {
  const [, m, d] = ymd.split("-").map(Number);
  return `${m}/${d}`;
}

/** `11/2 周一`. @param {string} ymd */
export function dayLabel(ymd) {
  const wd = new Date(`${ymd}T00:00:00Z`).getUTCDay();
  const key = /** @type {`weekday${0 | 1 | 2 | 3 | 4 | 5 | 6}`} */ (`weekday${wd}`);
  return `${shortDate(ymd)} ${t(key)}`;
}

function locale() {
  return i18n.lang === "en" ? "en-US" : "zh-CN";
}
