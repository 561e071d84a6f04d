// Writing to the customer: text (over the socket when it is open, else
// HTTP, with a client_msg_id so that a retry never doubles), images
// (picked, pasted or dropped), typing signals and canned replies ("/").
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { live } from "../vendor/lit-html/directives/live.js";
import { ApiError } from "../shared/http.js";
import { jpegBase64 } from "../shared/image.js";
import { api, seg } from "./api.js";
import { state, update, afterRender, servedByMe } from "./state.js";
import { t } from "./i18n.js";
import { errorView } from "./errors.js";
import { charCount, randomId } from "./util.js";
import { sendFrame, socketOpen } from "./live.js";
import { insertMessage, stickToBottom } from "./conversation.js";
import { loadCanned, filterCanned } from "./canned.js";

/** @typedef {import("./types.js").Conversation} Conversation */
/** @typedef {import("./types.js").CannedItem} CannedItem */

export const MAX_CHARS = 5000;
/** How long a frame sent over the socket waits for its ack before HTTP takes over. */
const ACK_WAIT = 8000;

/** Frames in flight: ref → conversation and client_msg_id. @type {Map<string, { qid: string, id: string }>} */
const inFlight = new Map();

export function focusComposer() {
  const el = document.getElementById("composer");
  if (el instanceof HTMLTextAreaElement && !el.disabled) el.focus();
}

/** @param {Conversation} c */
export function sendText(c) {
  // The field itself is the truth (a script or autofill may skip input events).
  const el = document.getElementById("composer");
  if (el instanceof HTMLTextAreaElement && state.openId === c.id) c.draft = el.value;
  const text = c.draft;
  if (!text.trim()) return;
  const n = charCount(text);
  if (n > MAX_CHARS) {
    c.composerError = t("tooLong", { n });
    update();
    return;
  }
  const id = randomId();
  c.outbox.set(id, { client_msg_id: id, kind: "text", text, state: "sending", error: "", started: Date.now() });
  c.draft = "";
  c.composerError = null;
  state.canned.open = false;
  stickToBottom();
  deliver(c, id);
  update();
}

/** @param {Conversation} c @param {string} id */
export function resend(c, id) {
  const o = c.outbox.get(id);
  if (!o || o.state !== "failed") return;
  o.state = "sending";
  o.error = "";
  c.composerError = null;
  deliver(c, id);
  update();
}

/** @param {Conversation} c @param {string} id */
function deliver(c, id) {
  const o = c.outbox.get(id);
  if (!o) return;
  const ref = `m.${id}.${Date.now()}`;
  if (socketOpen() && sendFrame({ type: "send", ref, question_id: c.id, text: o.text, client_msg_id: id })) {
    inFlight.set(ref, { qid: c.id, id });
    setTimeout(() => {
      // No answer: the same client_msg_id over HTTP stores nothing twice.
      if (inFlight.delete(ref) && c.outbox.get(id)?.state === "sending") sendHttp(c, id);
    }, ACK_WAIT);
  } else {
    sendHttp(c, id);
  }
}

/** @param {Conversation} c @param {string} id */
async function sendHttp(c, id) {
  const o = c.outbox.get(id);
  const me = state.session?.serv_id;
  if (!o || !me) return;
  try {
    const r = await api("POST", `/v1/question/${seg(c.id)}/message/send_text`, {
      form: { sender: me, sender_type: 2, text: o.text, client_msg_id: id },
    });
    delivered(c, id, r.message_id);
  } catch (e) {
    failed(c, id, e);
  }
}

/**
 * @param {Conversation} c
 * @param {string} id client_msg_id
 * @param {unknown} messageId
 */
function delivered(c, id, messageId) {
  const o = c.outbox.get(id);
  if (!o) return;
  c.outbox.delete(id);
  if (typeof messageId === "string" && !c.messages.has(messageId)) {
    // Until the message event itself arrives (same id: it replaces this).
    insertMessage(c, {
      message_id: messageId,
      sender: state.session?.serv_id ?? "",
      sender_type: 2,
      timestamp: Date.now() / 1000,
      type: 3,
      text: o.text,
    });
  }
  update();
}

/** @param {Conversation} c @param {string} id @param {unknown} e */
function failed(c, id, e) {
  const o = c.outbox.get(id);
  if (!o) return;
  o.state = "failed";
  c.composerError = e;
  update();
}

