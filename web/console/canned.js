// The tenant's canned replies (templates and their items), loaded once
// per sign-in and searched in the browser.
import { api, seg } from "./api.js";
import { str } from "./util.js";

/** @typedef {import("./types.js").CannedItem} CannedItem */

/** @type {Promise<CannedItem[]> | null} */
let cache = null;

/** @returns {Promise<CannedItem[]>} */
export function loadCanned() {
  if (!cache) {
    cache = fetchAll().catch((e) => {
      cache = null;
      throw e;
    });
  }
  return cache;
}

export function forgetCanned() {
  cache = null;
}

async function fetchAll() {
  const r = await api("GET", "/v1/answer/templates");
  /** @type {CannedItem[]} */
  const items = [];
  const templates = (r.templates ?? []).filter((/** @type {any} */ x) => typeof x?.template_id === "string");
  await Promise.all(
    templates.map(async (/** @type {any} */ tpl) => {
      /** @type {string | undefined} */
      let cursor;
      // 50 a page; at most 20 pages (1000 replies) a template.
      for (let page = 0; page < 20; page++) {
        const res = await api("GET", `/v1/answer/template/${seg(tpl.template_id)}`, {
          query: { num: 50, sort: 1, item_id: cursor },
        });
        const got = res.items ?? [];
        for (const it of got) {
          if (typeof it?.item_id !== "string") continue;
          items.push({
            template_id: tpl.template_id,
            title: str(tpl.title),
            item_id: it.item_id,
            question: str(it.question),
            content: str(it.content),
          });
        }
        if (got.length < 50) break;
        cursor = got[got.length - 1].item_id;
      }
    }),
  );
  // Templates in their order, items in theirs.
  const order = new Map(templates.map((/** @type {any} */ x, /** @type {number} */ i) => [x.template_id, i]));
  items.sort((a, b) => (order.get(a.template_id) ?? 0) - (order.get(b.template_id) ?? 0) || (a.item_id < b.item_id ? -1 : 1));
  return items;
}

/**
 * The items matching what follows the `/`: every word somewhere in the
 * question, the content or the template's title.
 * @param {CannedItem[]} items
 * @param {string} query
 */
export function filterCanned(items, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return items.slice(0, 50);
  return items
    .filter((it) => {
      const hay = `${it.question}\n${it.content}\n${it.title}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .slice(0, 50);
}
