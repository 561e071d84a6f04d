// One card of the settings page: a form over a few keys of
// `/api/v1/settings.json` that saves on its own. The card holds a draft of
// its values; it is dirty while the draft differs from what the server
// answered, and only then can it be saved or reverted. Saving PUTs only
// the card's keys, so a half-edited card elsewhere is never sent.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { toast, update } from "../../state.js";
import { adminApi, adminField } from "../api.js";
import { catalog } from "../i18n.js";
import { InputError, problemText, problemView } from "./errors.js";

const t = catalog(
  { save: "保存", saving: "保存中…", revert: "撤销修改", unsaved: "有未保存的修改", saved: "{title}已保存" },
  { save: "Save", saving: "Saving…", revert: "Discard changes", unsaved: "Unsaved changes", saved: "{title} saved" },
);

/**
 * @template D
 * @typedef {{
 *   id: string,
 *   title: () => string,
 *   subtitle?: () => string,
 *   read: (settings: any) => D,
 *   write: (draft: D, before: D) => Record<string, unknown>,
 *   body: (card: Card<D>) => unknown,
 *   fields?: string[],
 * }} CardDef
 * `read` turns the settings into the form's values; `write` turns them back
 * into the keys to PUT (throwing an InputError for a value it cannot send);
 * `fields` are the error fields the body shows beside its controls.
 */

/**
 * @template D
 * @typedef {{ def: CardDef<D>, draft: D, base: string, busy: boolean, error: unknown, field: string | null }} Card
 */

/** The settings as the server last answered them. */
export const store = {
  /** @type {any} */
  settings: null,
  loading: false,
  /** @type {unknown} */
  error: null,
  /** @type {Card<any>[]} */
  cards: [],
};

/** @param {CardDef<any>[]} defs @param {any} settings */
export function loaded(defs, settings) {
  store.settings = settings;
  store.cards = defs.map((def) => fresh(def, settings));
}

/** @template D @param {CardDef<D>} def @param {any} settings @returns {Card<D>} */
function fresh(def, settings) {
  const draft = def.read(settings);
  return { def, draft, base: JSON.stringify(draft), busy: false, error: null, field: null };
}

/** @param {Card<any>} card */
export function isDirty(card) {
  return JSON.stringify(card.draft) !== card.base;
}

/** Whether any card holds changes not saved yet. */
export function anyDirty() {
  return store.cards.some(isDirty);
}

/**
 * Changes the draft and renders.
 * @template D @param {Card<D>} card @param {(draft: D) => void} change
 */
export function edit(card, change) {
  change(card.draft);
  if (card.field && !card.busy) {
    // The blamed value changed: its error no longer describes it.
    card.error = null;
    card.field = null;
  }
  update();
}

/** The error to show beside a control of these keys, if any. @param {Card<any>} card @param {...string} keys */
export function errorFor(card, ...keys) {
  return card.field && keys.includes(card.field) ? problemText(card.error) : null;
}

/** @param {Card<any>} card */
function revert(card) {
  card.draft = JSON.parse(card.base);
  card.error = null;
  card.field = null;
  update();
}

/**
 * Saves the card's keys (or `payload` when given, e.g. a "clear" button).
 * @template D @param {Card<D>} card @param {Record<string, unknown>} [payload]
 */
export async function save(card, payload) {
  let keys = payload;
  if (!keys) {
    try {
      keys = card.def.write(card.draft, JSON.parse(card.base));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      card.error = e;
      card.field = e.field;
      update();
      return;
    }
  }
  card.busy = true;
  card.error = null;
  card.field = null;
  update();
  try {
    const r = await adminApi("PUT", "/settings.json", { json: { settings: keys } });
    answered(card, r.settings);
    toast(t("saved", { title: card.def.title() }));
  } catch (e) {
    card.error = e;
    card.field = adminField(e);
  } finally {
    card.busy = false;
    update();
  }
}

/**
 * The server's new settings: the saved card and every clean card show
 * them; a dirty card keeps its draft (it differs now from the new base).
 * @param {Card<any>} saved @param {any} settings
 */
function answered(saved, settings) {
  store.settings = settings;
  for (const card of store.cards) {
    const next = fresh(card.def, settings);
    if (card === saved || !isDirty(card)) Object.assign(card, { draft: next.draft, base: next.base });
    else card.base = next.base;
  }
}

/**
 * The card's frame: title, body, and a footer with the error no control
 * shows, the unsaved mark, revert and save.
 * @param {Card<any>} card
 * @param {unknown} [extra] more buttons in the footer, left of revert
 */
export function cardView(card, extra = nothing) {
  const { def } = card;
  const dirty = isDirty(card);
  const shownBeside = card.field && (def.fields ?? []).includes(card.field);
  return html`<section id="settings-${def.id}" class="admin-card svc-card ${dirty ? "dirty" : ""}" aria-labelledby="settings-${def.id}-title">
    <div class="admin-card-header">
      <div>
        <h2 id="settings-${def.id}-title" class="admin-card-title">${def.title()}</h2>
        ${def.subtitle ? html`<p class="svc-card-subtitle">${def.subtitle()}</p>` : nothing}
      </div>
    </div>
    <div class="admin-card-body">${def.body(card)}</div>
    <div class="svc-card-footer">
      <div class="svc-card-status" role="status">
        ${card.error && !shownBeside ? html`<span class="error">${problemView(card.error)}</span>` : nothing}
        ${dirty && !(card.error && !shownBeside) ? html`<span class="svc-unsaved">${t("unsaved")}</span>` : nothing}
      </div>
      ${extra}
      <button type="button" class="btn small ghost" ?disabled=${!dirty || card.busy} @click=${() => revert(card)}>${t("revert")}</button>
      <button type="button" id="settings-${def.id}-save" class="btn small primary solid"
        ?disabled=${!dirty || card.busy} @click=${() => save(card)}>${card.busy ? t("saving") : t("save")}</button>
    </div>
  </section>`;
}
