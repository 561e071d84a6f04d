// One string catalog per language; Chinese by default, English by choice
// (remembered in localStorage).

/**
 * @template {Record<string, string>} C
 * @param {{ zh: C, en: C }} catalogs
 * @param {string} storageKey
 */
export function createI18n(catalogs, storageKey) {
  /** @type {"zh" | "en"} */
  let lang = localStorage.getItem(storageKey) === "en" ? "en" : "zh";
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  return {
    get lang() {
      return lang;
    },
    /** @param {"zh" | "en"} next */
    setLang(next) {
      lang = next;
      localStorage.setItem(storageKey, next);
      document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
    },
    /**
     * The string for `key`, with `{name}` placeholders filled.
     * @param {keyof C & string} key
     * @param {Record<string, string | number>} [vars]
     */
    t(key, vars) {
      const template = catalogs[lang][key] ?? catalogs.zh[key] ?? key;
      return template.replace(/\{(\w+)\}/g, (_, name) => String(vars?.[name] ?? ""));
    },
  };
}
