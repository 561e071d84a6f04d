// A webhook's delivery log (`/api/v1/webhooks/{id}/deliveries.json`),
// newest first, in a wide dialog, a page at a time.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { update } from "../../state.js";
import { adminApi } from "../api.js";
import { catalog } from "../i18n.js";
import { dialog, emptyState, failedState } from "../ui.js";
import { eventName } from "./events.js";

const t = catalog(
  {
    title: "推送记录",
    close: "关闭",
    refresh: "刷新",
    retry: "重试",
    loading: "正在加载…",
    empty: "还没有推送记录",
    emptyHint: "创建之后产生的新消息和通知会出现在这里。",
    event: "事件",
    state: "状态",
    attempts: "尝试次数",
    status: "HTTP 状态",
    error: "失败原因",
    created: "产生时间",
    next: "送达 / 下次重试",
    pending: "等待重试",
    queued: "待发送",
    delivered: "已送达",
    failed: "已放弃",
    noAnswer: "无响应",
    pageOf: "第 {page} / {pages} 页，共 {count} 条",
    prev: "上一页",
    nextPage: "下一页",
    legend: "失败后会按 1 秒、2 秒、4 秒……逐次延长间隔重试，共 12 次，仍未成功则放弃。",
  },
  {
    title: "Deliveries",
    close: "Close",
    refresh: "Refresh",
    retry: "Retry",
    loading: "Loading…",
    empty: "Nothing delivered yet",
    emptyHint: "New messages and notices after the webhook was added show here.",
    event: "Event",
    state: "State",
    attempts: "Attempts",
    status: "HTTP status",
    error: "Why it failed",
    created: "Queued",
    next: "Delivered / next try",
    pending: "Retrying",
    queued: "Queued",
    delivered: "Delivered",
    failed: "Given up",
    noAnswer: "no answer",
    pageOf: "Page {page} of {pages}, {count} in all",
    prev: "Previous",
    nextPage: "Next",
    legend: "A failed delivery is retried after 1 s, 2 s, 4 s … 12 times in all, then given up.",
  },
);

const PER_PAGE = 20;

/**
 * @typedef {{ id: string, event: string, state: string, attempts: number, last_status: number | null,
 *   last_error: string | null, created_at: string, delivered_at: string | null, next_attempt_at: string | null }} Delivery
 */

/** The log open, or null. @type {{ hook: { id: number, url: string }, page: number, count: number, rows: Delivery[] | null, loading: boolean, error: unknown } | null} */
let log = null;

/** @param {{ id: number, url: string }} hook */
export function openLog(hook) {
  log = { hook, page: 1, count: 0, rows: null, loading: false, error: null };
  load();
}

async function load() {
  const current = log;
  if (!current) return;
  current.loading = true;
  current.error = null;
  update();
  try {
    const r = await adminApi("GET", `/webhooks/${current.hook.id}/deliveries.json`, {
      query: { page: current.page, per_page: PER_PAGE },
    });
    current.rows = Array.isArray(r.deliveries) ? r.deliveries : [];
    current.count = Number(r.count) || 0;
  } catch (e) {
    current.error = e;
  } finally {
    current.loading = false;
    update();
  }
}

/** @param {number} page */
function go(page) {
  if (!log) return;
  log.page = page;
  load();
}

function close() {
  log = null;
  update();
}

/** @param {Delivery} d */
function stateView(d) {
  const kind = d.state === "delivered" ? "ok" : d.state === "failed" ? "danger" : "warn";
  const known = d.state === "delivered" || d.state === "failed" || d.state === "pending";
  // Pending with no attempt yet is simply queued, not retrying.
  const label = d.state === "pending" && !d.attempts ? t("queued") : known ? t(/** @type {"pending"} */ (d.state)) : d.state;
  return html`<span class="admin-pill ${kind}">${label}</span>`;
}

/** When it was delivered, or when the next try is due (the state pill says which). @param {Delivery} d */
function whenView(d) {
  return d.delivered_at ?? d.next_attempt_at ?? "—";
}

/** @param {Delivery[]} rows */
function tableView(rows) {
  return html`<table id="webhook-deliveries" class="admin-table wh-log-table">
    <thead><tr><th>${t("created")}</th><th>${t("event")}</th><th>${t("state")}</th><th class="num">${t("attempts")}</th>
      <th class="num">${t("status")}</th><th>${t("error")}</th><th>${t("next")}</th></tr></thead>
    <tbody>
      ${rows.map((d) => html`<tr data-delivery-id=${d.id}>
        <td class="wh-time">${d.created_at}</td>
        <td class="wh-nowrap">${eventName(d.event)}</td>
        <td>${stateView(d)}</td>
        <td class="num">${d.attempts}</td>
        <td class="num">${d.last_status ?? html`<span class="muted">${d.attempts ? t("noAnswer") : "—"}</span>`}</td>
        <td class="wh-error" title=${d.last_error ?? ""}>${d.last_error ?? ""}</td>
        <td class="wh-time">${whenView(d)}</td>
      </tr>`)}
    </tbody>
  </table>`;
}

function bodyView() {
  if (!log) return nothing;
  if (log.error && !log.rows) return failedState(log.error, load, t("retry"));
  if (!log.rows) return html`<p class="muted">${t("loading")}</p>`;
  if (!log.rows.length && log.page === 1) return emptyState(t("empty"), t("emptyHint"));
  const pages = Math.max(1, Math.ceil(log.count / PER_PAGE));
  return html`${tableView(log.rows)}
    <div class="admin-pager">
      <span>${t("pageOf", { page: log.page, pages, count: log.count })}</span>
      <button type="button" class="btn small" ?disabled=${log.loading || log.page <= 1} @click=${() => go(log ? log.page - 1 : 1)}>${t("prev")}</button>
      <button type="button" class="btn small" ?disabled=${log.loading || log.page >= pages} @click=${() => go(log ? log.page + 1 : 1)}>${t("nextPage")}</button>
    </div>
    <p class="admin-hint">${t("legend")}</p>`;
}

export function deliveryLogView() {
  if (!log) return nothing;
  return dialog({
    id: "webhook-log",
    title: `${t("title")} · ${log.hook.url}`,
    wide: true,
    onClose: close,
    body: bodyView(),
    actions: html`<button type="button" class="btn" ?disabled=${log.loading} @click=${load}>${t("refresh")}</button>
      <button type="button" class="btn primary solid" @click=${close}>${t("close")}</button>`,
  });
}