/** The socket's answer to a `send` frame. @param {any} ev */
export function onAck(ev) {
  const f = typeof ev.ref === "string" ? inFlight.get(ev.ref) : undefined;
  if (!f) return;
  inFlight.delete(ev.ref);
  const c = state.conversations.get(f.qid);
  if (c) delivered(c, f.id, ev.message_id);
}

/** @param {any} ev */
export function onSocketError(ev) {
  const f = typeof ev.ref === "string" ? inFlight.get(ev.ref) : undefined;
  if (!f) return;
  inFlight.delete(ev.ref);
  const c = state.conversations.get(f.qid);
  if (c) failed(c, f.id, new ApiError(409, ev));
}

/**
 * My own message came as an event before the ack: the line "sending" goes.
 * @param {Conversation} c
 * @param {any} m
 */
export function settleOwn(c, m) {
  if (m.type !== 3) return;
  for (const [id, o] of c.outbox) {
    if (o.kind === "text" && o.text === m.text && o.state === "sending") {
      c.outbox.delete(id);
      return;
    }
  }
}

/**
 * @param {Conversation} c
 * @param {Blob} file
 */
export async function sendImage(c, file) {
  const me = state.session?.serv_id;
  if (!me || !servedByMe(c)) return;
  c.composerError = null;
  const id = randomId();
  c.outbox.set(id, { client_msg_id: id, kind: "image", text: "", state: "sending", error: "", started: Date.now() });
  stickToBottom();
  update();
  try {
    const image = await jpegBase64(file);
    const form = new FormData();
    form.append("sender", me);
    form.append("sender_type", "2");
    form.append("image", image);
    form.append("client_msg_id", id);
    const r = await api("POST", `/v1/question/${seg(c.id)}/message/send_image`, { form });
    if (typeof r.message_id === "string" && !c.messages.has(r.message_id)) {
      insertMessage(c, {
        message_id: r.message_id,
        sender: me,
        sender_type: 2,
        timestamp: Date.now() / 1000,
        type: 2,
        image_url: r.image_url,
      });
    }
  } catch (e) {
    c.composerError = e;
  } finally {
    c.outbox.delete(id);
    update();
  }
}

// --- events ----------------------------------------------------------------

/** @param {Conversation} c @param {Event} e */
function onInput(c, e) {
  const el = /** @type {HTMLTextAreaElement} */ (e.target);
  c.draft = el.value;
  if (c.composerError) c.composerError = null;
  const slash = c.draft.startsWith("/") && !c.draft.includes("\n");
  if (slash) openCanned(c.draft.slice(1));
  else state.canned.open = false;
  if (c.draft && !slash && Date.now() - c.lastTypingSent > 2000) {
    if (sendFrame({ type: "typing", question_id: c.id })) c.lastTypingSent = Date.now();
  }
  update();
}

/** @param {string} query */
function openCanned(query) {
  const cn = state.canned;
  if (!cn.open || cn.query !== query) cn.index = 0;
  cn.open = true;
  cn.query = query;
  if (!cn.items && !cn.loading) {
    cn.loading = true;
    loadCanned()
      .then((items) => {
        cn.items = items;
      })
      .catch(() => {
        cn.items = null;
      })
      .finally(() => {
        cn.loading = false;
        update();
      });
  }
}

function cannedMatches() {
  return state.canned.items ? filterCanned(state.canned.items, state.canned.query) : [];
}

/** @param {Conversation} c @param {CannedItem} item */
function insertCanned(c, item) {
  c.draft = item.content;
  state.canned.open = false;
  update();
  afterRender(() => {
    const el = document.getElementById("composer");
    if (el instanceof HTMLTextAreaElement) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
  });
}

/** @param {Conversation} c @param {KeyboardEvent} e */
function onKeyDown(c, e) {
  if (e.isComposing || e.keyCode === 229) return; // an input method is composing (pinyin)
  const cn = state.canned;
  if (cn.open) {
    const list = cannedMatches();
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      cn.open = false;
      update();
      return;
    }
    if (list.length && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      cn.index = (cn.index + (e.key === "ArrowDown" ? 1 : list.length - 1)) % list.length;
      update();
      afterRender(() => document.querySelector("#canned .canned-item.selected")?.scrollIntoView({ block: "nearest" }));
      return;
    }
    if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
      const item = list[Math.min(cn.index, list.length - 1)];
      if (item) {
        e.preventDefault();
        insertCanned(c, item);
        return;
      }
      if (e.key === "Tab") return;
      cn.open = false;
    }
  }
  if (e.key === "Enter" && !e.shiftKey && !e.altKey) {
    e.preventDefault();
    sendText(c);
  }
}

