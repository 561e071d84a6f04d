// The center column: one conversation's timeline (history loaded by pages,
// live messages merged in by id), its actions, and the composer.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { repeat } from "../vendor/lit-html/directives/repeat.js";
import { clock } from "../shared/format.js";
import { linkified } from "../shared/text.js";
import { api, seg } from "./api.js";
import { state, update, afterRender, conversation, servedByMe, onScreen, toast } from "./state.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";
import { safeUrl, str } from "./util.js";
import { addMine, removeMine, claim } from "./inbox.js";
import { sendFrame } from "./live.js";
import { composerView, sendImage, focusComposer, resend } from "./composer.js";
import { openTransfer } from "./transfer.js";

/** @typedef {import("./types.js").Conversation} Conversation */
/** @typedef {import("./types.js").Message} Message */

const PAGE = 30;
/** @type {Set<string>} */
const loadingHistory = new Set();

/** @param {string} id */
export function openConversation(id) {
  const c = conversation(id);
  const changed = state.openId !== id;
  state.openId = id;
  if (changed) {
    c.confirmFinish = false;
    c.actionError = "";
    state.canned.open = false;
    state.dragging = false;
  }
  if (!c.loaded) loadHistory(c);
  else if (changed) refreshTail(c);
  loadInfo(c);
  markRead(c);
  afterRender(() => focusComposer());
  update();
}

/** The latest request per question: only its answer counts. @type {Map<string, number>} */
const infoSeq = new Map();
let infoCounter = 0;

/** The question as the server has it now (status, agent, customer). @param {Conversation} c */
export async function loadInfo(c) {
  const seq = ++infoCounter;
  infoSeq.set(c.id, seq);
  try {
    const info = await api("GET", `/v1/question/${seg(c.id)}`);
    if (infoSeq.get(c.id) !== seq || !state.session) return;
    const before = c.info;
    c.info = info;
    c.infoError = "";
    const me = state.session.serv_id;
    // The list follows what the server says.
    if (info.status_code === 2 && info.serv_id === me) addMine(c.id, info);
    else removeMine(c.id);
    if (!c.history || before?.user_id !== info.user_id || state.openId === c.id) loadUserHistory(c);
    markRead(c);
  } catch (e) {
    if (infoSeq.get(c.id) === seq) c.infoError = errorText(e);
  } finally {
    if (infoSeq.get(c.id) === seq) infoSeq.delete(c.id);
    update();
  }
}

/** The customer's other conversations, for the customer panel. @param {Conversation} c */
async function loadUserHistory(c) {
  const user = c.info?.user_id;
  if (!user) return;
  try {
    const r = await api("GET", `/v1/user/${seg(user)}/alls`, { query: { num: 20 } });
    c.history = (r.questions ?? []).filter((/** @type {any} */ q) => typeof q?.question_id === "string");
  } catch {
    c.history = c.history ?? [];
  }
  update();
}

/** @param {Conversation} c */
export async function loadHistory(c) {
  if (loadingHistory.has(c.id)) return;
  loadingHistory.add(c.id);
  c.loadError = "";
  update();
  try {
    const r = await api("GET", `/v1/question/${seg(c.id)}/message`, { query: { sort: -1, num: PAGE } });
    const messages = r.messages ?? [];
    for (const m of messages) insertMessage(c, m);
    c.hasOlder = messages.length >= PAGE;
    c.loaded = true;
    markRead(c);
  } catch (e) {
    c.loadError = errorText(e);
  } finally {
    loadingHistory.delete(c.id);
    update();
  }
}

/**
 * The newest page again, merged by id: notices the socket does not bring
 * (the transferring agent gets no `transferred`), and whatever a reconnect
 * missed.
 * @param {Conversation} c
 */
export async function refreshTail(c) {
  if (!c.loaded) return;
  try {
    const r = await api("GET", `/v1/question/${seg(c.id)}/message`, { query: { sort: -1, num: PAGE } });
    let added = false;
    for (const m of r.messages ?? []) added = insertMessage(c, m) || added;
    if (added) update();
  } catch {
    // the timeline keeps what it has
  }
}

