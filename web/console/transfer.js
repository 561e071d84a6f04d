// Handing the open conversation to a colleague or a department.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { api, seg } from "./api.js";
import { state, update, afterRender, toast } from "./state.js";
import { t } from "./i18n.js";
import { errorView } from "./errors.js";
import { removeMine } from "./inbox.js";
import { agentName, loadInfo, refreshTail } from "./conversation.js";
import { focusComposer } from "./composer.js";

/** @typedef {import("./types.js").Agent} Agent */
/** @typedef {import("./types.js").Conversation} Conversation */

/** @param {Agent} a */
export function available(a) {
  return a.accepting && (a.max_chats <= 0 || a.serving < a.max_chats);
}

/** @param {any} r the answer of `GET /v1/console/agents` */
export function setAgents(r) {
  state.agents = new Map();
  for (const a of r.agents ?? []) {
    if (typeof a?.serv_id !== "string") continue;
    state.agents.set(a.serv_id, {
      serv_id: a.serv_id,
      name: typeof a.name === "string" ? a.name : a.serv_id,
      state: typeof a.state === "string" ? a.state : "",
      accepting: !!a.accepting,
      serving: typeof a.serving === "number" ? a.serving : 0,
      max_chats: typeof a.max_chats === "number" ? a.max_chats : 0,
      departments: Array.isArray(a.departments) ? a.departments : [],
    });
  }
  state.departments = (r.departments ?? []).filter((/** @type {any} */ d) => typeof d?.id === "number");
}

export async function loadAgents() {
  try {
    setAgents(await api("GET", "/v1/console/agents"));
  } catch {
    // the dialog asks again when it opens
  }
  update();
}

export async function openTransfer() {
  state.transfer = { open: true, agents: [], departments: [], loading: true, agent: "", department: null, busy: false, error: null };
  update();
  afterRender(() => document.getElementById("transfer-dialog")?.focus());
  try {
    const r = await api("GET", "/v1/console/agents");
    setAgents(r);
  } catch (e) {
    if (state.transfer) state.transfer.error = e;
  } finally {
    if (state.transfer) state.transfer.loading = false;
    update();
  }
}

export function closeTransfer() {
  if (!state.transfer) return;
  state.transfer = null;
  update();
  afterRender(() => (document.getElementById("action-transfer") ?? document.getElementById("composer"))?.focus());
}

async function confirm() {
  const d = state.transfer;
  const id = state.openId;
  if (!d || !id || d.busy) return;
  if (!d.agent && d.department === null) {
    d.error = t("transferPick");
    update();
    return;
  }
  /** @type {Record<string, string | number>} */
  const form = {};
  if (d.agent) form.agent_id = d.agent;
  if (d.department !== null) form.department_id = d.department;
  d.busy = true;
  d.error = null;
  update();
  try {
    const r = await api("POST", `/v1/question/${seg(id)}/transfer`, { form });
    const to = typeof r.serv_id === "string" ? r.serv_id : d.agent;
    state.transfer = null;
    removeMine(id);
    const c = state.conversations.get(id);
    if (c?.info) c.info = { ...c.info, status_code: 2, serv_id: to, serv_name: agentName(to) };
    toast(t("transferDone", { name: agentName(to) }));
    if (c) {
      loadInfo(c);
      refreshTail(c);
    }
    afterRender(() => focusComposer());
  } catch (e) {
    if (state.transfer) {
      state.transfer.busy = false;
      state.transfer.error = e;
    }
  }
  update();
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  if (e.key === "Escape") {
    e.preventDefault();
    e.stopPropagation();
    closeTransfer();
  } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    confirm();
  } else if (e.key === "Tab") {
    // Focus stays inside the dialog.
    const box = /** @type {HTMLElement} */ (e.currentTarget);
    const items = Array.from(box.querySelectorAll("button:not([disabled])"));
    if (!items.length) return;
    const first = /** @type {HTMLElement} */ (items[0]);
    const last = /** @type {HTMLElement} */ (items[items.length - 1]);
    if (e.shiftKey && (document.activeElement === first || document.activeElement === box)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }
}

