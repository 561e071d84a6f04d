// The admin page "Webhook": the tenant's webhooks (`/api/v1/webhooks.json`),
// their signing secret shown once after the create, and each one's
// delivery log.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { toast, update } from "../state.js";
import { adminApi, adminField } from "./api.js";
import { catalog } from "./i18n.js";
import { checkedOf, dialog, emptyState, failedState, field, pageHeader, valueOf } from "./ui.js";
import { copyWithToast } from "./service/copy.js";
import { problemText, problemView } from "./service/errors.js";
import { deliveryLogView, openLog } from "./service/deliveries.js";
import { EVENTS, eventName } from "./service/events.js";

const t = catalog(
  {
    title: "Webhook",
    subtitle: "会话中的每条消息和通知，都会以签名的 HTTP POST 推送到你的系统（如推送通知、工单、数据分析），最多 20 个。",
    add: "添加 Webhook",
    loading: "正在加载…",
    empty: "还没有 Webhook",
    emptyHint: "添加后，新消息和会话通知会实时推送到你填写的地址。",
    retry: "重试",
    url: "推送地址",
    events: "推送事件",
    state: "状态",
    created: "创建时间",
    active: "启用",
    paused: "已暂停",
    allEvents: "全部事件",
    log: "推送记录",
    edit: "编辑",
    pause: "暂停",
    resume: "启用",
    remove: "删除",
    newTitle: "添加 Webhook",
    editTitle: "编辑 Webhook",
    urlHint: "接收推送的 http(s) 地址，需能从公网访问。",
    eventsAll: "全部事件（包括以后新增的）",
    activeLabel: "启用（暂停期间产生的事件不会补发）",
    cancel: "取消",
    save: "保存",
    saving: "保存中…",
    create: "添加",
    errUrl: "请填写以 https:// 或 http:// 开头的地址",
    errEvents: "请至少选择一个事件",
    secretTitle: "Webhook 已添加",
    secretIntro: "用这个签名密钥校验每个请求的 X-Kefu-Signature 头（HMAC-SHA256）。",
    secretWarning: "签名密钥只显示这一次，关闭后无法再次查看。请立即复制并保存到接收方。",
    copy: "复制",
    done: "我已保存，关闭",
    confirmTitle: "删除这个 Webhook？",
    confirmText: "删除后不再推送，推送记录和尚未送达的推送也会一并删除。",
    deleting: "删除中…",
    saved: "已保存",
    created2: "已添加",
    deleted: "已删除",
  },
  {
    title: "Webhooks",
    subtitle: "Every message and notice of a conversation is sent to your systems as a signed HTTP POST (push notifications, tickets, analytics); at most 20.",
    add: "Add a webhook",
    loading: "Loading…",
    empty: "No webhooks yet",
    emptyHint: "Once added, new messages and notices reach the URL you give as they happen.",
    retry: "Retry",
    url: "URL",
    events: "Events",
    state: "State",
    created: "Created",
    active: "Active",
    paused: "Paused",
    allEvents: "All events",
    log: "Deliveries",
    edit: "Edit",
    pause: "Pause",
    resume: "Resume",
    remove: "Delete",
    newTitle: "Add a webhook",
    editTitle: "Edit the webhook",
    urlHint: "An http(s) URL that takes the POSTs, reachable from the internet.",
    eventsAll: "All events (including ones added later)",
    activeLabel: "Active (events while paused are never sent)",
    cancel: "Cancel",
    save: "Save",
    saving: "Saving…",
    create: "Add",
    errUrl: "Enter a URL starting with https:// or http://",
    errEvents: "Pick at least one event",
    secretTitle: "Webhook added",
    secretIntro: "Check each request's X-Kefu-Signature header (HMAC-SHA256) with this signing secret.",
    secretWarning: "The signing secret is shown only now. Copy it to your receiver before closing.",
    copy: "Copy",
    done: "I saved it, close",
    confirmTitle: "Delete this webhook?",
    confirmText: "Nothing more is sent; its log and pending deliveries are deleted too.",
    deleting: "Deleting…",
    saved: "Saved",
    created2: "Added",
    deleted: "Deleted",
  },
);

/**
 * @typedef {{ id: number, url: string, events: string[], active: boolean, created_at: string, updated_at: string }} Webhook
 * @typedef {{ id: number | null, url: string, all: boolean, events: string[], active: boolean, busy: boolean, error: unknown, field: string | null }} Editor
 */

const page_ = {
  /** @type {Webhook[] | null} */
  list: null,
  loading: false,
  /** @type {unknown} */
  error: null,
  /** @type {Editor | null} */
  editor: null,
  /** The secret of the webhook just created, until closed. @type {{ url: string, secret: string } | null} */
  secret: null,
  /** @type {{ hook: Webhook, busy: boolean, error: unknown } | null} */
  deleting: null,
  /** ids being paused or resumed @type {Set<number>} */
  toggling: new Set(),
};

async function load() {
  page_.loading = true;
  page_.error = null;
  update();
  try {
    const r = await adminApi("GET", "/webhooks.json", { query: { per_page: 100 } });
    page_.list = Array.isArray(r.webhooks) ? r.webhooks : [];
  } catch (e) {
    page_.error = e;
  } finally {
    page_.loading = false;
    update();
  }
}

