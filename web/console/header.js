// The top bar: tenant, my status (switched here), colleagues, alerts,
// language, sign-out.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { live } from "../vendor/lit-html/directives/live.js";
import { state, update } from "./state.js";
import { i18n, t } from "./i18n.js";
import { setStatus, logout } from "./session.js";
import { toggleSound, askNotifications } from "./alerts.js";
import { available, loadAgents } from "./transfer.js";
import { adminToggle } from "./admin/shell.js";

export function langButton() {
  return html`<button type="button" id="lang-switch" class="btn ghost small" title=${t("langSwitchTitle")}
    lang=${i18n.lang === "zh" ? "en" : "zh-CN"}
    @click=${() => { i18n.setLang(i18n.lang === "zh" ? "en" : "zh"); update(); }}>${t("langSwitch")}</button>`;
}

/** @param {Event} e */
function onStatus(e) {
  const el = /** @type {HTMLSelectElement} */ (e.target);
  setStatus(el.value);
}

function toggleTeam() {
  state.teamOpen = !state.teamOpen;
  // Statuses come live; how many each serves only from here.
  if (state.teamOpen) loadAgents();
  update();
}

export function headerView() {
  const me = state.me;
  const name = me?.name || state.session?.name || state.session?.serv_id || "";
  const others = [...state.agents.values()].filter((a) => a.serv_id !== state.session?.serv_id);
  const free = others.filter(available).length;
  return html`
    <header class="topbar">
      <div class="brand">
        <span class="logo">kefu</span>
        <span class="tenant" title=${me?.tenant ?? ""}>${me?.tenant ?? ""}</span>
      </div>
      ${adminToggle() ?? nothing}
      <div class="topbar-spacer"></div>
      <div class="team">
        <button type="button" class="btn ghost small team-btn" aria-expanded=${state.teamOpen ? "true" : "false"}
          aria-controls="team-list" @click=${toggleTeam}>
          <span class="dot ${free ? "on" : "off"}" aria-hidden="true"></span>${t("team", { available: free, total: others.length })}
        </button>
        ${state.teamOpen ? teamList(others) : nothing}
      </div>
      ${state.notifyPermission === "default"
        ? html`<button type="button" id="enable-notifications" class="btn ghost small" @click=${askNotifications}>${t("enableNotifications")}</button>`
        : nothing}
      <button type="button" id="sound-toggle" class="btn ghost small" aria-pressed=${state.sound ? "true" : "false"} @click=${toggleSound}>
        ${state.sound ? t("soundOn") : t("soundOff")}
      </button>
      <div class="me-box">
        <span class="dot ${me?.accepting ? "on" : "off"}" aria-hidden="true"></span>
        <span id="me-name" class="me-name" title=${state.session?.serv_id ?? ""}>${name}</span>
        <label class="visually-hidden" for="status-select">${t("myStatus")}</label>
        <select id="status-select" class="status-select" ?disabled=${!me} @change=${onStatus}
          title=${me ? (me.accepting ? t("accepting") : t("notAccepting")) : ""}>
          ${me
            ? me.states.map((s) => html`<option value=${s} .selected=${live(s === me.state)}>${s}</option>`)
            : html`<option value="">…</option>`}
        </select>
      </div>
      ${langButton()}
      <button type="button" id="logout" class="btn ghost small" @click=${logout}>${t("logout")}</button>
    </header>
  `;
}

/** @param {import("./types.js").Agent[]} others */
function teamList(others) {
  const sorted = [...others].sort((a, b) => Number(available(b)) - Number(available(a)) || (a.name || a.serv_id).localeCompare(b.name || b.serv_id));
  return html`
    <div id="team-list" class="popover" role="dialog" aria-label=${t("teamTitle")}>
      <div class="popover-title">${t("teamTitle")}</div>
      ${sorted.length === 0
        ? html`<p class="panel-empty small">${t("teamEmpty")}</p>`
        : html`<ul class="team-list">
            ${sorted.map(
              (a) => html`<li class="team-member" data-serv-id=${a.serv_id}>
                <span class="dot ${a.accepting ? "on" : "off"}" aria-hidden="true"></span>
                <span class="team-name">${a.name || a.serv_id}</span>
                <span class="team-state">${a.state}</span>
                <span class="team-load">${a.serving}/${a.max_chats}</span>
              </li>`,
            )}
          </ul>`}
    </div>
  `;
}
