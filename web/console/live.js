// The agent's socket (/ws): events keep the lists, the open conversation
// and the colleagues' statuses current. Stored events are replayed by
// cursor after a reconnect; live ones are not, so the lists are reloaded
// then.
import { LiveSocket } from "../shared/socket.js";
import { api } from "./api.js";
import { state, update, conversation, onScreen } from "./state.js";
import { t } from "./i18n.js";
import { str } from "./util.js";
import {
  addPending, removePending, addMine, removeMine, loadPending, loadMine, setPreview, claimedHere,
} from "./inbox.js";
import { insertMessage, markRead, loadInfo, refreshTail, openConversation, agentName } from "./conversation.js";
import { onAck, onSocketError, settleOwn } from "./composer.js";
import { beep, notify } from "./alerts.js";

/** @type {LiveSocket | null} */
let socket = null;
let hellos = 0;
let lastCheck = 0;
/** @type {() => void} */
let ended = () => {};

/** @param {() => void} onEnded the session is over (close 4001) */
export function connect(onEnded) {
  disconnect();
  const token = state.session?.token;
  if (!token) return;
  ended = onEnded;
  hellos = 0;
  const s = new LiveSocket({
    session: token,
    onEvent: (ev) => {
      if (socket !== s) return;
      try {
        handle(ev);
      } catch (e) {
        console.error("kefu: event", ev.event, e);
      }
    },
    onState: (st) => {
      if (socket !== s) return;
      if (st === "open") state.connection = "open";
      else if (st === "offline" || st === "ended") state.connection = "offline";
      if (st === "offline") checkSession();
      update();
    },
    onEnded: () => {
      if (socket === s) ended();
    },
  });
  socket = s;
  s.connect();
}

export function disconnect() {
  socket?.close();
  socket = null;
}

/** @param {Record<string, unknown>} frame @returns {boolean} sent */
export function sendFrame(frame) {
  return socket ? socket.send(frame) : false;
}

export function socketOpen() {
  return !!socket?.ws && socket.ws.readyState === WebSocket.OPEN && state.connection === "open";
}

/**
 * While offline: is it the network, or did the session end? A refused
 * upgrade looks the same to a browser (close 1006), so ask over HTTP: 2001
 * signs out (api.js). (A cursor the server refuses, LiveSocket drops by
 * itself; the lists and the open conversation reload at every hello.)
 */
function checkSession() {
  if (Date.now() - lastCheck < 5000) return;
  lastCheck = Date.now();
  api("GET", "/v1/console/me").catch(() => {});
}

const STORED = new Set(["message", "assigned", "quit", "finish_requested", "finished", "timed_out", "reopened", "transferred", "rated", "notice"]);

/** @param {import("../shared/socket.js").KefuEvent} ev */
function handle(ev) {
  const me = state.session?.serv_id;
  if (!me) return;
  if (STORED.has(ev.event)) {
    stored(ev, me);
    update();
    return;
  }
  switch (ev.event) {
    case "hello": {
      // Live events are not replayed: the lists again, at every (re)connect
      // (the first one too, for what happened while the socket was opening).
      loadPending();
      loadMine();
      const c = hellos++ > 0 && state.openId ? state.conversations.get(state.openId) : undefined;
      if (c) {
        loadInfo(c);
        refreshTail(c);
      }
      break;
    }
    case "question_created": {
      if (ev.status !== undefined && ev.status !== 1) break;
      const fresh = addPending({ question_id: ev.question_id, title: ev.title, user_id: ev.user_id, timestamp: Date.now() / 1000 });
      if (fresh) {
        beep();
        const name = str(ev.user_id);
        notify(t("newQuestion", { name }), str(ev.title), `q-${ev.question_id}`, () => openConversation(ev.question_id));
      }
      break;
    }
    case "question_status": {
      const id = str(ev.question_id);
      const status = ev.status;
      const serv = ev.serv_id ?? "";
      if (status === 1) {
        addPending({ question_id: id });
      } else {
        removePending(id);
      }
      if (status === 2 && serv === me) addMine(id);
      else removeMine(id);
      const c = state.conversations.get(id);
      if (c?.info) {
        c.info = {
          ...c.info,
          status_code: status,
          serv_id: serv ?? "",
          serv_name: serv ? agentName(serv) : "",
        };
        loadInfo(c);
      }
      break;
    }
    case "agent_status": {
      if (ev.module !== undefined && ev.module !== 2) break;
      const serv = str(ev.serv_id);
      const a = state.agents.get(serv);
      if (a) state.agents.set(serv, { ...a, state: str(ev.state), accepting: !!ev.accepting });
      else if (serv && serv !== me) {
        state.agents.set(serv, { serv_id: serv, name: serv, state: str(ev.state), accepting: !!ev.accepting, serving: 0, max_chats: 0, departments: [] });
      }
      if (serv === me && state.me) state.me = { ...state.me, state: str(ev.state), accepting: !!ev.accepting };
      break;
    }
    case "typing": {
      if (ev.sender_type !== 1) break;
      const c = state.conversations.get(str(ev.question_id));
      if (!c) break;
      c.typingUntil = Date.now() + 4000;
      setTimeout(update, 4100);
      break;
    }
    case "read": {
      if (ev.sender_type !== 1) break;
      const c = state.conversations.get(str(ev.question_id));
      const id = str(ev.message_id);
      if (c && id > c.customerRead) c.customerRead = id;
      break;
    }
    case "ack":
      onAck(ev);
      break;
    case "error":
      onSocketError(ev);
      break;
    default:
      break;
  }
  update();
}

/**
 * A stored event of a conversation I serve (or served).
 * @param {import("../shared/socket.js").KefuEvent} ev
 * @param {string} me
 */
function stored(ev, me) {
  const id = str(ev.question_id);
  const m = ev.message;
  if (!id || !m || typeof m.message_id !== "string") return;
  const cached = state.conversations.get(id);
  const isNew = cached ? insertMessage(cached, m) : true;
  if (cached && m.sender_type === 2 && m.sender === me) settleOwn(cached, m);

  if (ev.event === "message") {
    const s = state.mine.get(id);
    if (s && isNew && (!s.last_mess_timestamp || m.timestamp >= s.last_mess_timestamp - 1)) setPreview(s, m);
    if (m.sender_type !== 1) return;
    if (cached) cached.typingUntil = 0;
    // Not in my list yet (the list is loading, or routing just gave it to
    // me): the server says whose it is.
    const known = s ? Promise.resolve() : loadInfo(cached ?? conversation(id));
    if (onScreen(id)) {
      if (cached) markRead(cached);
    } else if (isNew) {
      known.then(() => {
        const line = state.mine.get(id);
        if (!line || onScreen(id)) return;
        line.unread++;
        update();
      });
      beep();
      const name = s?.user_name || s?.user_id || t("customer");
      const text = m.type === 2 ? t("imagePreview") : m.type === 1 ? t("audioPreview") : str(m.text);
      notify(t("newMessage", { name, text }), "", `m-${id}`, () => openConversation(id));
    }
    return;
  }

  // A notice: the conversation's state changed.
  switch (ev.event) {
    case "assigned":
      removePending(id);
      if (m.sender === me) {
        const fresh = addMine(id);
        if (fresh && !claimedHere.has(id)) {
          beep();
          notify(t("newQuestion", { name: "" }), "", `q-${id}`, () => openConversation(id));
        }
        claimedHere.delete(id);
      }
      break;
    case "finished":
    case "timed_out":
      removeMine(id);
      removePending(id);
      break;
    default:
      break;
  }
  // Whose it is now, and in which state: as the server says.
  loadInfo(cached ?? conversation(id));
}