// ---- create and edit ----------------------------------------------------------

/** @param {Webhook} [hook] */
function openEditor(hook) {
  const all = !hook || hook.events.includes("*");
  page_.editor = {
    id: hook?.id ?? null,
    url: hook?.url ?? "",
    all: hook ? all : false,
    events: hook && !all ? [...hook.events] : ["message"],
    active: hook?.active ?? true,
    busy: false,
    error: null,
    field: null,
  };
  update();
}

function closeEditor() {
  if (page_.editor?.busy) return;
  page_.editor = null;
  update();
}

/** @param {Editor} ed @param {(ed: Editor) => void} change */
function change(ed, change) {
  change(ed);
  ed.error = null;
  ed.field = null;
  update();
}

/** @param {Editor} ed */
async function submit(ed) {
  const url = ed.url.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) return refuse(ed, "url", t("errUrl"));
  const events = ed.all ? ["*"] : EVENTS.filter((e) => ed.events.includes(e));
  if (!events.length) return refuse(ed, "events", t("errEvents"));
  ed.busy = true;
  update();
  try {
    const body = { webhook: { url, events, active: ed.active } };
    if (ed.id === null) {
      const r = await adminApi("POST", "/webhooks.json", { json: body });
      page_.secret = { url: r.webhook.url, secret: r.webhook.secret };
      toast(t("created2"));
    } else {
      await adminApi("PUT", `/webhooks/${ed.id}.json`, { json: body });
      toast(t("saved"));
    }
    page_.editor = null;
    load();
  } catch (e) {
    ed.error = e;
    ed.field = adminField(e);
  } finally {
    ed.busy = false;
    update();
  }
}

/** @param {Editor} ed @param {string} fieldName @param {string} message */
function refuse(ed, fieldName, message) {
  ed.error = message;
  ed.field = fieldName;
  update();
}

/** @param {Editor} ed */
function editorView(ed) {
  const errorOf = (/** @type {string} */ key) => (ed.field === key ? problemText(ed.error) : null);
  const other = ed.error && ed.field !== "url" && ed.field !== "events" ? ed.error : null;
  return dialog({
    id: "webhook-dialog",
    title: ed.id === null ? t("newTitle") : t("editTitle"),
    wide: true,
    onClose: closeEditor,
    body: html`<form id="webhook-form" class="admin-form" @submit=${(/** @type {Event} */ e) => { e.preventDefault(); submit(ed); }}>
      ${field(t("url"), html`<input id="webhook-url" type="url" class="mono" maxlength="512" placeholder="https://hooks.example.com/kefu"
          .value=${ed.url} aria-invalid=${errorOf("url") ? "true" : "false"}
          @input=${(/** @type {Event} */ e) => change(ed, (x) => { x.url = valueOf(e); })}>`,
        { hint: t("urlHint"), error: errorOf("url"), wide: true })}
      <fieldset class="admin-field wide wh-events">
        <legend class="admin-label">${t("events")}</legend>
        <label class="admin-check"><input id="webhook-all" type="checkbox" .checked=${ed.all}
          @change=${(/** @type {Event} */ e) => change(ed, (x) => { x.all = checkedOf(e); })}> ${t("eventsAll")}</label>
        <div class="wh-event-grid">
          ${EVENTS.map((name) => html`<label class="admin-check"><input type="checkbox" name="event" value=${name}
              ?disabled=${ed.all} .checked=${ed.all || ed.events.includes(name)}
              @change=${(/** @type {Event} */ e) => change(ed, (x) => {
                x.events = checkedOf(e) ? [...x.events, name] : x.events.filter((n) => n !== name);
              })}> <span title=${name}>${eventName(name)}</span></label>`)}
        </div>
        ${errorOf("events") ? html`<span class="admin-field-error">${problemView(errorOf("events"))}</span>` : nothing}
      </fieldset>
      <label class="admin-check svc-wide"><input id="webhook-active" type="checkbox" .checked=${ed.active}
        @change=${(/** @type {Event} */ e) => change(ed, (x) => { x.active = checkedOf(e); })}> ${t("activeLabel")}</label>
      ${other ? html`<p class="error svc-wide" role="alert">${problemView(other)}</p>` : nothing}
    </form>`,
    actions: html`<button type="button" class="btn" ?disabled=${ed.busy} @click=${closeEditor}>${t("cancel")}</button>
      <button type="submit" form="webhook-form" id="webhook-save" class="btn primary solid" ?disabled=${ed.busy}>
        ${ed.busy ? t("saving") : ed.id === null ? t("create") : t("save")}</button>`,
  });
}

