// The chat, drawn from the state: one template, rendered again after every
// change (lit-html updates only what differs). Message text is always an
// interpolated value (a text node) or linkified(): no HTML from a message
// is ever parsed.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { repeat } from "../vendor/lit-html/directives/repeat.js";
import { live } from "../vendor/lit-html/directives/live.js";
import { classMap } from "../vendor/lit-html/directives/class-map.js";
import { linkified } from "../shared/text.js";
import { clock } from "../shared/format.js";
import { agentIcon, closeIcon, downIcon, imageIcon, sendIcon, starIcon } from "./icons.js";
import { isChat, isMine } from "./timeline.js";
import { MAX_COMMENT } from "./conversation.js";

/**
 * @typedef {import("./timeline.js").Timeline} Timeline
 * @typedef {import("./timeline.js").Pending} Pending
 * @typedef {import("./conversation.js").Message} Message
 * @typedef {typeof import("./i18n/zh.js").default} Catalog
 * @typedef {(key: keyof Catalog & string, vars?: Record<string, string | number>) => string} T
 * @typedef {{
 *   phase: "connecting" | "ready" | "ended" | "error",
 *   errorKey: "connectFailed" | "badKey" | "noKey",
 *   embed: boolean,
 *   welcome: string,
 *   agentId: string,
 *   agentName: string,
 *   waiting: boolean,
 *   wait: number,
 *   endReason: "finished" | "timed_out" | "mine",
 *   offline: boolean,
 *   typing: boolean,
 *   readUpTo: string,
 *   confirmingEnd: boolean,
 *   ending: boolean,
 *   composerError: string,
 *   hasMore: boolean,
 *   loadingOlder: boolean,
 *   lightbox: string,
 *   dragging: boolean,
 *   newBelow: boolean,
 *   draft: string,
 *   names: Map<string, string>,
 *   csat: "hidden" | "ask" | "sending" | "done",
 *   csatScore: number,
 *   csatComment: string,
 *   csatError: string,
 * }} State
 * @typedef {{
 *   close: () => void,
 *   askEnd: () => void,
 *   cancelEnd: () => void,
 *   confirmEnd: () => void,
 *   newChat: () => void,
 *   retryConnect: () => void,
 *   onScroll: (e: Event) => void,
 *   toBottom: () => void,
 *   onInput: (e: Event) => void,
 *   onKeydown: (e: KeyboardEvent) => void,
 *   onPaste: (e: ClipboardEvent) => void,
 *   send: () => void,
 *   pickImage: () => void,
 *   onFile: (e: Event) => void,
 *   resend: (key: string) => void,
 *   openImage: (url: string) => void,
 *   closeImage: () => void,
 *   imageLoaded: () => void,
 *   onDragOver: (e: DragEvent) => void,
 *   onDragLeave: (e: DragEvent) => void,
 *   onDrop: (e: DragEvent) => void,
 *   rateScore: (score: number) => void,
 *   rateComment: (e: Event) => void,
 *   rateSubmit: () => void,
 * }} Actions
 * @typedef {{ kind: "sep", key: string, at: number }
 *   | { kind: "message", key: string, m: Message }
 *   | { kind: "notice", key: string, m: Message }
 *   | { kind: "pending", key: string, p: Pending }} Item
 */

/** A time line between messages more than this far apart (seconds). */
const GAP = 5 * 60;

/**
 * @param {State} s
 * @param {Timeline} timeline
 * @param {T} t
 * @param {Actions} a
 */
export function view(s, timeline, t, a) {
  if (s.phase === "error") return errorView(s, t, a);
  const ended = s.phase === "ended";
  return html`
    <div
      class=${classMap({ shell: true, embed: s.embed, ended, dragging: s.dragging })}
      @dragover=${a.onDragOver}
      @dragleave=${a.onDragLeave}
      @drop=${a.onDrop}
    >
      ${header(s, t, a)}
      ${s.offline
        ? html`<div id="offline" class="banner banner-offline" role="status">
            <span class="spinner" aria-hidden="true"></span>${t("offline")}
          </div>`
        : nothing}
      ${queueBanner(s, t)}
      <div class="timeline-wrap">
        <main id="timeline" class="timeline" @scroll=${a.onScroll} aria-live="polite">
          ${s.loadingOlder ? html`<div class="older">${t("loadingOlder")}</div>` : nothing}
          ${s.hasMore ? nothing : welcome(s, t)}
          ${repeat(items(timeline), (i) => i.key, (i) => item(i, s, t, a))}
          ${ended ? ratingCard(s, t, a) : nothing}
        </main>
        ${s.newBelow
          ? html`<button class="new-below" @click=${a.toBottom}>${t("newMessages")} ${downIcon}</button>`
          : nothing}
      </div>
      <div class="typing-line" aria-live="polite">
        ${s.typing && !ended
          ? html`<span id="typing"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>${t("typing")}</span>`
          : nothing}
      </div>
      ${ended ? endedBar(s, t, a) : composer(s, t, a)}
      ${s.confirmingEnd ? confirmDialog(s, t, a) : nothing}
      ${s.lightbox
        ? html`<div class="lightbox" role="dialog" aria-label=${t("imageAlt")} @click=${a.closeImage}>
            <img src=${s.lightbox} alt=${t("imageAlt")} />
            <button class="lightbox-close" aria-label=${t("closeImage")}>${closeIcon}</button>
          </div>`
        : nothing}
      ${s.dragging ? html`<div class="drop-hint">${imageIcon}<span>${t("dropHint")}</span></div>` : nothing}
    </div>
  `;
}

