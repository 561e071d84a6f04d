// The console's strings: Chinese by default, English from the header.
import { createI18n } from "../shared/i18n.js";
import zh from "./i18n/zh.js";
import en from "./i18n/en.js";

export const i18n = createI18n({ zh, en }, "kefu.console.lang");

/** @typedef {keyof typeof zh} Key */

/**
 * @param {Key} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  return i18n.t(key, vars);
}

/** Whether `s` names a catalog string. @param {unknown} s @returns {s is Key} */
export function isKey(s) {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(zh, s);
}