/** The new webhook's secret, this once. @param {{ url: string, secret: string }} s */
function secretView(s) {
  return dialog({
    id: "webhook-secret",
    title: t("secretTitle"),
    // Only the button closes it: a stray Escape must not lose the secret.
    onClose: () => {},
    body: html`<p class="wh-secret-url mono small">${s.url}</p>
      <p class="svc-card-subtitle">${t("secretIntro")}</p>
      <p class="svc-warning wh-secret-warning" role="alert">${t("secretWarning")}</p>
      <div class="wh-secret-row">
        <code id="webhook-secret-value" class="svc-secret">${s.secret}</code>
        <button type="button" class="btn primary small" @click=${() => copyWithToast(s.secret)}>${t("copy")}</button>
      </div>`,
    actions: html`<button type="button" id="webhook-secret-close" class="btn primary solid"
      @click=${() => { page_.secret = null; update(); }}>${t("done")}</button>`,
  });
}

// ---- pause, delete --------------------------------------------------------------

/** @param {Webhook} hook */
async function toggle(hook) {
  page_.toggling.add(hook.id);
  update();
  try {
    const r = await adminApi("PUT", `/webhooks/${hook.id}.json`, { json: { webhook: { active: !hook.active } } });
    Object.assign(hook, r.webhook);
  } catch (e) {
    toast(String(problemText(e)), "error");
  } finally {
    page_.toggling.delete(hook.id);
    update();
  }
}

async function remove() {
  const d = page_.deleting;
  if (!d) return;
  d.busy = true;
  d.error = null;
  update();
  try {
    await adminApi("DELETE", `/webhooks/${d.hook.id}.json`);
    page_.deleting = null;
    toast(t("deleted"));
    load();
  } catch (e) {
    d.error = e;
  } finally {
    d.busy = false;
    update();
  }
}

/** @param {{ hook: Webhook, busy: boolean, error: unknown }} d */
function confirmView(d) {
  const close = () => { if (!d.busy) { page_.deleting = null; update(); } };
  return dialog({
    id: "webhook-delete",
    title: t("confirmTitle"),
    onClose: close,
    body: html`<p class="mono small wh-secret-url">${d.hook.url}</p><p>${t("confirmText")}</p>
      ${d.error ? html`<p class="error" role="alert">${problemView(d.error)}</p>` : nothing}`,
    actions: html`<button type="button" class="btn" ?disabled=${d.busy} @click=${close}>${t("cancel")}</button>
      <button type="button" id="webhook-delete-confirm" class="btn danger solid" ?disabled=${d.busy} @click=${remove}>
        ${d.busy ? t("deleting") : t("remove")}</button>`,
  });
}

// ---- the list -------------------------------------------------------------------

/** @param {Webhook} hook */
function eventsView(hook) {
  if (hook.events.includes("*")) return html`<span class="admin-pill accent">${t("allEvents")}</span>`;
  return html`<span class="wh-event-pills">${hook.events.map((e) => html`<span class="admin-pill">${eventName(e)}</span>`)}</span>`;
}

/** @param {Webhook[]} list */
function tableView(list) {
  return html`<div class="admin-card">
    <table id="webhook-table" class="admin-table">
      <thead><tr><th>${t("url")}</th><th>${t("events")}</th><th>${t("state")}</th><th>${t("created")}</th><th></th></tr></thead>
      <tbody>
        ${list.map((hook) => html`<tr data-webhook-id=${hook.id}>
          <td class="wh-url mono" title=${hook.url}>${hook.url}</td>
          <td>${eventsView(hook)}</td>
          <td><span class="admin-pill ${hook.active ? "ok" : "warn"}">${hook.active ? t("active") : t("paused")}</span></td>
          <td class="wh-time">${hook.created_at}</td>
          <td class="row-actions">
            <button type="button" class="btn ghost small wh-log" @click=${() => openLog(hook)}>${t("log")}</button>
            <button type="button" class="btn ghost small" @click=${() => openEditor(hook)}>${t("edit")}</button>
            <button type="button" class="btn ghost small" ?disabled=${page_.toggling.has(hook.id)}
              @click=${() => toggle(hook)}>${hook.active ? t("pause") : t("resume")}</button>
            <button type="button" class="btn ghost small danger"
              @click=${() => { page_.deleting = { hook, busy: false, error: null }; update(); }}>${t("remove")}</button>
          </td>
        </tr>`)}
      </tbody>
    </table>
  </div>`;
}

function listView() {
  if (page_.error && !page_.list) return failedState(page_.error, load, t("retry"));
  if (!page_.list) return html`<p class="muted svc-loading">${t("loading")}</p>`;
  if (!page_.list.length) {
    return html`<div class="admin-card">${emptyState(t("empty"), t("emptyHint"))}</div>`;
  }
  return tableView(page_.list);
}

function view() {
  const full = (page_.list?.length ?? 0) >= 20;
  return html`${pageHeader(
      t("title"),
      html`<button type="button" id="webhook-add" class="btn primary solid" ?disabled=${full} @click=${() => openEditor()}>+ ${t("add")}</button>`,
      t("subtitle"),
    )}
    ${listView()}
    ${deliveryLogView()}
    ${page_.editor ? editorView(page_.editor) : nothing}
    ${page_.secret ? secretView(page_.secret) : nothing}
    ${page_.deleting ? confirmView(page_.deleting) : nothing}`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "webhooks",
  title: () => t("title"),
  view,
  open: load,
};