/** @param {State} s @param {T} t @param {Actions} a */
function header(s, t, a) {
  const title = s.agentName ? t("agentServing", { name: s.agentName }) : t("title");
  /** @type {[string, string]} */
  const [dot, sub] =
    s.phase === "connecting"
      ? ["dot-wait", t("statusConnecting")]
      : s.phase === "ended"
        ? ["dot-off", t("statusEnded")]
        : s.agentName || s.agentId
          ? ["dot-on", t("statusServing")]
          : ["dot-wait", t("statusWaiting")];
  return html`
    <header class="bar">
      <div class="bar-avatar">${agentIcon}</div>
      <div class="bar-titles">
        <div id="agent-name" class="bar-title">${title}</div>
        <div class="bar-sub"><span class="dot ${dot}"></span>${sub}</div>
      </div>
      ${s.phase === "ready"
        ? html`<button id="end-chat" class="bar-btn" @click=${a.askEnd}>${t("endChat")}</button>`
        : nothing}
      ${s.embed
        ? html`<button id="close" class="bar-icon" aria-label=${t("close")} title=${t("close")} @click=${a.close}>
            ${closeIcon}
          </button>`
        : nothing}
    </header>
  `;
}

/** @param {State} s @param {T} t */
function queueBanner(s, t) {
  if (s.phase !== "ready" || s.wait < 1) return nothing;
  const text = s.wait === 1 ? t("queueNext") : t("queueAhead", { n: s.wait - 1 });
  return html`<div id="queue" class="banner banner-queue" role="status">
    <span class="pulse" aria-hidden="true"></span>${text}
  </div>`;
}

/** @param {State} s @param {T} t */
function welcome(s, t) {
  if (s.phase === "connecting") return nothing;
  const text = s.welcome.trim() ? s.welcome : t("welcomeDefault");
  return html`<div id="welcome" class="welcome">
    <div class="welcome-avatar">${agentIcon}</div>
    <div class="welcome-text">${linkified(text)}</div>
  </div>`;
}

/** @param {Timeline} timeline @returns {Item[]} */
function items(timeline) {
  /** @type {Item[]} */
  const out = [];
  let last = 0;
  /** @param {number} at @param {string} key */
  const sep = (at, key) => {
    if (at && at - last >= GAP) out.push({ kind: "sep", key: `sep-${key}`, at });
    if (at) last = at;
  };
  for (const m of timeline.sorted()) {
    sep(m.timestamp, m.message_id);
    if (isChat(m)) out.push({ kind: "message", key: m.message_id, m });
    else if (m.type === 4) out.push({ kind: "notice", key: m.message_id, m });
  }
  for (const p of timeline.pending) {
    sep(p.timestamp, p.key);
    out.push({ kind: "pending", key: p.key, p });
  }
  return out;
}

/** @param {Item} i @param {State} s @param {T} t @param {Actions} a */
function item(i, s, t, a) {
  switch (i.kind) {
    case "sep":
      return html`<div class="time-sep">${clock(i.at)}</div>`;
    case "notice":
      return notice(i.m, s, t, a);
    case "pending":
      return pending(i.p, t, a);
    case "message":
      return message(i.m, s, t, a);
  }
}

/** @param {Message} m @param {State} s @param {T} t @param {Actions} a */
function message(m, s, t, a) {
  const mine = isMine(m);
  const read = mine && s.readUpTo !== "" && m.message_id <= s.readUpTo;
  return html`
    <div class="msg ${mine ? "mine" : "theirs"}" data-message-id=${m.message_id}>
      ${body(m.type, m.text ?? "", m.image_url ?? "", m.audio_url ?? "", t, a)}
      ${mine
        ? html`<div class="msg-status ${read ? "is-read" : ""}">${read ? t("read") : t("unread")}</div>`
        : nothing}
    </div>
  `;
}

