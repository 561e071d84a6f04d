// Numbers typed into the settings forms, checked before they are sent so
// that the mistake shows beside its field in the admin's words.
import { catalog } from "../i18n.js";
import { InputError } from "./errors.js";

const t = catalog(
  {
    errWhole: "请输入 {min} 到 {max} 之间的整数",
    errPositive: "请输入大于 0 的数字",
    errRange: "请输入 {from}到 {to}之间的时长",
    sec: "秒",
    min: "分钟",
    hour: "小时",
    day: "天",
  },
  {
    errWhole: "Enter a whole number from {min} to {max}",
    errPositive: "Enter a number above 0",
    errRange: "Enter a duration from {from} to {to}",
    sec: "seconds",
    min: "minutes",
    hour: "hours",
    day: "days",
  },
);

/**
 * @param {string} field the settings key, for the error
 * @param {string} text as typed
 * @param {number} min
 * @param {number} max
 */
export function wholeNumber(field, text, min, max) {
  const n = Number(text.trim());
  if (!text.trim() || !Number.isInteger(n) || n < min || n > max) {
    throw new InputError(field, t("errWhole", { min, max }));
  }
  return n;
}

/** Units a duration is shown in, largest first. */
export const UNITS = /** @type {const} */ ([
  { seconds: 86400, key: "day" },
  { seconds: 3600, key: "hour" },
  { seconds: 60, key: "min" },
  { seconds: 1, key: "sec" },
]);

/** @typedef {{ value: string, unit: number }} Duration a number as typed, and seconds per unit */

/** A stored number of seconds in the largest unit that shows it whole. @param {number} seconds @returns {Duration} */
export function toDuration(seconds) {
  const unit = UNITS.find((u) => seconds % u.seconds === 0 && seconds >= u.seconds) ?? UNITS[3];
  return { value: String(seconds / unit.seconds), unit: unit.seconds };
}

/**
 * The seconds a duration means, checked against the key's range.
 * @param {string} field @param {Duration} d @param {number} min @param {number} max seconds
 */
export function durationSeconds(field, d, min, max) {
  const n = Number(d.value.trim());
  if (!d.value.trim() || !Number.isFinite(n) || n <= 0) throw new InputError(field, t("errPositive"));
  const seconds = Math.round(n * d.unit);
  if (seconds < min || seconds > max) throw new InputError(field, rangeText(min, max));
  return seconds;
}

/** "请输入 5 分钟到 365 天之间的时长" @param {number} min @param {number} max seconds */
function rangeText(min, max) {
  const shown = (/** @type {number} */ s) => {
    const d = toDuration(s);
    return `${d.value} ${unitName(d.unit)}`;
  };
  return t("errRange", { from: shown(min), to: shown(max) });
}

/** @param {number} seconds per unit */
export function unitName(seconds) {
  return t(UNITS.find((u) => u.seconds === seconds)?.key ?? "sec");
}
