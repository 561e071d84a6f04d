// The admin page "设置": the tenant's settings (`/api/v1/settings.json`)
// in cards that each save their own keys, and the tenant's keys.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { state, update } from "../state.js";
import { adminApi } from "./api.js";
import { catalog } from "./i18n.js";
import { failedState, pageHeader } from "./ui.js";
import { anyDirty, cardView, loaded, store } from "./service/card.js";
import { fieldsCard } from "./service/fields-card.js";
import { keysCardView, openKeys } from "./service/keys-card.js";
import { routingCard } from "./service/routing-card.js";
import { clearPasswordButton, embedCard, passwordCard, sessionCard, zoneCard } from "./service/simple-cards.js";
import { statesCard } from "./service/states-card.js";

const t = catalog(
  {
    title: "设置",
    subtitle: "每个分区单独保存；修改后记得点该分区的“保存”。",
    loading: "正在加载设置…",
    loadFailed: "设置加载失败",
    retry: "重试",
    keys: "密钥",
  },
  {
    title: "Settings",
    subtitle: "Each section saves on its own: press its Save after a change.",
    loading: "Loading the settings…",
    loadFailed: "The settings could not be loaded",
    retry: "Retry",
    keys: "Keys",
  },
);

const CARDS = [statesCard, routingCard, zoneCard, sessionCard, embedCard, fieldsCard, passwordCard];

/** The session the settings were loaded with: another sign-in may be another tenant. */
let loadedFor = "";

async function load() {
  store.loading = true;
  store.error = null;
  update();
  try {
    const r = await adminApi("GET", "/settings.json");
    loaded(CARDS, r.settings ?? {});
    loadedFor = state.session?.token ?? "";
  } catch (e) {
    store.error = e;
  } finally {
    store.loading = false;
    update();
  }
}

function open() {
  openKeys();
  // Coming back with unsaved changes keeps them; otherwise show what is stored now.
  const same = loadedFor === (state.session?.token ?? "");
  if (same && anyDirty()) return;
  if (!same) store.settings = null;
  load();
}

/** Jumps to a card without touching the URL's hash (the hash is the route). @param {string} id */
function jump(id) {
  document.getElementById(id)?.scrollIntoView({ behavior: "smooth", block: "start" });
}

function contentsView() {
  return html`<nav class="svc-contents" aria-label=${t("title")}>
    ${store.cards.map((c) => html`<button type="button" class="btn ghost small" @click=${() => jump(`settings-${c.def.id}`)}>${c.def.title()}</button>`)}
    <button type="button" class="btn ghost small" @click=${() => jump("settings-keys")}>${t("keys")}</button>
  </nav>`;
}

function view() {
  const header = pageHeader(t("title"), nothing, t("subtitle"));
  if (!store.settings) {
    return html`${header}${store.error
      ? failedState(store.error, load, t("retry"))
      : html`<p class="muted svc-loading">${t("loading")}</p>`}`;
  }
  return html`${header}
    <div class="svc-settings">
      ${contentsView()}
      ${store.error ? html`<div class="svc-reload-error">${failedState(store.error, load, t("retry"))}</div>` : nothing}
      ${store.cards.map((card) => cardView(card, card.def === passwordCard ? clearPasswordButton(card) : nothing))}
      ${keysCardView()}
    </div>`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "settings",
  title: () => t("title"),
  view,
  open,
};
