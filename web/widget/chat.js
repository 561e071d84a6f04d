// The customer chat (/chat?api_key=...): on its own page, or in the iframe
// that /widget.js adds to a tenant's site (embed=1). One state object; the
// view is rendered again after every change.
import { render } from "../vendor/lit-html/lit-html.js";
import { ApiError, NetworkError } from "../shared/http.js";
import { LiveSocket } from "../shared/socket.js";
import { createI18n } from "../shared/i18n.js";
import { ImageRefused, jpegBase64 } from "../shared/image.js";
import zh from "./i18n/zh.js";
import en from "./i18n/en.js";
import * as api from "./conversation.js";
import { forgetSaved, loadSaved, save } from "./storage.js";
import { Timeline, isChat } from "./timeline.js";
import { view } from "./view.js";

/**
 * @typedef {import("./view.js").State} State
 * @typedef {import("./view.js").Actions} Actions
 * @typedef {import("./conversation.js").Message} Message
 * @typedef {import("./conversation.js").Connected} Connected
 * @typedef {import("../shared/socket.js").KefuEvent} KefuEvent
 */

const params = new URLSearchParams(location.search);
const apiKey = params.get("api_key") ?? "";
const departmentParam = params.get("department_id") ?? "";
const departmentId = /^\d{1,18}$/.test(departmentParam) ? departmentParam : undefined;
const embed = params.get("embed") === "1";

const i18n = makeI18n();
const t = i18n.t;
document.title = t("title");
if (embed) document.documentElement.classList.add("embed");

/** How long the agent's typing shows after its last `typing` (ms). */
const TYPING_SHOWN = 4000;
/** At most one `typing` frame per this many ms. */
const TYPING_EVERY = 2000;
/** A socket send not acknowledged by then goes over HTTP too (idempotent). */
const ACK_WAIT = 8000;

/** What one conversation's view starts from (again at every new one). */
const FRESH_CONVERSATION = {
  offline: false,
  agentName: "",
  typing: false,
  readUpTo: "",
  confirmingEnd: false,
  ending: false,
  composerError: "",
  hasMore: false,
  loadingOlder: false,
  newBelow: false,
  /** @type {State["csat"]} the rating card: hidden until a served conversation ends */
  csat: "hidden",
  csatScore: 0,
  csatComment: "",
  csatError: "",
};

/** @type {State} */
const state = {
  ...FRESH_CONVERSATION,
  phase: "connecting",
  errorKey: "connectFailed",
  embed,
  welcome: "",
  agentId: "",
  waiting: false,
  wait: 0,
  endReason: "finished",
  lightbox: "",
  dragging: false,
  draft: "",
  names: new Map(),
};

let timeline = new Timeline();
/** @type {Connected | null} */
let conv = null;
/** @type {LiveSocket | null} */
let socket = null;
/** Bumped at every (re)start: answers for an older conversation are ignored. */
let generation = 0;
let socketWasOpen = false;
/** Whether this conversation's socket said hello before (a later hello is a reconnect). */
let socketResumed = false;
let lastTypingSent = 0;
let lastReadSent = "";
let unread = 0;
/** In the embed: whether the loader shows the panel. */
let panelOpen = true;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let typingTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let errorTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let connectRetry;
let connectAttempt = 0;

// ---- rendering ----------------------------------------------------------

const root = /** @type {HTMLElement} */ (document.getElementById("chat"));
root.textContent = "";
let queued = false;
/** Whether the list was at its end before the change (then it stays there). */
let stick = true;
/** @type {{ height: number, top: number } | null} */
let keepPlace = null;

function update() {
  if (queued) return;
  queued = true;
  const list = timelineEl();
  if (list) stick = stick || atBottom(list);
  queueMicrotask(paint);
}

