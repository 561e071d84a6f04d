// How dates read in each language: "12月4日 周五", "Fri, Dec 4".
import { i18n } from "../../i18n.js";
import { addDays, weekday } from "./time.js";

const ZH_DAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const en = () => i18n.lang === "en";

/** @param {string} date */
function parts(date) {
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

/** "周五" / "Fri". @param {string} date */
export function weekdayName(date) {
  return (en() ? EN_DAYS : ZH_DAYS)[weekday(date)];
}

/** "12月4日" / "Dec 4". @param {string} date */
export function monthDay(date) {
  const { m, d } = parts(date);
  return en() ? `${EN_MONTHS[m - 1]} ${d}` : `${m}月${d}日`;
}

/** "12月4日 周五" / "Fri, Dec 4". @param {string} date */
export function dayLabel(date) {
  return en() ? `${weekdayName(date)}, ${monthDay(date)}` : `${monthDay(date)} ${weekdayName(date)}`;
}

/** "2026年11月30日 – 12月6日" / "Nov 30 – Dec 6, 2026". @param {string} monday */
export function weekLabel(monday) {
  const sunday = addDays(monday, 6);
  const a = parts(monday);
  const b = parts(sunday);
  if (en()) return `${monthDay(monday)} – ${monthDay(sunday)}, ${b.y}`;
  const end = a.y === b.y ? monthDay(sunday) : `${b.y}年${monthDay(sunday)}`;
  return `${a.y}年${monthDay(monday)} – ${end}`;
}