/**
 * @param {number} type @param {string} text @param {string} image @param {string} audio
 * @param {T} t @param {Actions} a
 */
function body(type, text, image, audio, t, a) {
  if (type === 2) {
    const url = safeUrl(image);
    return html`<div class="bubble bubble-image msg-image">
      <img
        src=${url}
        alt=${t("imageAlt")}
        @load=${a.imageLoaded}
        @click=${() => url && a.openImage(url)}
      />
    </div>`;
  }
  if (type === 1) {
    return html`<div class="bubble msg-audio">
      <audio controls preload="none" src=${safeUrl(audio)} aria-label=${t("audioMessage")}></audio>
    </div>`;
  }
  return html`<div class="bubble"><div class="msg-text">${linkified(text)}</div></div>`;
}

/** @param {Pending} p @param {T} t @param {Actions} a */
function pending(p, t, a) {
  const failed = p.state === "failed";
  return html`
    <div class="msg mine pending ${failed ? "failed" : ""}">
      ${p.kind === "image"
        ? html`<div class="bubble bubble-image msg-image">
            <img src=${p.preview} alt=${t("imageAlt")} @load=${a.imageLoaded} />
          </div>`
        : html`<div class="bubble"><div class="msg-text">${linkified(p.text)}</div></div>`}
      <div class="msg-status">
        ${failed
          ? html`${t("failed")} ·
              <button class="link-btn" @click=${() => a.resend(p.key)}>${t("retry")}</button>`
          : t("sending")}
      </div>
    </div>
  `;
}

/** @param {Message} m @param {State} s @param {T} t @param {Actions} a */
function notice(m, s, t, a) {
  let text;
  switch (m.action) {
    case 1: {
      const name = s.names.get(m.sender);
      text = name ? t("noticeAssigned", { name }) : t("noticeAssignedAnon");
      break;
    }
    case 2:
      text = t("noticeQuit");
      break;
    case 3:
      text = t("noticeFinishRequested");
      break;
    case 4:
      text = t("noticeFinished");
      break;
    case 5:
      text = t("noticeTimedOut");
      break;
    case 6:
      text = t("noticeReopened");
      break;
    case 7:
      text = t("noticeTransferred");
      break;
    case 8:
      text = t("noticeRated", { stars: stars(ratingOf(m)) });
      break;
    default:
      text = t("noticeOther");
  }
  return html`<div class="notice" data-message-id=${m.message_id} data-action=${String(m.action ?? "")}>
    <span>${text}</span>
    ${m.action === 3 && s.phase === "ready"
      ? html`<button class="link-btn" @click=${a.askEnd}>${t("endChat")}</button>`
      : nothing}
  </div>`;
}

/** The score a rating notice carries (1–5), or 0. @param {Message} m */
function ratingOf(m) {
  const r = /** @type {{ rating?: unknown }} */ (m).rating;
  return typeof r === "number" && r >= 1 && r <= 5 ? Math.round(r) : 0;
}

/** `★★★★☆` for 4. @param {number} score */
function stars(score) {
  return "★".repeat(score) + "☆".repeat(5 - score);
}

const SCORES = [1, 2, 3, 4, 5];
/** What each score means, in the customer's words. @type {(keyof Catalog)[]} */
const SCORE_WORDS = ["csatScore1", "csatScore2", "csatScore3", "csatScore4", "csatScore5"];

/**
 * After a served conversation ends: five stars, an optional comment, and a
 * thank-you once it is sent.
 * @param {State} s @param {T} t @param {Actions} a
 */