function paint() {
  queued = false;
  if (stick) state.newBelow = false;
  render(view(state, timeline, t, actions), root);
  const list = timelineEl();
  if (list) {
    if (keepPlace) {
      list.scrollTop = list.scrollHeight - keepPlace.height + keepPlace.top;
      keepPlace = null;
    } else if (stick) {
      list.scrollTop = list.scrollHeight;
    }
  }
  stick = false;
  growComposer();
  sendRead();
}

function timelineEl() {
  return document.getElementById("timeline");
}

function composerEl() {
  return /** @type {HTMLTextAreaElement | null} */ (document.getElementById("composer"));
}

/** @param {HTMLElement} el */
function atBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
}

function growComposer() {
  const el = composerEl();
  if (!el) return;
  el.style.height = "auto";
  el.style.height = `${el.scrollHeight}px`;
}

// ---- connecting -----------------------------------------------------------

async function start() {
  const gen = ++generation;
  clearTimeout(connectRetry);
  if (!apiKey) {
    state.phase = "error";
    state.errorKey = "noKey";
    update();
    return;
  }
  state.phase = "connecting";
  update();
  let c;
  try {
    c = await api.connect({ apiKey, departmentId, saved: loadSaved(apiKey) });
  } catch (e) {
    if (gen !== generation) return;
    const network = e instanceof NetworkError;
    if (network || (e instanceof ApiError && e.httpStatus >= 500 && connectAttempt < 4)) {
      // Keep trying: the network (or the server) will be back.
      state.offline = network;
      const wait = Math.min(15000, 1000 * 2 ** connectAttempt++);
      connectRetry = setTimeout(start, wait);
    } else {
      state.phase = "error";
      state.errorKey = e instanceof ApiError && e.httpStatus === 401 ? "badKey" : "connectFailed";
    }
    update();
    return;
  }
  if (gen !== generation) return;
  connectAttempt = 0;
  conv = c;
  save(apiKey, c);
  Object.assign(state, {
    ...FRESH_CONVERSATION,
    phase: "ready",
    welcome: c.template,
    agentId: c.agent_id,
    waiting: !c.agent_id,
    wait: c.agent_id ? 0 : c.wait,
  });
  stick = true;
  update();
  openSocket(c, gen);
  if (c.agent_id) refreshAgent(gen);
  loadLatest(gen);
}

/** @param {Connected} c @param {number} gen */
function openSocket(c, gen) {
  socketWasOpen = false;
  socket = new LiveSocket({
    session: c.token,
    onEvent: (e) => gen === generation && onEvent(e, gen),
    onState: (s) => {
      if (gen !== generation) return;
      const offline = s === "offline" || (s === "connecting" && socketWasOpen);
      if (s === "open") socketWasOpen = true;
      if (offline !== state.offline) {
        state.offline = offline;
        update();
      }
    },
    onEnded: () => {
      if (gen !== generation) return;
      end("finished");
    },
  });
  socket.connect();
}

function teardown() {
  generation++;
  socket?.close();
  socket = null;
  conv = null;
  timeline = new Timeline();
  state.names = new Map();
  lastReadSent = "";
  socketResumed = false;
  clearTimeout(typingTimer);
  setUnread(0);
}

/** @param {State["endReason"]} reason */
function end(reason) {
  if (state.phase === "ended") return;
  state.phase = "ended";
  state.endReason = reason;
  state.wait = 0;
  state.waiting = false;
  state.typing = false;
  state.confirmingEnd = false;
  state.composerError = "";
  // Messages still on their way will not be taken any more.
  for (const p of timeline.unsent()) p.state = "failed";
  stick = true;
  update();
  offerRating(generation);
}

// ---- rating -------------------------------------------------------------------

/**
 * After the end: the rating card, if an agent served the conversation and
 * the customer has not rated it yet (the server knows both).
 * @param {number} gen
 */
async function offerRating(gen) {
  const c = conv;
  if (!c) return;
  let q;
  try {
    q = await api.question(c);
  } catch {
    return; // no card rather than a card that cannot be sent
  }
  if (gen !== generation || state.phase !== "ended" || state.csat !== "hidden") return;
  if (q.status_code !== 3 || !q.serv_id || q.rating) return;
  state.csat = "ask";
  stick = true;
  update();
}