/** The page before the oldest loaded message, keeping what is on screen still. @param {Conversation} c */
export async function loadOlder(c) {
  if (!c.loaded || !c.hasOlder || c.loadingOlder || !c.ids.length) return;
  c.loadingOlder = true;
  update();
  try {
    const r = await api("GET", `/v1/question/${seg(c.id)}/message`, {
      query: { sort: -1, num: PAGE, message_id: c.ids[0] },
    });
    const messages = r.messages ?? [];
    const el = state.openId === c.id ? document.getElementById("timeline") : null;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    for (const m of messages) insertMessage(c, m);
    c.hasOlder = messages.length >= PAGE;
    if (el) {
      afterRender(() => {
        const now = document.getElementById("timeline");
        if (now) now.scrollTop = now.scrollHeight - fromBottom;
      });
    }
  } catch (e) {
    toast(t("loadFailed", { message: errorText(e) }), "error");
  } finally {
    c.loadingOlder = false;
    update();
  }
}

/**
 * One message into the timeline: once per id, in id order (ids are
 * time-ordered; their text order is the stored order).
 * @param {Conversation} c
 * @param {any} m
 * @returns {boolean} whether it was new
 */
export function insertMessage(c, m) {
  const id = m?.message_id;
  if (typeof id !== "string" || !id) return false;
  const known = c.messages.has(id);
  c.messages.set(id, m);
  if (known) return false;
  const ids = c.ids;
  if (!ids.length || ids[ids.length - 1] < id) {
    ids.push(id);
  } else {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 0, id);
  }
  return true;
}

/**
 * When the conversation is on screen: its badge goes, and the customer
 * learns what I read.
 * @param {Conversation} c
 */
export function markRead(c) {
  if (!onScreen(c.id)) return;
  const s = state.mine.get(c.id);
  if (s && s.unread) {
    s.unread = 0;
    update();
  }
  if (!servedByMe(c)) return;
  for (let i = c.ids.length - 1; i >= 0; i--) {
    const m = c.messages.get(c.ids[i]);
    if (m && m.sender_type === 1 && m.type !== 4) {
      if (m.message_id > c.lastReadSent && sendFrame({ type: "read", question_id: c.id, message_id: m.message_id })) {
        c.lastReadSent = m.message_id;
      }
      return;
    }
  }
}

/**
 * @param {Conversation} c
 * @param {"quit" | "request_finish" | "finish"} action
 */
async function act(c, action) {
  const me = state.session?.serv_id;
  if (!me || c.busy) return;
  c.busy = action;
  c.actionError = "";
  update();
  try {
    await api("POST", `/v1/question/${seg(c.id)}/${action}`, { form: { serv_id: me } });
    if (action === "quit") {
      removeMine(c.id);
      if (c.info) c.info = { ...c.info, status_code: 1, serv_id: "", serv_name: "" };
      toast(t("quitDone"));
    } else if (action === "finish") {
      removeMine(c.id);
      if (c.info) c.info = { ...c.info, status_code: 3 };
      c.confirmFinish = false;
      toast(t("finishDone"));
    } else {
      toast(t("requestFinishSent"));
    }
  } catch (e) {
    c.actionError = t("actionFailed", { message: errorText(e) });
    if (action === "finish") c.confirmFinish = false;
  } finally {
    c.busy = "";
    update();
    loadInfo(c);
    refreshTail(c);
  }
}

/** @param {Conversation} c */
function askFinish(c) {
  c.confirmFinish = true;
  update();
  afterRender(() => document.getElementById("confirm-finish")?.focus());
}

/** @param {Conversation} c */
export function cancelFinish(c) {
  if (!c.confirmFinish) return;
  c.confirmFinish = false;
  update();
  afterRender(() => document.getElementById("action-finish")?.focus());
}

// --- scrolling -------------------------------------------------------------

/** Whether the timeline follows new messages (the agent is at the bottom). */
let stick = true;
let memo = { id: "", last: "", outbox: 0, typing: false };

export function stickToBottom() {
  stick = true;
}

/** @param {Event} e */
function onScroll(e) {
  const el = /** @type {HTMLElement} */ (e.currentTarget);
  stick = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  if (el.scrollTop < 80 && state.openId) {
    const c = state.conversations.get(state.openId);
    if (c) loadOlder(c);
  }
}

/** @type {HTMLElement | null} */
let observed = null;
// The timeline shrinks when the composer grows (an error line, the canned
// picker): the newest message stays in view.
const resized = new ResizeObserver(() => {
  if (stick && observed) observed.scrollTop = observed.scrollHeight;
});