/** @param {Conversation} c @param {ClipboardEvent} e */
function onPaste(c, e) {
  const files = e.clipboardData?.files;
  if (!files || !files.length) return;
  const file = Array.from(files).find((f) => f.type.startsWith("image/")) ?? files[0];
  e.preventDefault();
  sendImage(c, file);
}

/** @param {Conversation} c @param {Event} e */
function onFile(c, e) {
  const input = /** @type {HTMLInputElement} */ (e.target);
  const file = input.files?.[0];
  input.value = "";
  if (file) sendImage(c, file);
  focusComposer();
}

// --- views -----------------------------------------------------------------

/** @param {Conversation} c */
export function composerView(c) {
  const n = charCount(c.draft);
  return html`
    <div class="composer-wrap">
      ${state.canned.open ? cannedView(c) : nothing}
      <div id="composer-error" class="composer-error" role="alert">${errorView(c.composerError)}</div>
      <div class="composer-box">
        <textarea id="composer" rows="3" .value=${live(c.draft)} placeholder=${t("composerPlaceholder")}
          aria-label=${t("composerPlaceholder")} aria-controls="canned" aria-expanded=${state.canned.open ? "true" : "false"}
          aria-autocomplete="list"
          @input=${(/** @type {Event} */ e) => onInput(c, e)}
          @keydown=${(/** @type {KeyboardEvent} */ e) => onKeyDown(c, e)}
          @paste=${(/** @type {ClipboardEvent} */ e) => onPaste(c, e)}></textarea>
        <div class="composer-tools">
          <button type="button" class="tool" id="attach" title=${t("attachImage")} aria-label=${t("attachImage")}
            @click=${() => document.getElementById("file-input")?.click()}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true"><rect x="2.5" y="3.5" width="15" height="13" rx="2" fill="none" stroke="currentColor" stroke-width="1.5"/><circle cx="7.5" cy="8" r="1.6" fill="currentColor"/><path d="M3 15l4.5-4.5 3 3 2.5-2.5 4 4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/></svg>
          </button>
          <input id="file-input" type="file" accept="image/*" class="visually-hidden" tabindex="-1"
            @change=${(/** @type {Event} */ e) => onFile(c, e)}>
          <span class="counter ${n > MAX_CHARS ? "over" : ""}">${n > MAX_CHARS - 500 ? `${n}/${MAX_CHARS}` : ""}</span>
          <button type="button" id="send" class="btn primary ${c.draft.trim() ? "" : "idle"}" @click=${() => { sendText(c); focusComposer(); }}>${t("send")}</button>
        </div>
      </div>
    </div>
  `;
}

/** @param {Conversation} c */
function cannedView(c) {
  const cn = state.canned;
  const list = cannedMatches();
  const index = Math.min(cn.index, Math.max(0, list.length - 1));
  let body;
  if (!cn.items) {
    body = html`<p class="canned-empty">${cn.loading ? t("loading") : t("cannedNone")}</p>`;
  } else if (!cn.items.length) {
    body = html`<p class="canned-empty">${t("cannedNone")}</p>`;
  } else if (!list.length) {
    body = html`<p class="canned-empty">${t("cannedEmpty")}</p>`;
  } else {
    body = html`<ul class="canned-list" role="listbox" aria-label=${t("cannedTitle")}>
      ${list.map(
        (item, i) => html`
          <li class="canned-item ${i === index ? "selected" : ""}" role="option" aria-selected=${i === index ? "true" : "false"}
            data-item-id=${item.item_id}
            @mousedown=${(/** @type {Event} */ e) => e.preventDefault()}
            @mouseenter=${() => { cn.index = i; update(); }}
            @click=${() => insertCanned(c, item)}>
            <span class="canned-q">${item.question || item.content}</span>
            <span class="canned-c">${item.content}</span>
            <span class="canned-t">${item.title}</span>
          </li>
        `,
      )}
    </ul>`;
  }
  return html`
    <div id="canned" class="canned" role="dialog" aria-label=${t("cannedTitle")}>
      <div class="canned-head"><span>${t("cannedTitle")}</span><span class="canned-hint">${t("cannedHint")}</span></div>
      ${body}
    </div>
  `;
}