async function submitRating() {
  const c = conv;
  if (!c || state.csat !== "ask" || state.csatScore < 1) return;
  state.csat = "sending";
  state.csatError = "";
  update();
  try {
    await api.rate(c, state.csatScore, state.csatComment.trim());
    if (conv !== c) return;
    state.csat = "done";
  } catch (e) {
    if (conv !== c) return;
    if (e instanceof ApiError && e.code === 4012) {
      state.csat = "done"; // rated already (another tab): thanks all the same
    } else {
      state.csat = "ask";
      state.csatError = ratingError(e);
    }
  }
  stick = true;
  update();
}

/** @param {unknown} e */
function ratingError(e) {
  if (e instanceof ApiError && e.code === 1002) {
    return e.field === "comment" ? t("csatCommentTooLong", { max: api.MAX_COMMENT }) : t("csatPickScore");
  }
  return t("csatFailed");
}

/** Who serves the conversation now (after assigned, transferred, a reconnect). @param {number} gen */
async function refreshAgent(gen) {
  if (!conv) return;
  try {
    const q = await api.question(conv);
    if (gen !== generation) return;
    if (q.status_code === 3) {
      end("finished");
      return;
    }
    if (q.status_code === 2) {
      state.agentId = q.serv_id;
      state.agentName = q.serv_name || q.serv_id;
      state.waiting = false;
      state.wait = 0;
      if (q.serv_id) state.names.set(q.serv_id, state.agentName);
    } else if (q.status_code === 1) {
      state.agentId = "";
      state.agentName = "";
      state.waiting = true;
    }
    update();
  } catch {
    // the next event or reconnect will tell
  }
}

// ---- history ----------------------------------------------------------------

/** @param {number} gen */
async function loadLatest(gen) {
  if (!conv) return;
  try {
    const page = await api.history(conv);
    if (gen !== generation) return;
    const first = timeline.byId.size === 0;
    for (const m of page) timeline.add(m);
    if (first) state.hasMore = page.length >= api.PAGE;
    stick = stick || first;
    update();
  } catch {
    // shown as it comes over the socket; a reconnect loads it again
  }
}

async function loadOlder() {
  if (!conv || !state.hasMore || state.loadingOlder) return;
  const before = timeline.oldestId();
  if (!before) return;
  const gen = generation;
  state.loadingOlder = true;
  update();
  try {
    const page = await api.history(conv, before);
    if (gen !== generation) return;
    const list = timelineEl();
    if (list) keepPlace = { height: list.scrollHeight, top: list.scrollTop };
    for (const m of page) timeline.add(m);
    state.hasMore = page.length >= api.PAGE;
  } catch {
    // try again at the next scroll to the top
  } finally {
    if (gen === generation) {
      state.loadingOlder = false;
      update();
    }
  }
}

// ---- events -------------------------------------------------------------------

/** @param {KefuEvent} e @param {number} gen */
function onEvent(e, gen) {
  if (!conv) return;
  if (e.event === "hello") {
    onHello(gen);
    return;
  }
  if (typeof e.question_id === "string" && e.question_id !== conv.rid) return;
  const m = api.isMessage(e.message) ? e.message : null;
  if (m) addLive(m);
  switch (e.event) {
    case "assigned":
      state.waiting = false;
      state.wait = 0;
      if (m) state.agentId = m.sender;
      refreshAgent(gen);
      break;
    case "transferred":
    case "reopened":
      refreshAgent(gen);
      break;
    case "quit":
      state.agentId = "";
      state.agentName = "";
      state.waiting = true;
      state.typing = false;
      break;
    case "finished":
      // Sent by the customer: this visitor ended it (here or in another tab).
      end(state.ending || m?.sender_type === 1 ? "mine" : "finished");
      break;
    case "timed_out":
      end("timed_out");
      break;
    case "rated":
      // Rated here or in another tab: the card thanks instead of asking.
      if (state.csat !== "hidden") state.csat = "done";
      break;
    case "queue_position":
      if (typeof e.wait === "number") {
        state.wait = Math.max(0, e.wait);
        if (e.wait > 0) state.waiting = true;
      }
      break;
    case "typing":
      if (e.sender_type === 2) showTyping();
      break;
    case "read":
      if (e.sender_type === 2 && typeof e.message_id === "string" && e.message_id > state.readUpTo) {
        state.readUpTo = e.message_id;
      }
      break;
    case "ack":
      if (typeof e.ref === "string" && typeof e.message_id === "string") timeline.accepted(e.ref, e.message_id);
      break;
    case "error":
      if (typeof e.ref === "string") timeline.failed(e.ref);
      if (e.error === 4002) end("finished");
      break;
  }
  update();
}