/** After each render: follow the bottom when new messages came and the agent was there. */
export function syncTimeline() {
  const el = document.getElementById("timeline");
  if (el !== observed) {
    if (observed) resized.unobserve(observed);
    if (el) resized.observe(el);
    observed = el;
  }
  const id = state.openId;
  if (!el || !id) {
    memo = { id: "", last: "", outbox: 0, typing: false };
    return;
  }
  const c = conversation(id);
  const last = c.ids[c.ids.length - 1] ?? "";
  const typing = c.typingUntil > Date.now();
  if (memo.id !== id) stick = true;
  if (memo.id !== id || last !== memo.last || c.outbox.size !== memo.outbox || typing !== memo.typing) {
    if (stick) el.scrollTop = el.scrollHeight;
  }
  memo = { id, last, outbox: c.outbox.size, typing };
  // A short history does not fill the view: no scroll to ask for more.
  if (c.loaded && c.hasOlder && !c.loadingOlder && el.scrollHeight <= el.clientHeight + 8) loadOlder(c);
}

function onImageLoad() {
  const el = document.getElementById("timeline");
  if (el && stick) el.scrollTop = el.scrollHeight;
}

// --- drag and drop ---------------------------------------------------------

/** @param {DragEvent} e */
function hasFiles(e) {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
}

/** @param {DragEvent} e */
function onDragOver(e) {
  if (!hasFiles(e)) return;
  e.preventDefault();
  const c = state.openId ? state.conversations.get(state.openId) : undefined;
  if (e.dataTransfer) e.dataTransfer.dropEffect = c && servedByMe(c) ? "copy" : "none";
  if (!state.dragging && c && servedByMe(c)) {
    state.dragging = true;
    update();
  }
}

/** @param {DragEvent} e */
function onDragLeave(e) {
  const section = /** @type {HTMLElement} */ (e.currentTarget);
  if (e.relatedTarget instanceof Node && section.contains(e.relatedTarget)) return;
  if (state.dragging) {
    state.dragging = false;
    update();
  }
}

/** @param {DragEvent} e */
function onDrop(e) {
  if (!hasFiles(e)) return;
  e.preventDefault();
  state.dragging = false;
  update();
  const c = state.openId ? state.conversations.get(state.openId) : undefined;
  const file = e.dataTransfer?.files[0];
  if (c && file && servedByMe(c)) sendImage(c, file);
}

// --- views -----------------------------------------------------------------

/** @param {string} serv */
export function agentName(serv) {
  if (serv === state.session?.serv_id) return state.me?.name || state.session?.name || serv;
  return state.agents.get(serv)?.name || serv;
}

/** @param {Conversation} c */
function customerName(c) {
  const s = state.mine.get(c.id) ?? state.pending.get(c.id);
  return c.info?.user_name || s?.user_name || c.info?.user_id || s?.user_id || t("customer");
}

/** @param {Message} m */
function noticeText(m) {
  const name = agentName(str(m.sender));
  switch (m.action) {
    case 1: return t("notice1", { name });
    case 2: return t("notice2", { name });
    case 3: return t("notice3", { name });
    case 4: return t("notice4");
    case 5: return t("notice5");
    case 6: return t("notice6");
    case 7: return t("notice7", { name });
    default: return t("noticeOther");
  }
}

/** @param {number} code */
function statusName(code) {
  return code === 1 ? t("status1") : code === 2 ? t("status2") : code === 3 ? t("status3") : "";
}

