// Each admin page keeps its own strings beside it: a Chinese catalog and an
// English one with the same keys (the type check holds them in step), read
// in the console's current language.
import { i18n } from "../i18n.js";

/**
 * @template {Record<string, string>} C
 * @param {C} zh
 * @param {{ [K in keyof C]: string }} en
 * @returns {(key: keyof C & string, vars?: Record<string, string | number>) => string}
 */
export function catalog(zh, en) {
  return (key, vars) => {
    const template = (i18n.lang === "en" ? en[key] : zh[key]) ?? zh[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name) => String(vars?.[name] ?? ""));
  };
}
