// The one WebSocket of kefu (`/ws`, docs/api/realtime.md), kept open: it
// reconnects with the cursor of the last event it received, so the server
// replays every stored event after it, once, in order. The session goes in
// the subprotocol list (browsers cannot set headers on a WebSocket, and a
// URL is logged).

/**
 * @typedef {{ event: string, cursor: string, [key: string]: any }} KefuEvent
 * @typedef {"connecting" | "open" | "offline" | "ended"} SocketState
 * @typedef {{
 *   session: string,
 *   onEvent: (event: KefuEvent) => void,
 *   onState?: (state: SocketState) => void,
 *   onEnded?: (code: number) => void,
 * }} LiveSocketOptions
 */

/** Close codes after which reconnecting with the same session is pointless. */
const ENDED = new Set([4001]);

export class LiveSocket {
  /** @param {LiveSocketOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {string | null} */
    this.cursor = null;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.closed = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retry = undefined;
    this.refs = 0;
    this.online = () => this.reconnectNow();
    window.addEventListener("online", this.online);
  }

  connect() {
    if (this.closed) return;
    const url = new URL("/ws", location.origin);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    if (this.cursor) url.searchParams.set("cursor", this.cursor);
    this.setState("connecting");
    const ws = new WebSocket(url, ["kefu", `bearer.${this.options.session}`]);
    this.ws = ws;
    ws.onmessage = (m) => {
      let event;
      try {
        event = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (event.event === "hello") {
        this.attempt = 0;
        this.setState("open");
      }
      if (typeof event.cursor === "string") this.cursor = event.cursor;
      this.options.onEvent(event);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) return;
      if (ENDED.has(e.code)) {
        this.closed = true;
        this.setState("ended");
        this.options.onEnded?.(e.code);
        return;
      }
      this.setState("offline");
      // 0.5 s, 1 s, 2 s ... at most 15 s between attempts.
      const wait = Math.min(15000, 500 * 2 ** this.attempt++);
      this.retry = setTimeout(() => this.retryConnect(), wait);
    };
  }

  /**
   * A cursor the server refuses (its database was reset) would be refused
   * forever, and a browser cannot read why an upgrade failed. So after
   * three failed attempts, if the server itself answers, the cursor is the
   * problem: start at "now" (the apps reload what they show at every hello).
   */
  async retryConnect() {
    if (this.attempt > 3 && this.cursor) {
      const reachable = await fetch("/healthz", { cache: "no-store" })
        .then((r) => r.ok)
        .catch(() => false);
      if (reachable) this.cursor = null;
    }
    this.connect();
  }

  /** Reconnects at once (the browser says the network is back). */
  reconnectNow() {
    if (this.closed || this.ws) return;
    clearTimeout(this.retry);
    this.connect();
  }

  /**
   * Sends a client frame (`typing`, `read`, `send`); false when offline.
   * @param {Record<string, unknown>} frame
   */
  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ ref: `c-${++this.refs}`, ...frame }));
    return true;
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    window.removeEventListener("online", this.online);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** @param {SocketState} state */
  setState(state) {
    this.options.onState?.(state);
  }
}