/** A live message: shown once, counted as unread while nobody looks. @param {Message} m */
function addLive(m) {
  if (!timeline.add(m)) return;
  if (m.sender_type === 1 && isChat(m)) {
    stick = true;
    return;
  }
  if (isChat(m)) {
    state.typing = false;
    if (!visible()) setUnread(unread + 1);
  }
  const list = timelineEl();
  if (list && !atBottom(list)) state.newBelow = true;
}

/** @param {number} gen */
function onHello(gen) {
  const reconnect = socketResumed;
  socketResumed = true;
  // Fill any gap (the first connect starts at "now"), then resend what the
  // server has not taken (client_msg_id makes that safe).
  loadLatest(gen);
  if (reconnect) refreshAgent(gen);
  for (const p of timeline.unsent()) if (p.kind === "text" && p.state === "sending") deliver(p);
  lastReadSent = "";
  update();
}

function showTyping() {
  state.typing = true;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    state.typing = false;
    update();
  }, TYPING_SHOWN);
}

// ---- visibility, read receipts, unread badge ---------------------------------

function visible() {
  return document.visibilityState === "visible" && (!embed || panelOpen);
}

function sendRead() {
  if (!conv || !socket || !visible() || state.phase === "connecting") return;
  const newest = timeline.newestFromAgent();
  if (!newest || newest.message_id <= lastReadSent) return;
  if (socket.send({ type: "read", question_id: conv.rid, message_id: newest.message_id })) {
    lastReadSent = newest.message_id;
  }
}

/** @param {number} n */
function setUnread(n) {
  unread = n;
  if (embed) {
    window.parent.postMessage({ kefu: "unread", count: n }, "*");
  } else {
    document.title = n ? t("unreadTitle", { n, title: t("title") }) : t("title");
  }
}

function seen() {
  if (visible()) {
    if (unread) setUnread(0);
    update();
  }
}

document.addEventListener("visibilitychange", seen);
window.addEventListener("message", (e) => {
  if (e.source !== window.parent || !e.data || typeof e.data !== "object") return;
  if (e.data.kefu === "open") {
    panelOpen = !!e.data.open;
    if (panelOpen) {
      seen();
      if (matchMedia("(pointer: fine)").matches) composerEl()?.focus();
    }
  }
});
window.addEventListener("keydown", (e) => {
  if (e.key !== "Escape") return;
  if (state.lightbox) actions.closeImage();
  else if (state.confirmingEnd) actions.cancelEnd();
  else if (embed) actions.close();
});

// ---- sending --------------------------------------------------------------------

/** @param {string} key */
function showError(key) {
  state.composerError = key;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => {
    state.composerError = "";
    update();
  }, 6000);
  update();
}

function sendDraft() {
  const el = composerEl();
  const text = (el ? el.value : state.draft).replace(/^\s*\n|\s+$/g, "");
  if (!text.trim() || !conv || state.phase !== "ready") return;
  if ([...text].length > api.MAX_TEXT) {
    showError(t("tooLong", { max: api.MAX_TEXT }));
    return;
  }
  state.draft = "";
  if (el) el.value = "";
  state.composerError = "";
  const p = timeline.addPending({ key: api.clientMsgId(), kind: "text", text, preview: "", base64: "" });
  stick = true;
  deliver(p);
  update();
}