function ratingCard(s, t, a) {
  if (s.csat === "hidden") return nothing;
  if (s.csat === "done") {
    return html`<section id="csat" class="csat">
      <p id="csat-done" class="csat-done" role="status">${t("csatThanks")}</p>
    </section>`;
  }
  const sending = s.csat === "sending";
  const chosen = s.csatScore;
  return html`<section id="csat" class="csat" aria-labelledby="csat-title">
    <h2 id="csat-title" class="csat-title">${t("csatTitle")}</h2>
    <div class="csat-stars" role="group" aria-label=${t("csatTitle")}>
      ${SCORES.map(
        (n) => html`<button
          type="button"
          class="csat-star ${n <= chosen ? "is-on" : ""}"
          data-score=${n}
          aria-label=${t("csatStar", { n })}
          aria-pressed=${n === chosen ? "true" : "false"}
          ?disabled=${sending}
          @click=${() => a.rateScore(n)}
        >${starIcon}</button>`,
      )}
    </div>
    <p class="csat-word">${chosen ? t(SCORE_WORDS[chosen - 1]) : t("csatHint")}</p>
    <textarea
      id="csat-comment"
      class="csat-comment"
      rows="2"
      maxlength=${MAX_COMMENT}
      placeholder=${t("csatCommentPlaceholder")}
      aria-label=${t("csatCommentPlaceholder")}
      .value=${live(s.csatComment)}
      ?disabled=${sending}
      @input=${a.rateComment}
    ></textarea>
    ${s.csatError ? html`<p class="csat-error" role="alert">${s.csatError}</p>` : nothing}
    <button
      id="csat-submit"
      type="button"
      class="btn btn-primary csat-submit"
      ?disabled=${sending || chosen < 1}
      @click=${a.rateSubmit}
    >
      ${sending ? t("csatSending") : t("csatSubmit")}
    </button>
  </section>`;
}

/** @param {State} s @param {T} t @param {Actions} a */
function composer(s, t, a) {
  const ready = s.phase === "ready";
  return html`
    <footer class="composer">
      ${s.composerError
        ? html`<div id="composer-error" class="composer-error" role="alert">${s.composerError}</div>`
        : nothing}
      <div class="composer-row">
        <button
          id="pick-image"
          class="icon-btn"
          type="button"
          aria-label=${t("picture")}
          title=${t("picture")}
          ?disabled=${!ready}
          @click=${a.pickImage}
        >
          ${imageIcon}
        </button>
        <input id="file-input" type="file" accept="image/*" hidden @change=${a.onFile} />
        <textarea
          id="composer"
          rows="1"
          enterkeyhint="send"
          placeholder=${t("placeholder")}
          aria-label=${t("placeholder")}
          .value=${live(s.draft)}
          @input=${a.onInput}
          @keydown=${a.onKeydown}
          @paste=${a.onPaste}
        ></textarea>
        <button
          id="send"
          class="send-btn ${s.draft.trim() ? "" : "is-empty"}"
          type="button"
          aria-label=${t("send")}
          @click=${a.send}
        >
          ${sendIcon}<span>${t("send")}</span>
        </button>
      </div>
    </footer>
  `;
}

/** @param {State} s @param {T} t @param {Actions} a */
function endedBar(s, t, a) {
  const text =
    s.endReason === "timed_out" ? t("endedTimedOut") : s.endReason === "mine" ? t("endedByYou") : t("ended");
  return html`<footer class="ended-bar">
    <p class="ended-text">${text}</p>
    <button id="new-chat" class="btn btn-primary" @click=${a.newChat}>${t("newChat")}</button>
  </footer>`;
}

/** @param {State} s @param {T} t @param {Actions} a */
function confirmDialog(s, t, a) {
  return html`<div class="overlay" @click=${(/** @type {Event} */ e) => e.target === e.currentTarget && a.cancelEnd()}>
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
      <h2 id="confirm-title">${t("confirmEndTitle")}</h2>
      <p>${t("confirmEndBody")}</p>
      <div class="dialog-actions">
        <button id="cancel-end" class="btn btn-ghost" @click=${a.cancelEnd}>${t("confirmEndNo")}</button>
        <button id="confirm-end" class="btn btn-danger" ?disabled=${s.ending} @click=${a.confirmEnd}>
          ${t("confirmEndYes")}
        </button>
      </div>
    </div>
  </div>`;
}

/** @param {State} s @param {T} t @param {Actions} a */
function errorView(s, t, a) {
  return html`<div class="shell ${s.embed ? "embed" : ""}">
    <header class="bar">
      <div class="bar-avatar">${agentIcon}</div>
      <div class="bar-titles"><div id="agent-name" class="bar-title">${t("title")}</div></div>
      ${s.embed
        ? html`<button id="close" class="bar-icon" aria-label=${t("close")} @click=${a.close}>${closeIcon}</button>`
        : nothing}
    </header>
    <div class="error-page">
      <div class="error-icon">${agentIcon}</div>
      <p>${t(s.errorKey)}</p>
      ${s.errorKey === "connectFailed"
        ? html`<button class="btn btn-primary" @click=${a.retryConnect}>${t("tryAgain")}</button>`
        : nothing}
    </div>
  </div>`;
}

/** Only web links become a picture's or a recording's source. @param {string} url */
function safeUrl(url) {
  try {
    const u = new URL(url, location.href);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "";
  } catch {
    return "";
  }
}