export function conversationView() {
  const id = state.openId;
  if (!id) {
    return html`
      <section class="conversation empty-conversation" id="conversation-empty">
        <div class="empty-state">
          <div class="empty-icon" aria-hidden="true"></div>
          <p class="empty-title">${t("noConversation")}</p>
          <p class="empty-hint">${t("noConversationHint")}</p>
        </div>
      </section>
    `;
  }
  const c = conversation(id);
  const serving = servedByMe(c);
  const typing = c.typingUntil > Date.now();
  return html`
    <section id="conversation" class="conversation ${state.dragging ? "dragging" : ""}" data-question-id=${id}
      aria-label=${customerName(c)}
      @dragenter=${onDragOver} @dragover=${onDragOver} @dragleave=${onDragLeave} @drop=${onDrop}>
      <header class="conv-header">
        <div class="conv-title">
          <h1 class="conv-name">${customerName(c)}</h1>
          ${c.info ? html`<span class="chip status-${c.info.status_code}">${statusName(c.info.status_code)}</span>` : nothing}
          ${c.info?.title && c.info.title !== customerName(c)
            ? html`<span class="conv-subject" title=${c.info.title}>${c.info.title}</span>`
            : nothing}
        </div>
        ${serving ? actionsView(c) : nothing}
      </header>
      ${serving && c.confirmFinish
        ? html`<div class="confirm-bar" role="alertdialog" aria-labelledby="confirm-finish-text">
            <span id="confirm-finish-text">${t("confirmFinishText")}</span>
            <button type="button" id="confirm-finish" class="btn danger solid" ?disabled=${c.busy === "finish"}
              @click=${() => act(c, "finish")}>${t("confirmFinish")}</button>
            <button type="button" class="btn ghost" @click=${() => cancelFinish(c)}>${t("cancel")}</button>
          </div>`
        : nothing}
      ${c.actionError ? html`<div class="action-error" role="alert">${c.actionError}</div>` : nothing}
      <div id="timeline" class="timeline" role="log" aria-live="polite" @scroll=${onScroll}>
        ${timelineTop(c)}
        ${timelineItems(c)}
        ${[...c.outbox.values()].map(
          (o) => html`
            <div class="msg-outgoing ours ${o.state}">
              <div class="msg-bubble">${o.kind === "image" ? t("uploading") : html`<div class="msg-text">${o.text}</div>`}</div>
              <div class="msg-state">
                ${o.state === "failed"
                  ? html`${t("sendFailed")}
                      <button type="button" class="link" @click=${() => resend(c, o.client_msg_id)}>${t("resend")}</button>`
                  : t("sending")}
              </div>
            </div>
          `,
        )}
      </div>
      <div id="typing" class="typing" aria-live="polite">${typing ? t("typing") : ""}</div>
      ${serving ? composerView(c) : readOnlyBar(c)}
      ${state.dragging && serving ? html`<div class="drop-overlay" aria-hidden="true"><span>${t("dropHere")}</span></div>` : nothing}
    </section>
  `;
}

/** @param {Conversation} c */
function actionsView(c) {
  const busy = !!c.busy;
  return html`
    <div class="conv-actions" role="toolbar">
      <button type="button" id="action-transfer" class="btn" ?disabled=${busy} @click=${openTransfer}>${t("actionTransfer")}</button>
      <button type="button" id="action-quit" class="btn" ?disabled=${busy} @click=${() => act(c, "quit")}>${t("actionQuit")}</button>
      <button type="button" id="action-request-finish" class="btn" ?disabled=${busy} @click=${() => act(c, "request_finish")}>${t("actionRequestFinish")}</button>
      <button type="button" id="action-finish" class="btn danger" ?disabled=${busy} @click=${() => askFinish(c)}>${t("actionFinish")}</button>
    </div>
  `;
}

/** @param {Conversation} c */
function timelineTop(c) {
  let content;
  if (c.loadError) {
    content = html`<span class="error">${c.loadError}</span>
      <button type="button" class="link" @click=${() => loadHistory(c)}>${t("retry")}</button>`;
  } else if (!c.loaded || c.loadingOlder) {
    content = c.loaded ? t("loadingOlder") : t("loading");
  } else if (c.hasOlder) {
    content = html`<button type="button" class="link" @click=${() => loadOlder(c)}>${t("loadOlder")}</button>`;
  } else {
    content = c.ids.length >= PAGE ? t("historyStart") : "";
  }
  return html`<div class="timeline-top">${content}</div>`;
}

/** @param {Conversation} c */
function timelineItems(c) {
  const me = state.session?.serv_id;
  // "已读" goes under my latest message the customer has read.
  let readId = "";
  if (c.customerRead) {
    for (let i = c.ids.length - 1; i >= 0; i--) {
      const m = c.messages.get(c.ids[i]);
      if (m && m.sender_type === 2 && m.type !== 4 && m.message_id <= c.customerRead) {
        if (m.sender === me) readId = m.message_id;
        break;
      }
    }
  }
  /** @type {{ m: Message, meta: boolean }[]} */
  const rows = [];
  /** @type {Message | null} */
  let prev = null;
  for (const id of c.ids) {
    const m = /** @type {Message} */ (c.messages.get(id));
    const meta = m.type !== 4 && (!prev || prev.type === 4 || prev.sender !== m.sender || prev.sender_type !== m.sender_type || m.timestamp - prev.timestamp > 300);
    rows.push({ m, meta });
    prev = m;
  }
  return repeat(rows, (r) => r.m.message_id, (r) => messageView(c, r.m, r.meta, r.m.message_id === readId));
}

