// The conversation's messages, each once, in order: stored messages by id
// (24-hex ids are time-ordered, so sorting the ids sorts the messages),
// then the customer's own messages still on their way.

/**
 * @typedef {import("./conversation.js").Message} Message
 * @typedef {{
 *   key: string,
 *   kind: "text" | "image",
 *   text: string,
 *   preview: string,
 *   state: "sending" | "failed",
 *   message_id: string,
 *   timestamp: number,
 *   base64: string,
 * }} Pending
 */

/** @param {Message} m */
export function isChat(m) {
  return m.type === 1 || m.type === 2 || m.type === 3;
}

/** @param {Message} m */
export function isMine(m) {
  return m.sender_type === 1 && isChat(m);
}

export class Timeline {
  constructor() {
    /** @type {Map<string, Message>} */
    this.byId = new Map();
    /** @type {Pending[]} */
    this.pending = [];
    /** @type {Message[] | null} */
    this.cache = null;
  }

  /**
   * Adds a stored message; answers whether it was new. The customer's own
   * message takes the place of its pending copy.
   * @param {Message} m
   */
  add(m) {
    if (this.byId.has(m.message_id)) return false;
    this.byId.set(m.message_id, m);
    this.cache = null;
    if (isMine(m)) this.settle(m);
    return true;
  }

  /** @param {Message} m */
  settle(m) {
    let i = this.pending.findIndex((p) => p.message_id === m.message_id);
    if (i < 0) {
      const kind = m.type === 2 ? "image" : m.type === 3 ? "text" : null;
      i = this.pending.findIndex(
        (p) => !p.message_id && p.kind === kind && (kind === "image" || p.text === m.text),
      );
    }
    if (i >= 0) this.drop(i);
  }

  /** @param {number} i */
  drop(i) {
    const [p] = this.pending.splice(i, 1);
    if (p.preview) setTimeout(() => URL.revokeObjectURL(p.preview), 30000);
  }

  /** Every stored message, oldest first. */
  sorted() {
    if (!this.cache) {
      this.cache = [...this.byId.values()].sort((a, b) =>
        a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0,
      );
    }
    return this.cache;
  }

  /** The oldest stored message's id (the history cursor). */
  oldestId() {
    return this.sorted()[0]?.message_id;
  }

  /** The newest chat message from the agent's side. */
  newestFromAgent() {
    const all = this.sorted();
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i].sender_type !== 1 && isChat(all[i])) return all[i];
    }
    return null;
  }

  /**
   * @param {Omit<Pending, "state" | "message_id" | "timestamp">} p
   * @returns {Pending}
   */
  addPending(p) {
    const pending = { ...p, state: /** @type {const} */ ("sending"), message_id: "", timestamp: Date.now() / 1000 };
    this.pending.push(pending);
    return pending;
  }

  /** @param {string} key */
  findPending(key) {
    return this.pending.find((p) => p.key === key) ?? null;
  }

  /**
   * The server took the pending message `key` as `messageId`.
   * @param {string} key @param {string} messageId
   */
  accepted(key, messageId) {
    const i = this.pending.findIndex((p) => p.key === key);
    if (i < 0 || !messageId) return;
    if (this.byId.has(messageId)) this.drop(i);
    else this.pending[i].message_id = messageId;
  }

  /** @param {string} key */
  failed(key) {
    const p = this.findPending(key);
    if (p && !p.message_id) p.state = "failed";
  }

  /** Pending messages not yet taken by the server. */
  unsent() {
    return this.pending.filter((p) => !p.message_id);
  }
}
