// The one app state object, and the render loop: every change calls
// update(), which renders the whole view once in the next microtask
// (lit-html only touches what changed).

/** @typedef {import("./types.js").Session} Session */
/** @typedef {import("./types.js").Me} Me */
/** @typedef {import("./types.js").Agent} Agent */
/** @typedef {import("./types.js").Department} Department */
/** @typedef {import("./types.js").Summary} Summary */
/** @typedef {import("./types.js").Conversation} Conversation */
/** @typedef {import("./types.js").TransferDialog} TransferDialog */
/** @typedef {import("./types.js").CannedItem} CannedItem */

const SESSION_KEY = "kefu.console.session";

export const state = {
  /** @type {Session | null} */
  session: loadSession(),
  login: {
    account: "",
    password: "",
    /** @type {unknown} a catalog key, or an Error */
    error: /** @type {unknown} */ (null),
    busy: false,
  },
  /** @type {Me | null} */
  me: null,
  /** @type {Map<string, Agent>} */
  agents: new Map(),
  /** @type {Department[]} */
  departments: [],
  /** "starting" until the first hello; "offline" while disconnected after that */
  connection: /** @type {"starting" | "open" | "offline"} */ ("starting"),
  /** @type {Map<string, Summary>} */
  pending: new Map(),
  pendingLoaded: false,
  pendingError: /** @type {unknown} */ (null),
  /** @type {Set<string>} questions being claimed */
  claiming: new Set(),
  /** @type {Map<string, Summary>} */
  mine: new Map(),
  mineLoaded: false,
  mineError: /** @type {unknown} */ (null),
  /** @type {Map<string, Conversation>} */
  conversations: new Map(),
  /** @type {string | null} */
  openId: null,
  /** @type {TransferDialog | null} */
  transfer: null,
  canned: {
    open: false,
    query: "",
    index: 0,
    /** @type {CannedItem[] | null} */
    items: null,
    loading: false,
  },
  /** unix seconds, moved every 15 s so that waiting times count up */
  now: Date.now() / 1000,
  visible: document.visibilityState === "visible",
  teamOpen: false,
  sound: localStorage.getItem("kefu.console.sound") !== "off",
  notifyPermission: typeof Notification === "undefined" ? "unsupported" : Notification.permission,
  /** @type {{ id: number, text: string, kind: "info" | "error" }[]} */
  toasts: [],
  dragging: false,
};

/** @returns {Session | null} */
function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw);
    if (s && typeof s.token === "string" && typeof s.serv_id === "string") return s;
  } catch {
    // a broken entry: sign in again
  }
  return null;
}

/** @param {Session | null} session */
export function saveSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** @type {(() => void) | null} */
let renderer = null;
let scheduled = false;
/** @type {(() => void)[]} */
let after = [];

/** @param {() => void} fn renders the whole view */
export function setRenderer(fn) {
  renderer = fn;
}

/** Renders soon (once per microtask, however many changes). */
export function update() {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(flush);
}

/** Runs `fn` after the next render (for scroll positions, focus). */
export function afterRender(fn) {
  after.push(fn);
  update();
}

function flush() {
  scheduled = false;
  renderer?.();
  const fns = after;
  after = [];
  for (const fn of fns) fn();
}

let toastIds = 0;
/**
 * A short message at the bottom of the screen for a few seconds.
 * @param {string} text
 * @param {"info" | "error"} [kind]
 */
export function toast(text, kind = "info") {
  const id = ++toastIds;
  state.toasts = [...state.toasts.slice(-2), { id, text, kind }];
  update();
  setTimeout(() => {
    state.toasts = state.toasts.filter((x) => x.id !== id);
    update();
  }, 4500);
}

/** @param {string} id */
export function conversation(id) {
  let c = state.conversations.get(id);
  if (!c) {
    c = {
      id,
      info: null,
      infoError: "",
      messages: new Map(),
      ids: [],
      loaded: false,
      loadError: "",
      loadingOlder: false,
      hasOlder: false,
      customerRead: "",
      typingUntil: 0,
      draft: "",
      outbox: new Map(),
      lastReadSent: "",
      history: null,
      confirmFinish: false,
      busy: "",
      actionError: "",
      composerError: null,
      lastTypingSent: 0,
    };
    state.conversations.set(id, c);
  }
  return c;
}

/** Whether I serve the question now (so I can send and act). @param {Conversation} c */
export function servedByMe(c) {
  return !!c.info && c.info.status_code === 2 && c.info.serv_id === state.session?.serv_id;
}

/** Whether the conversation is open and the agent can see it. @param {string} id */
export function onScreen(id) {
  return state.openId === id && state.visible;
}