/**
 * @param {Conversation} c
 * @param {Message} m
 * @param {boolean} meta
 * @param {boolean} read
 */
function messageView(c, m, meta, read) {
  if (m.type === 4 && m.action === 8) return ratingNoticeView(m);
  if (m.type === 4) {
    return html`
      <div class="msg msg-notice" data-message-id=${m.message_id}>
        <span class="notice">${noticeText(m)}<time>${clock(m.timestamp)}</time></span>
      </div>
    `;
  }
  const ours = m.sender_type === 2;
  const who = ours ? agentName(m.sender) : customerName(c);
  return html`
    <div class="msg ${ours ? "ours" : "theirs"} ${ours && m.sender === state.session?.serv_id ? "me" : ""}" data-message-id=${m.message_id}>
      ${meta ? html`<div class="msg-meta"><span class="msg-sender">${who}</span><time>${clock(m.timestamp)}</time></div>` : nothing}
      ${bodyView(m)}
      ${read ? html`<div class="msg-read">${t("read")}</div>` : nothing}
    </div>
  `;
}

/**
 * The customer's rating of the conversation (notice action 8): its stars,
 * score and comment (the message's text).
 * @param {Message} m
 */
function ratingNoticeView(m) {
  const score = ratingScore(/** @type {{ rating?: unknown }} */ (m).rating);
  const comment = str(m.text).trim();
  return html`
    <div class="msg msg-notice msg-rating" data-message-id=${m.message_id} data-rating=${score}>
      <span class="notice">${t("ratingNotice")}${ratingStars(score)} ${t("ratingScore", { score })}${comment ? ` · ${comment}` : ""}<time>${clock(m.timestamp)}</time></span>
    </div>
  `;
}

/** A score 1–5 from the server's `rating`, or 0. @param {unknown} v */
export function ratingScore(v) {
  return typeof v === "number" && v >= 1 && v <= 5 ? Math.round(v) : 0;
}

/** ★★★★☆ for 4, gold on the filled ones. @param {number} score */
export function ratingStars(score) {
  return html`<span class="rating-stars" aria-hidden="true"><span class="on">${"★".repeat(score)}</span>${"☆".repeat(5 - score)}</span>`;
}

/** @param {Message} m */
function bodyView(m) {
  const time = clock(m.timestamp);
  if (m.type === 2) {
    const src = safeUrl(m.image_url);
    return html`
      <div class="msg-bubble image" title=${time}>
        <a class="msg-image" href=${src || "#"} target="_blank" rel="noopener noreferrer" title=${t("openFull")}>
          <img src=${src} alt=${t("imagePreview")} @load=${onImageLoad}>
        </a>
      </div>
    `;
  }
  if (m.type === 1) {
    const src = safeUrl(m.audio_url);
    return html`
      <div class="msg-bubble audio" title=${time}>
        <audio class="msg-audio" controls preload="none" src=${src}></audio>
        ${m.audio_len ? html`<span class="audio-len">${t("seconds", { n: m.audio_len })}</span>` : nothing}
      </div>
    `;
  }
  return html`<div class="msg-bubble" title=${time}><div class="msg-text">${linkified(str(m.text))}</div></div>`;
}

/** @param {Conversation} c */
function readOnlyBar(c) {
  const info = c.info;
  let text;
  /** @type {unknown} */
  let action = nothing;
  if (!info) {
    text = c.infoError || t("loading");
  } else if (info.status_code === 3) {
    text = t("readOnlyFinished");
  } else if (info.status_code === 1) {
    text = t("readOnlyWaiting");
    const busy = state.claiming.has(c.id);
    action = html`<button type="button" class="btn primary" ?disabled=${busy} @click=${() => claim(c.id)}>${t("readOnlyClaim")}</button>`;
  } else {
    text = t("readOnlyOther", { name: info.serv_name || agentName(info.serv_id) });
  }
  return html`<div class="readonly-bar" role="status"><span>${text}</span>${action}</div>`;
}