/** Over the socket when it is open, else (or when no answer comes) over HTTP. @param {import("./timeline.js").Pending} p */
function deliver(p) {
  if (!conv) return;
  p.state = "sending";
  if (p.kind === "image") {
    deliverImage(p);
    return;
  }
  const c = conv;
  const sent = socket?.send({ type: "send", ref: p.key, question_id: c.rid, text: p.text, client_msg_id: p.key });
  if (!sent) {
    deliverHttp(p, c);
    return;
  }
  setTimeout(() => {
    if (conv === c && timeline.findPending(p.key) === p && !p.message_id && p.state === "sending") {
      deliverHttp(p, c);
    }
  }, ACK_WAIT);
}

/** @param {import("./timeline.js").Pending} p @param {Connected} c */
async function deliverHttp(p, c) {
  try {
    const id = await api.sendText(c, p.text, p.key);
    if (conv !== c) return;
    settled(p, c, { message_id: id, type: 3, text: p.text });
  } catch (e) {
    if (conv !== c) return;
    if (e instanceof NetworkError) {
      // Offline: the reconnect sends it again.
      update();
      return;
    }
    timeline.failed(p.key);
    if (e instanceof ApiError && e.code === 4002) end("finished");
    update();
  }
}

/**
 * The server took a message: show it as stored (once; its own event may
 * have come first, or come later, or never if the socket is down).
 * @param {import("./timeline.js").Pending} p @param {Connected} c
 * @param {{ message_id: string, type: number, text?: string, image_url?: string }} m
 */
function settled(p, c, m) {
  if (!m.message_id) return;
  timeline.accepted(p.key, m.message_id);
  if (timeline.findPending(p.key)) {
    timeline.add({ sender: c.user_id, sender_type: 1, timestamp: Date.now() / 1000, ...m });
  }
  stick = true;
  update();
}

/** @param {File[]} files */
async function sendFiles(files) {
  if (!conv || state.phase !== "ready") return;
  for (const file of files) {
    let base64;
    try {
      base64 = await jpegBase64(file);
    } catch (e) {
      if (e instanceof ImageRefused) showError(t(e.reason === "too_large" ? "tooLarge" : "notImage"));
      else showError(t("imageFailed"));
      continue;
    }
    if (!conv || state.phase !== "ready") return;
    const p = timeline.addPending({
      key: api.clientMsgId(),
      kind: "image",
      text: "",
      preview: URL.createObjectURL(file),
      base64,
    });
    state.composerError = "";
    stick = true;
    update();
    deliverImage(p);
  }
}

/** @param {import("./timeline.js").Pending} p */
async function deliverImage(p) {
  const c = conv;
  if (!c) return;
  p.state = "sending";
  update();
  try {
    const a = await api.sendImage(c, p.base64);
    if (conv !== c) return;
    p.base64 = "";
    settled(p, c, { message_id: a.message_id, type: 2, image_url: a.image_url });
  } catch (e) {
    if (conv !== c) return;
    timeline.failed(p.key);
    if (e instanceof ApiError && e.code === 4002) end("finished");
    else showError(t("imageFailed"));
    update();
  }
}

// ---- what the view can do ----------------------------------------------------------

