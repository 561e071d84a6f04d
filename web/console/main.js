// The agent console: one state object (state.js), one view of it rendered
// by lit-html after every change.
import { html, render, nothing } from "../vendor/lit-html/lit-html.js";
import { repeat } from "../vendor/lit-html/directives/repeat.js";
import { state, update, setRenderer } from "./state.js";
import { t } from "./i18n.js";
import { onSessionEnded } from "./api.js";
import { loginView } from "./login.js";
import { headerView } from "./header.js";
import { inboxView, persistUnread } from "./inbox.js";
import { conversationView, syncTimeline, markRead, openConversation, cancelFinish } from "./conversation.js";
import { customerView } from "./customer.js";
import { transferView, closeTransfer } from "./transfer.js";
import { installAlerts, updateTitle } from "./alerts.js";
import { start, endSession } from "./session.js";
import { adminView, inAdmin, route } from "./admin/shell.js";

function view() {
  if (!state.session) return loginView();
  return html`
    <div class="app">
      ${headerView()}
      ${state.connection === "offline"
        ? html`<div id="offline" class="offline" role="status">${t("offline")}</div>`
        : nothing}
      ${inAdmin()
        ? adminView()
        : html`<main class="workspace">
            ${inboxView()}
            ${conversationView()}
            ${customerView()}
          </main>`}
      ${transferView()}
      <div class="toasts" aria-live="polite">
        ${repeat(state.toasts, (x) => x.id, (x) => html`<div class="toast ${x.kind}" role=${x.kind === "error" ? "alert" : "status"}>${x.text}</div>`)}
      </div>
    </div>
  `;
}

const root = /** @type {HTMLElement} */ (document.getElementById("app"));
setRenderer(() => {
  render(view(), root);
  document.body.classList.toggle("signed-in", !!state.session);
  updateTitle();
  syncTimeline();
  persistUnread();
});

onSessionEnded(() => endSession("sessionEnded"));
installAlerts();

document.addEventListener("visibilitychange", () => {
  state.visible = document.visibilityState === "visible";
  if (state.visible && state.openId) {
    const c = state.conversations.get(state.openId);
    if (c) markRead(c);
  }
  update();
});

// Waiting times count up without anything else changing.
setInterval(() => {
  state.now = Date.now() / 1000;
  update();
}, 15000);

document.addEventListener("keydown", (e) => {
  if (!state.session) return;
  if (e.key === "Escape") {
    if (state.transfer) closeTransfer();
    else if (state.teamOpen) {
      state.teamOpen = false;
      update();
    } else if (state.openId) {
      const c = state.conversations.get(state.openId);
      if (c) cancelFinish(c);
    }
    return;
  }
  // Alt+↑ / Alt+↓: the previous / next of my conversations.
  if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown") && !state.transfer) {
    const ids = [...state.mine.values()].sort((a, b) => b.timestamp - a.timestamp || (b.question_id < a.question_id ? -1 : 1)).map((s) => s.question_id);
    if (!ids.length) return;
    e.preventDefault();
    const at = state.openId ? ids.indexOf(state.openId) : -1;
    const next = at < 0 ? 0 : (at + (e.key === "ArrowDown" ? 1 : ids.length - 1)) % ids.length;
    openConversation(ids[next]);
  }
});

document.addEventListener("click", (e) => {
  if (state.teamOpen && e.target instanceof Element && !e.target.closest(".team")) {
    state.teamOpen = false;
    update();
  }
});

// A file dropped beside the conversation must not replace the page.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (e) => {
    const d = /** @type {DragEvent} */ (e);
    if (d.dataTransfer && Array.from(d.dataTransfer.types).includes("Files")) d.preventDefault();
  });
}

window.addEventListener("hashchange", route);

if (state.session) start();
route();
update();
