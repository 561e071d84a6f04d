// The customer's side of kefu's HTTP API: connect (or resume), history,
// sending, the agent's name, ending, rating. See docs/api/customers.md and
// docs/api/question-chat.md.
import { ApiError, call } from "../shared/http.js";

/** Messages per history page. */
export const PAGE = 30;
/** The longest text kefu takes (characters). */
export const MAX_TEXT = 5000;

const ID = /^[0-9a-f]{24}$/i;

/**
 * @typedef {import("./storage.js").Saved} Saved
 * @typedef {Saved & { agent_id: string, wait: number, template: string, resumed: boolean }} Connected
 * @typedef {{
 *   message_id: string, sender: string, sender_type: number, timestamp: number,
 *   type: number, text?: string, image_url?: string, audio_url?: string,
 *   audio_len?: number, action?: number,
 * }} Message
 * @typedef {{ score: number, comment: string, created_at: number }} Rating
 * @typedef {{ status_code: number, serv_id: string, serv_name: string, rating: Rating | null }} QuestionInfo
 */

/** The longest comment a rating takes (characters). */
export const MAX_COMMENT = 500;

/**
 * Resumes the saved conversation when it is still open, else starts a new
 * one (a resume that answers another `rid` started a new one too).
 * @param {{ apiKey: string, departmentId?: string, saved: Saved | null }} args
 * @returns {Promise<Connected>}
 */
export async function connect({ apiKey, departmentId, saved }) {
  if (saved) {
    try {
      const answer = await call("POST", "/customers/client_connect", {
        token: saved.token,
        form: { api_key: apiKey, group_id: saved.rid },
      });
      return connected(answer, answer?.rid === saved.rid);
    } catch (e) {
      // A forgotten token or a refused rid: start afresh. A server or
      // network failure is not the visitor's fault: keep the saved one.
      if (!(e instanceof ApiError) || e.httpStatus >= 500) throw e;
    }
  }
  try {
    return connected(
      await call("POST", "/customers/client_connect", {
        form: { api_key: apiKey, department_id: departmentId },
      }),
      false,
    );
  } catch (e) {
    // A department the tenant no longer has: any agent will do.
    if (departmentId && e instanceof ApiError && e.httpStatus === 400) {
      return connect({ apiKey, saved: null });
    }
    throw e;
  }
}

/** @param {any} a @param {boolean} resumed @returns {Connected} */
function connected(a, resumed) {
  if (!a || typeof a.rid !== "string" || !ID.test(a.rid) || typeof a.token !== "string") {
    throw new ApiError(502, { status: "unexpected answer" });
  }
  return {
    rid: a.rid,
    token: a.token,
    user_id: String(a.user_id ?? ""),
    customer_name: String(a.customer_name ?? ""),
    agent_id: String(a.agent_id ?? ""),
    wait: Number(a.wait) || 0,
    template: typeof a.template === "string" ? a.template : "",
    resumed,
  };
}

/**
 * One page of history, newest first: the latest, or the page before
 * `before` (a message id).
 * @param {Saved} conv
 * @param {string} [before]
 * @returns {Promise<Message[]>}
 */
export async function history(conv, before) {
  const answer = await call("GET", `/v1/question/${conv.rid}/message`, {
    token: conv.token,
    query: { sort: -1, num: PAGE, message_id: before },
  });
  return Array.isArray(answer?.messages) ? answer.messages.filter(isMessage) : [];
}

/** @param {any} m @returns {m is Message} */
export function isMessage(m) {
  return (
    !!m &&
    typeof m.message_id === "string" &&
    typeof m.type === "number" &&
    typeof m.sender_type === "number"
  );
}

/**
 * Where the conversation stands: 1 waiting, 2 served, 3 finished.
 * @param {Saved} conv
 * @returns {Promise<QuestionInfo>}
 */
export async function question(conv) {
  const a = await call("GET", `/v1/question/${conv.rid}`, { token: conv.token });
  return {
    status_code: Number(a?.status_code) || 0,
    serv_id: String(a?.serv_id ?? ""),
    serv_name: String(a?.serv_name ?? ""),
    rating: asRating(a?.rating),
  };
}

/** @param {any} r @returns {Rating | null} */
function asRating(r) {
  if (!r || typeof r.score !== "number") return null;
  return { score: r.score, comment: String(r.comment ?? ""), created_at: Number(r.created_at) || 0 };
}

/**
 * The customer rates the finished conversation: `score` 1–5, an optional
 * comment. Once per conversation (4012 after that).
 * @param {Saved} conv @param {number} score @param {string} comment
 * @returns {Promise<Rating | null>}
 */
export async function rate(conv, score, comment) {
  const a = await call("POST", `/v1/question/${conv.rid}/rate`, {
    token: conv.token,
    form: { score, comment: comment || undefined },
  });
  return asRating(a?.rating);
}

/**
 * Sends a text over HTTP (when the socket is down). Idempotent by
 * `clientMsgId`.
 * @param {Saved} conv @param {string} text @param {string} clientMsgId
 * @returns {Promise<string>} the message id
 */
export async function sendText(conv, text, clientMsgId) {
  const a = await call("POST", `/v1/question/${conv.rid}/message/send_text`, {
    token: conv.token,
    form: { sender: conv.user_id, sender_type: 1, text, client_msg_id: clientMsgId },
  });
  return String(a?.message_id ?? "");
}

/**
 * Sends a picture (base64 JPEG, as image.js makes it).
 * @param {Saved} conv @param {string} jpeg
 * @returns {Promise<{ message_id: string, image_url: string }>}
 */
export async function sendImage(conv, jpeg) {
  const form = new FormData();
  form.append("sender", conv.user_id);
  form.append("sender_type", "1");
  form.append("image", jpeg);
  const a = await call("POST", `/v1/question/${conv.rid}/message/send_image`, {
    token: conv.token,
    form,
  });
  return { message_id: String(a?.message_id ?? ""), image_url: String(a?.image_url ?? "") };
}

/**
 * The customer ends the conversation.
 * @param {Saved} conv
 */
export async function shutdown(conv) {
  await call("POST", "/customers/shutdown_service", {
    token: conv.token,
    form: { group_id: conv.rid },
  });
}

/** A fresh `client_msg_id`: 1–64 printable ASCII. */
export function clientMsgId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "w" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
