// The settings card "密钥": the public api_key the widget names, and the
// rotation of the secret_key (stored hashed, so a new one is shown once).
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { update } from "../../state.js";
import { catalog } from "../i18n.js";
import { dialog, failedState } from "../ui.js";
import { copyWithToast } from "./copy.js";
import { problemView } from "./errors.js";
import { loadKeys, rotateKeys } from "./keys.js";

const t = catalog(
  {
    title: "密钥",
    subtitle: "企业后台调用接口时使用。api_key 是公开的，会出现在网站插件代码里；secret_key 只能放在服务器上。",
    tenant: "企业编号",
    apiKey: "api_key",
    secretKey: "secret_key",
    secretHidden: "已加密保存，无法再次查看。遗失或泄露时请更换。",
    copy: "复制",
    rotateSecret: "更换 secret_key",
    rotateBoth: "同时更换 api_key 和 secret_key",
    confirmSecretTitle: "更换 secret_key？",
    confirmSecret: "旧的 secret_key 会立即失效，用它换取的 access_token 也会失效。请在更换后尽快更新企业后台的配置。",
    confirmBothTitle: "同时更换 api_key 和 secret_key？",
    confirmBoth: "除 secret_key 失效外，网站上现有的插件代码也会停止工作：所有页面都需要换上新的插件代码。",
    confirm: "确认更换",
    cancel: "取消",
    rotating: "更换中…",
    newTitle: "新的密钥",
    newWarning: "secret_key 只显示这一次，关闭后无法再次查看。请立即复制并妥善保存。",
    done: "我已保存，关闭",
    loadFailed: "密钥加载失败",
    retry: "重试",
  },
  {
    title: "Keys",
    subtitle: "For your backend's API calls. The api_key is public (it is in the widget snippet); keep the secret_key on servers only.",
    tenant: "Tenant id",
    apiKey: "api_key",
    secretKey: "secret_key",
    secretHidden: "Stored encrypted and never shown again. Replace it if it is lost or leaked.",
    copy: "Copy",
    rotateSecret: "Replace the secret_key",
    rotateBoth: "Replace both api_key and secret_key",
    confirmSecretTitle: "Replace the secret_key?",
    confirmSecret: "The old secret_key stops working at once, and so do the access tokens bought with it. Update your backend right after.",
    confirmBothTitle: "Replace both keys?",
    confirmBoth: "Besides the secret_key, the widget snippet on your sites stops working: every page needs the new snippet.",
    confirm: "Replace",
    cancel: "Cancel",
    rotating: "Replacing…",
    newTitle: "The new keys",
    newWarning: "The secret_key is shown only now and never again. Copy it and keep it safe.",
    done: "I saved it, close",
    loadFailed: "The keys could not be loaded",
    retry: "Retry",
  },
);

const keys = {
  /** @type {import("./keys.js").Keys | null} */
  shown: null,
  /** @type {unknown} */
  error: null,
  /** @type {"secret" | "both" | null} */
  confirming: null,
  busy: false,
  /** @type {unknown} */
  rotateError: null,
  /** The answer of a rotation, until the admin closes it. @type {import("./keys.js").NewKeys | null} */
  fresh: null,
};

export function openKeys() {
  keys.error = null;
  loadKeys()
    .then((k) => { keys.shown = k; })
    .catch((e) => { keys.error = e; })
    .finally(update);
}

/** @param {"secret" | "both"} which */
function ask(which) {
  keys.confirming = which;
  keys.rotateError = null;
  update();
}

async function rotate() {
  keys.busy = true;
  keys.rotateError = null;
  update();
  try {
    keys.fresh = await rotateKeys(keys.confirming === "both");
    keys.shown = { tenant_id: keys.fresh.tenant_id, api_key: keys.fresh.api_key };
    keys.confirming = null;
  } catch (e) {
    keys.rotateError = e;
  } finally {
    keys.busy = false;
    update();
  }
}

export function keysCardView() {
  return html`<section id="settings-keys" class="admin-card svc-card" aria-labelledby="settings-keys-title">
    <div class="admin-card-header">
      <div>
        <h2 id="settings-keys-title" class="admin-card-title">${t("title")}</h2>
        <p class="svc-card-subtitle">${t("subtitle")}</p>
      </div>
    </div>
    <div class="admin-card-body">
      ${keys.error ? failedState(keys.error, openKeys, t("retry")) : keys.shown ? keysView(keys.shown) : html`<p class="muted">…</p>`}
    </div>
    <div class="svc-card-footer">
      <div class="svc-card-status"></div>
      <button type="button" id="settings-rotate-secret" class="btn small" ?disabled=${!keys.shown} @click=${() => ask("secret")}>${t("rotateSecret")}</button>
      <button type="button" id="settings-rotate-both" class="btn small danger" ?disabled=${!keys.shown} @click=${() => ask("both")}>${t("rotateBoth")}</button>
    </div>
    ${keys.confirming ? confirmView(keys.confirming) : nothing}
    ${keys.fresh ? freshView(keys.fresh) : nothing}
  </section>`;
}

/** @param {import("./keys.js").Keys} k */
function keysView(k) {
  return html`<dl class="svc-keys">
    <dt>${t("tenant")}</dt><dd class="mono">${k.tenant_id}</dd>
    <dt>${t("apiKey")}</dt>
    <dd><code id="settings-api-key" class="svc-secret">${k.api_key}</code>
      <button type="button" class="btn ghost small" @click=${() => copyWithToast(k.api_key)}>${t("copy")}</button></dd>
    <dt>${t("secretKey")}</dt><dd class="muted">${t("secretHidden")}</dd>
  </dl>`;
}

/** @param {"secret" | "both"} which */
function confirmView(which) {
  const close = () => { if (!keys.busy) { keys.confirming = null; update(); } };
  return dialog({
    id: "settings-rotate-dialog",
    title: which === "both" ? t("confirmBothTitle") : t("confirmSecretTitle"),
    onClose: close,
    body: html`<p>${which === "both" ? t("confirmBoth") : t("confirmSecret")}</p>
      ${keys.rotateError ? html`<p class="error" role="alert">${problemView(keys.rotateError)}</p>` : nothing}`,
    actions: html`<button type="button" class="btn" ?disabled=${keys.busy} @click=${close}>${t("cancel")}</button>
      <button type="button" id="settings-rotate-confirm" class="btn danger solid" ?disabled=${keys.busy} @click=${rotate}>
        ${keys.busy ? t("rotating") : t("confirm")}</button>`,
  });
}

/** The new secret, this once. @param {import("./keys.js").NewKeys} k */
function freshView(k) {
  const close = () => { keys.fresh = null; update(); };
  return dialog({
    id: "settings-new-keys",
    title: t("newTitle"),
    // Only the button closes it: a stray Escape must not lose the secret.
    onClose: () => {},
    body: html`<p class="svc-warning" role="alert">${t("newWarning")}</p>
      <dl class="svc-keys">
        <dt>${t("apiKey")}</dt>
        <dd><code class="svc-secret">${k.api_key}</code>
          <button type="button" class="btn ghost small" @click=${() => copyWithToast(k.api_key)}>${t("copy")}</button></dd>
        <dt>${t("secretKey")}</dt>
        <dd><code id="settings-new-secret" class="svc-secret">${k.secret_key}</code>
          <button type="button" id="settings-copy-secret" class="btn primary small" @click=${() => copyWithToast(k.secret_key)}>${t("copy")}</button></dd>
      </dl>`,
    actions: html`<button type="button" id="settings-new-keys-close" class="btn primary solid" @click=${close}>${t("done")}</button>`,
  });
}
