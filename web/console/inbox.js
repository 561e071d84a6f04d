// The left column: customers waiting (the pending pool, claimed with
// "接入") and the agent's own conversations, both kept live by events.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { repeat } from "../vendor/lit-html/directives/repeat.js";
import { ApiError } from "../shared/http.js";
import { since, clock } from "../shared/format.js";
import { api, seg } from "./api.js";
import { state, update, toast, conversation } from "./state.js";
import { t } from "./i18n.js";
import { errorText, errorView } from "./errors.js";
import { avatar } from "./avatar.js";
import { str, num } from "./util.js";
import { openConversation, loadInfo } from "./conversation.js";

/** @typedef {import("./types.js").Summary} Summary */

/**
 * Questions an event touched while a list was loading: the event is newer
 * than the list, so it wins.
 * @type {{ pending: Map<string, { at: number, present: boolean }>, mine: Map<string, { at: number, present: boolean }> }}
 */
const touched = { pending: new Map(), mine: new Map() };
const generation = { pending: 0, mine: 0 };
/** Questions this console claimed itself (their `assigned` needs no alert). */
export const claimedHere = new Set();

const UNREAD_KEY = "kefu.console.unread";
/** Unread counts kept over a reload (the server does not count them). @type {Record<string, number>} */
let savedUnread = {};
try {
  savedUnread = JSON.parse(sessionStorage.getItem(UNREAD_KEY) ?? "{}") ?? {};
} catch {
  savedUnread = {};
}
let savedText = "";

/** After each render: the badges, for a reload. */
export function persistUnread() {
  if (!state.session) {
    if (savedText) sessionStorage.removeItem(UNREAD_KEY);
    savedText = "";
    savedUnread = {};
    return;
  }
  if (!state.mineLoaded) return;
  /** @type {Record<string, number>} */
  const counts = {};
  for (const s of state.mine.values()) if (s.unread) counts[s.question_id] = s.unread;
  const text = JSON.stringify(counts);
  if (text !== savedText) {
    savedText = text;
    savedUnread = counts;
    sessionStorage.setItem(UNREAD_KEY, text);
  }
}

/**
 * @param {any} q a line of a question list, or `GET /v1/question/{id}`
 * @param {Summary} [prev]
 * @returns {Summary}
 */
export function toSummary(q, prev) {
  const timestamp = num(q.timestamp, prev?.timestamp ?? Date.now() / 1000);
  return {
    question_id: str(q.question_id),
    user_id: str(q.user_id) || prev?.user_id || "",
    user_name: str(q.user_name) || prev?.user_name || "",
    user_image_url: str(q.user_image_url) || prev?.user_image_url || "",
    title: str(q.title) || prev?.title || "",
    last_mess_text: q.last_mess_text !== undefined ? str(q.last_mess_text) : prev?.last_mess_text ?? "",
    last_mess_timestamp: num(q.last_mess_timestamp, prev?.last_mess_timestamp ?? timestamp),
    last_mess_sender: q.last_mess_sender !== undefined ? str(q.last_mess_sender) : prev?.last_mess_sender ?? "",
    last_mess_sender_type: num(q.last_mess_sender_type, prev?.last_mess_sender_type ?? 0),
    timestamp,
    unread: prev?.unread ?? savedUnread[str(q.question_id)] ?? 0,
  };
}

/** @param {"pending" | "mine"} list @param {string} id @param {boolean} present */
function touch(list, id, present) {
  touched[list].set(id, { at: performance.now(), present });
}

/**
 * @param {"pending" | "mine"} list
 * @param {any[]} questions
 * @param {number} started
 */
function merge(list, questions, started) {
  const current = state[list];
  /** @type {Map<string, Summary>} */
  const next = new Map();
  for (const q of questions) {
    if (typeof q?.question_id !== "string") continue;
    next.set(q.question_id, toSummary(q, current.get(q.question_id)));
  }
  for (const [id, mark] of touched[list]) {
    if (mark.at < started) {
      touched[list].delete(id);
      continue;
    }
    const live = current.get(id);
    if (mark.present && live) next.set(id, live);
    if (!mark.present) next.delete(id);
  }
  state[list] = next;
}

export async function loadPending() {
  const gen = ++generation.pending;
  const started = performance.now();
  try {
    const r = await api("GET", "/v1/question/list", { query: { num: 50, sort: 1 } });
    if (gen !== generation.pending || !state.session) return;
    merge("pending", r.questions ?? [], started);
    state.pendingLoaded = true;
    state.pendingError = null;
  } catch (e) {
    if (gen !== generation.pending) return;
    state.pendingError = e;
  }
  update();
}