/** @type {Actions} */
const actions = {
  close() {
    window.parent.postMessage({ kefu: "close" }, "*");
  },
  askEnd() {
    state.confirmingEnd = true;
    update();
  },
  cancelEnd() {
    state.confirmingEnd = false;
    update();
  },
  async confirmEnd() {
    const c = conv;
    if (!c || state.ending) return;
    state.ending = true;
    update();
    try {
      await api.shutdown(c);
      if (conv !== c) return;
      end("mine");
    } catch {
      if (conv !== c) return;
      state.confirmingEnd = false;
      showError(t("endFailed"));
    } finally {
      if (conv === c) {
        state.ending = false;
        update();
      }
    }
  },
  newChat() {
    forgetSaved(apiKey);
    teardown();
    state.agentId = "";
    state.agentName = "";
    state.draft = "";
    start();
  },
  retryConnect() {
    connectAttempt = 0;
    start();
  },
  onScroll(e) {
    const el = /** @type {HTMLElement} */ (e.currentTarget);
    if (el.scrollTop < 80) loadOlder();
    if (state.newBelow && atBottom(el)) {
      state.newBelow = false;
      update();
    }
  },
  toBottom() {
    stick = true;
    state.newBelow = false;
    update();
  },
  onInput(e) {
    const el = /** @type {HTMLTextAreaElement} */ (e.currentTarget);
    state.draft = el.value;
    if (state.composerError) {
      state.composerError = "";
    }
    growComposer();
    const now = Date.now();
    if (conv && socket && el.value.trim() && now - lastTypingSent >= TYPING_EVERY) {
      if (socket.send({ type: "typing", question_id: conv.rid })) lastTypingSent = now;
    }
    update();
  },
  onKeydown(e) {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    sendDraft();
  },
  onPaste(e) {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    sendFiles(files);
  },
  send() {
    sendDraft();
    composerEl()?.focus();
  },
  pickImage() {
    document.getElementById("file-input")?.click();
  },
  onFile(e) {
    const input = /** @type {HTMLInputElement} */ (e.currentTarget);
    const files = [...(input.files ?? [])];
    input.value = "";
    sendFiles(files);
  },
  resend(key) {
    const p = timeline.findPending(key);
    if (p && state.phase === "ready") {
      deliver(p);
      update();
    }
  },
  openImage(url) {
    state.lightbox = url;
    update();
  },
  closeImage() {
    state.lightbox = "";
    update();
  },
  imageLoaded() {
    const list = timelineEl();
    if (list && !keepPlace && list.scrollHeight - list.scrollTop - list.clientHeight < 400 && !state.newBelow) {
      list.scrollTop = list.scrollHeight;
    }
  },
  onDragOver(e) {
    if (state.phase !== "ready" || !e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    if (!state.dragging) {
      state.dragging = true;
      update();
    }
  },
  onDragLeave(e) {
    if (e.relatedTarget && root.contains(/** @type {Node} */ (e.relatedTarget))) return;
    state.dragging = false;
    update();
  },
  onDrop(e) {
    e.preventDefault();
    state.dragging = false;
    update();
    sendFiles([...(e.dataTransfer?.files ?? [])]);
  },
  rateScore(score) {
    if (state.csat !== "ask") return;
    state.csatScore = score;
    state.csatError = "";
    update();
  },
  rateComment(e) {
    state.csatComment = /** @type {HTMLTextAreaElement} */ (e.currentTarget).value;
    if (state.csatError) state.csatError = "";
    update();
  },
  rateSubmit() {
    submitRating();
  },
};

// ---- language -------------------------------------------------------------------

/** Chinese unless `lang=en` or the browser prefers another language. */
function makeI18n() {
  const asked = params.get("lang");
  const browser = (navigator.languages?.[0] ?? navigator.language ?? "zh").toLowerCase();
  /** @type {"zh" | "en"} */
  const lang = asked === "en" ? "en" : asked === "zh" ? "zh" : browser.startsWith("zh") ? "zh" : "en";
  try {
    const i = createI18n({ zh, en }, "kefu.widget.lang");
    if (i.lang !== lang) i.setLang(lang);
    return i;
  } catch {
    // no localStorage (blocked storage): the same catalogs, not remembered
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    const catalog = lang === "en" ? en : zh;
    return {
      lang,
      /** @param {keyof typeof zh} key @param {Record<string, string | number>} [vars] */
      t(key, vars) {
        return catalog[key].replace(/\{(\w+)\}/g, (_, name) => String(vars?.[name] ?? ""));
      },
    };
  }
}

start();