export function transferView() {
  const d = state.transfer;
  if (!d) return nothing;
  const me = state.session?.serv_id;
  const agents = [...state.agents.values()]
    .filter((a) => a.serv_id !== me)
    .sort((a, b) => Number(available(b)) - Number(available(a)) || (a.name || a.serv_id).localeCompare(b.name || b.serv_id));
  const deptNames = new Map(state.departments.map((x) => [x.id, x.name]));
  return html`
    <div class="modal-backdrop" @click=${(/** @type {Event} */ e) => { if (e.target === e.currentTarget) closeTransfer(); }}>
      <div id="transfer-dialog" class="modal" role="dialog" aria-modal="true" aria-labelledby="transfer-title" tabindex="-1" @keydown=${onKey}>
        <header class="modal-head">
          <h2 id="transfer-title">${t("transferTitle")}</h2>
          <button type="button" class="icon-btn" aria-label=${t("cancel")} @click=${closeTransfer}>×</button>
        </header>
        <div class="modal-body">
          <h3 class="modal-section">${t("transferAgents")}</h3>
          ${d.loading && !agents.length
            ? html`<p class="panel-empty small">${t("loading")}</p>`
            : agents.length === 0
              ? html`<p class="panel-empty small">${t("transferNoAgents")}</p>`
              : html`<div class="choice-list">
                  ${agents.map((a) => {
                    const ok = available(a);
                    const on = d.agent === a.serv_id;
                    return html`<button type="button" class="choice transfer-agent ${on ? "selected" : ""} ${ok ? "available" : "unavailable"}"
                        data-serv-id=${a.serv_id} aria-pressed=${on ? "true" : "false"}
                        @click=${() => { d.agent = on ? "" : a.serv_id; d.error = null; update(); }}>
                        <span class="dot ${a.accepting ? "on" : "off"}" aria-hidden="true"></span>
                        <span class="choice-main">
                          <span class="choice-name">${a.name || a.serv_id}</span>
                          <span class="choice-sub">${a.state}${a.departments.length
                            ? html` · ${a.departments.map((id) => deptNames.get(id) ?? id).join("、")}`
                            : nothing}</span>
                        </span>
                        <span class="choice-load" title=${t("transferLoadTitle", { serving: a.serving, max: a.max_chats })}>${t("transferLoad", { serving: a.serving, max: a.max_chats })}</span>
                        <span class="tag ${ok ? "ok" : "muted"}">${ok ? t("transferAvailable") : t("transferUnavailable")}</span>
                      </button>`;
                  })}
                </div>`}
          <h3 class="modal-section">${t("transferDepartments")}</h3>
          ${state.departments.length === 0
            ? html`<p class="panel-empty small">${d.loading ? t("loading") : t("transferNoDepartments")}</p>`
            : html`<div class="choice-list">
                ${state.departments.map((dep) => {
                  const on = d.department === dep.id;
                  const free = agents.filter((a) => a.departments.includes(dep.id) && available(a)).length;
                  return html`<button type="button" class="choice transfer-department ${on ? "selected" : ""}"
                      data-department-id=${String(dep.id)} aria-pressed=${on ? "true" : "false"}
                      @click=${() => { d.department = on ? null : dep.id; d.error = null; update(); }}>
                      <span class="choice-main"><span class="choice-name">${dep.name}</span></span>
                      <span class="tag ${free ? "ok" : "muted"}">${free ? t("transferDeptFree", { n: free }) : t("transferUnavailable")}</span>
                    </button>`;
                })}
              </div>`}
          <p class="modal-hint">${t("transferHint")}</p>
        </div>
        <footer class="modal-foot">
          <span class="modal-error" role="alert">${errorView(d.error)}</span>
          <button type="button" class="btn ghost" @click=${closeTransfer}>${t("cancel")}</button>
          <button type="button" id="transfer-confirm" class="btn primary solid" ?disabled=${d.busy} @click=${confirm}>
            ${d.busy ? t("transferBusy") : t("transferConfirm")}
          </button>
        </footer>
      </div>
    </div>
  `;
}