export async function loadMine() {
  const me = state.session?.serv_id;
  if (!me) return;
  const gen = ++generation.mine;
  const started = performance.now();
  try {
    const r = await api("GET", `/v1/serv/${seg(me)}/tasks`, { query: { num: 50 } });
    if (gen !== generation.mine || !state.session) return;
    merge("mine", r.questions ?? [], started);
    state.mineLoaded = true;
    state.mineError = null;
  } catch (e) {
    if (gen !== generation.mine) return;
    state.mineError = e;
  }
  update();
}

/**
 * A question waits: into the pending pool (its details follow).
 * @param {any} q at least `question_id`
 */
export function addPending(q) {
  const id = str(q.question_id);
  if (!id) return false;
  touch("pending", id, true);
  const known = state.pending.has(id);
  state.pending.set(id, toSummary(q, state.pending.get(id)));
  if (!known) fillDetails("pending", id);
  update();
  return !known;
}

/** @param {string} id */
export function removePending(id) {
  touch("pending", id, false);
  if (state.pending.delete(id)) update();
}

/**
 * Makes sure a conversation I serve is in my list (with its details).
 * @param {string} id
 * @param {any} [known] what is already known of it
 * @returns {boolean} whether it was new
 */
export function addMine(id, known) {
  touch("mine", id, true);
  const had = state.mine.has(id);
  state.mine.set(id, toSummary({ question_id: id, ...(known ?? {}) }, state.mine.get(id)));
  if (!had) fillDetails("mine", id);
  update();
  return !had;
}

/** @param {string} id */
export function removeMine(id) {
  touch("mine", id, false);
  if (state.mine.delete(id)) update();
}

/**
 * The customer's name and picture (question events carry only ids), and
 * for my conversations the last message.
 * @param {"pending" | "mine"} list
 * @param {string} id
 */
async function fillDetails(list, id) {
  try {
    const info = await api("GET", `/v1/question/${seg(id)}`);
    const c = state.conversations.get(id);
    if (c) c.info = info;
    const cur = state[list].get(id);
    if (cur) state[list].set(id, toSummary({ ...info, question_id: id }, cur));
    if (list === "mine" && cur && !cur.last_mess_text) {
      const r = await api("GET", `/v1/question/${seg(id)}/message`, { query: { sort: -1, num: 5 } });
      const last = (r.messages ?? []).find((/** @type {any} */ m) => m.type !== 4);
      const now = state.mine.get(id);
      if (last && now && !now.last_mess_text) setPreview(now, last);
    }
    update();
  } catch {
    // the line shows the ids it has
  }
}

/**
 * @param {Summary} s
 * @param {import("./types.js").Message} m
 */
export function setPreview(s, m) {
  if (m.type === 4) return;
  s.last_mess_text = m.type === 2 ? "[图片]" : m.type === 1 ? "[语音]" : str(m.text);
  s.last_mess_sender = m.sender;
  s.last_mess_sender_type = m.sender_type;
  s.last_mess_timestamp = m.timestamp;
}

/** @param {string} id */
export async function claim(id) {
  const me = state.session?.serv_id;
  if (!me || state.claiming.has(id)) return;
  state.claiming.add(id);
  claimedHere.add(id);
  update();
  try {
    await api("POST", `/v1/question/${seg(id)}/serve`, { form: { serv_id: me } });
    const s = state.pending.get(id);
    removePending(id);
    addMine(id, s);
    const c = conversation(id);
    if (c.info) c.info = { ...c.info, status_code: 2, serv_id: me, serv_name: state.session?.name ?? me };
    openConversation(id);
    loadInfo(c);
  } catch (e) {
    claimedHere.delete(id);
    if (e instanceof ApiError && (e.code === 4001 || e.code === 4002 || e.code === 3001)) {
      removePending(id);
      toast(e.code === 4001 ? t("claimTaken") : errorText(e), "error");
      const c = state.conversations.get(id);
      if (c) loadInfo(c);
    } else {
      toast(t("claimFailed", { message: errorText(e) }), "error");
    }
  } finally {
    state.claiming.delete(id);
    update();
  }
}

/** @param {Summary} s */
function displayName(s) {
  return s.user_name || s.user_id || s.question_id.slice(-6);
}

/** @param {Summary} s */
function preview(s) {
  const text = s.last_mess_text === "[图片]" ? t("imagePreview") : s.last_mess_text === "[语音]" ? t("audioPreview") : s.last_mess_text;
  if (!text) return s.title || t("noMessagesYet");
  return s.last_mess_sender_type === 2 ? `${t("youPrefix")}${text}` : text;
}

export function inboxView() {
  const pending = [...state.pending.values()].sort((a, b) => a.timestamp - b.timestamp || cmp(a.question_id, b.question_id));
  const mine = [...state.mine.values()].sort((a, b) => b.timestamp - a.timestamp || cmp(b.question_id, a.question_id));
  const unread = mine.reduce((n, s) => n + s.unread, 0);
  return html`
    <nav class="inbox" aria-label=${t("mineTitle")}>
      <section class="inbox-section pending-section">
        <h2 class="inbox-heading">
          <span>${t("pendingTitle")}</span>
          <span class="count ${pending.length ? "hot" : ""}">${pending.length}</span>
        </h2>
        <div id="pending" class="inbox-list" role="list">
          ${state.pendingError && !state.pendingLoaded
            ? html`<p class="inbox-empty error">${t("loadFailed", { message: errorText(state.pendingError) })}
                <button type="button" class="link" @click=${loadPending}>${t("retry")}</button></p>`
            : !state.pendingLoaded && !pending.length
              ? html`<p class="inbox-empty">${t("loading")}</p>`
              : pending.length === 0
                ? html`<p class="inbox-empty">${t("pendingEmpty")}</p>`
                : repeat(pending, (s) => s.question_id, pendingItem)}
        </div>
      </section>
      <section class="inbox-section mine-section">
        <h2 class="inbox-heading">
          <span>${t("mineTitle")}</span>
          <span class="count">${mine.length}</span>
          ${unread ? html`<span class="count unread-total" title=${t("unreadTitle", { n: unread })}>${unread}</span>` : nothing}
        </h2>
        <div id="mine" class="inbox-list">
          ${state.mineError && !state.mineLoaded
            ? html`<p class="inbox-empty error">${errorView(state.mineError)}
                <button type="button" class="link" @click=${loadMine}>${t("retry")}</button></p>`
            : !state.mineLoaded && !mine.length
              ? html`<p class="inbox-empty">${t("loading")}</p>`
              : mine.length === 0
                ? html`<p class="inbox-empty">${t("mineEmpty")}</p>`
                : repeat(mine, (s) => s.question_id, mineItem)}
        </div>
      </section>
    </nav>
  `;
}

/** @param {string} a @param {string} b */
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @param {Summary} s */
function pendingItem(s) {
  const name = displayName(s);
  const busy = state.claiming.has(s.question_id);
  const open = state.openId === s.question_id;
  return html`
    <div class="pending-item ${open ? "active" : ""}" role="listitem" data-question-id=${s.question_id}>
      <button type="button" class="item-main" @click=${() => openConversation(s.question_id)}
        title=${`${name}${s.title ? ` · ${s.title}` : ""}`}>
        ${avatar(name, s.user_image_url, s.user_id)}
        <span class="item-body">
          <span class="item-top">
            <span class="item-name">${name}</span>
            <span class="item-time wait" title=${clock(s.timestamp)}>${since(s.timestamp, state.now)}</span>
          </span>
          <span class="item-preview">${preview(s)}</span>
        </span>
      </button>
      <button type="button" class="claim" ?disabled=${busy} @click=${() => claim(s.question_id)}
        aria-label=${`${t("claim")} ${name}`}>${busy ? "…" : t("claim")}</button>
    </div>
  `;
}

/** @param {Summary} s */
function mineItem(s) {
  const name = displayName(s);
  const open = state.openId === s.question_id;
  const waiting = s.last_mess_sender_type === 1;
  return html`
    <button type="button" class="conversation-item ${open ? "active" : ""} ${s.unread ? "has-unread" : ""}"
      data-question-id=${s.question_id} aria-current=${open ? "true" : "false"}
      @click=${() => openConversation(s.question_id)}>
      ${avatar(name, s.user_image_url, s.user_id)}
      <span class="item-body">
        <span class="item-top">
          <span class="item-name">${name}</span>
          <span class="item-time ${waiting ? "wait" : ""}" title=${clock(s.last_mess_timestamp)}>${since(s.last_mess_timestamp, state.now)}</span>
        </span>
        <span class="item-bottom">
          <span class="item-preview">${preview(s)}</span>
          <span class="badge-slot">${s.unread
            ? html`<span class="unread" title=${t("unreadTitle", { n: s.unread })}>${s.unread > 99 ? "99+" : s.unread}</span>`
            : nothing}</span>
        </span>
      </span>
    </button>
  `;
}
