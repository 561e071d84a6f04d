// The dialog "权限与状态" of one agent: the call-center permission
// (`/permissions/{sId}.json`, mType 4) and the agent's status in each module
// (`/plate_service_state/{sId}.json`, plates 1–3, names from settings).
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { live } from "../../../vendor/lit-html/directives/live.js";
import { afterRender, toast, update } from "../../state.js";
import { loadAgents } from "../../transfer.js";
import { errorView } from "../../errors.js";
import { adminApi } from "../api.js";
import { catalog } from "../i18n.js";
import { dialog, valueOf, checkedOf } from "../ui.js";
import { team, displayName, PLATES } from "./data.js";
import { teamError } from "./errors.js";

/** @typedef {import("./data.js").SupportAgent} SupportAgent */

const t = catalog(
  {
    title: "权限与状态 · {name}",
    permission: "功能权限",
    callCenter: "呼叫中心",
    callCenterHint: "开通后该客服可以使用呼叫中心模块",
    open: "已开通",
    closed: "未开通",
    states: "各模块当前状态",
    statesHint: "替客服切换状态，例如下班后忘记设为离线。「在线聊天」为接待状态时才会分配新会话。",
    plate1: "工单",
    plate2: "在线聊天",
    plate3: "呼叫中心",
    accepting: "接待中",
    retired: "{name}（已停用的状态）",
    loading: "加载中…",
    cancel: "取消",
    save: "保存",
    saving: "保存中…",
    saved: "已更新 {name} 的权限与状态",
    nothing: "没有修改",
  },
  {
    title: "Access and status · {name}",
    permission: "Permissions",
    callCenter: "Call center",
    callCenterHint: "Lets the agent use the call-center module",
    open: "Enabled",
    closed: "Disabled",
    states: "Status per module",
    statesHint: "Switch the agent's status for them, e.g. to offline after a shift. Online chat assigns new chats only in its accepting status.",
    plate1: "Tickets",
    plate2: "Online chat",
    plate3: "Call center",
    accepting: "accepting",
    retired: "{name} (no longer offered)",
    loading: "Loading…",
    cancel: "Cancel",
    save: "Save",
    saving: "Saving…",
    saved: "Updated access and status of {name}",
    nothing: "Nothing changed",
  },
);

/**
 * @typedef {{
 *   agent: SupportAgent, loading: boolean, busy: boolean, error: unknown,
 *   callCenter: boolean | null, callCenterWas: boolean | null,
 *   states: Record<string, string>, statesWere: Record<string, string>,
 * }} AccessDialog
 */

/** @type {AccessDialog | null} */
let dlg = null;

/** @param {SupportAgent} agent */
export async function openAccess(agent) {
  /** @type {AccessDialog} */
  const d = { agent, loading: true, busy: false, error: null, callCenter: null, callCenterWas: null, states: {}, statesWere: {} };
  dlg = d;
  update();
  try {
    const [permission, ...states] = await Promise.all([
      adminApi("GET", `/permissions/${agent.sId}.json`),
      ...PLATES.map((plate) => adminApi("GET", `/plate_service_state/${agent.sId}.json`, { query: { plate } })),
    ]);
    // state "0" opens the module, "1" closes it (the seed's convention).
    d.callCenter = d.callCenterWas = String(permission?.permission?.state) === "0";
    PLATES.forEach((plate, i) => {
      d.states[plate] = d.statesWere[plate] = String(states[i]?.plate_service_state?.state ?? "");
    });
  } catch (e) {
    d.error = teamError(e);
  } finally {
    d.loading = false;
    afterRender(() => document.getElementById("access-callcenter")?.focus());
  }
}

function close() {
  dlg = null;
  update();
}

async function save() {
  const d = dlg;
  if (!d || d.busy || d.loading) return;
  const changedPlates = PLATES.filter((p) => d.states[p] !== d.statesWere[p]);
  const permissionChanged = d.callCenter !== null && d.callCenter !== d.callCenterWas;
  if (!changedPlates.length && !permissionChanged) {
    toast(t("nothing"));
    close();
    return;
  }
  d.busy = true;
  d.error = null;
  update();
  try {
    if (permissionChanged) {
      await adminApi("PUT", `/permissions/${d.agent.sId}.json`, { json: { permission: { mType: "4", state: d.callCenter ? "0" : "1" } } });
      d.callCenterWas = d.callCenter;
    }
    for (const plate of changedPlates) {
      await adminApi("PUT", `/plate_service_state/${d.agent.sId}.json`, { json: { plate_service_state: { plate, state: d.states[plate] } } });
      d.statesWere[plate] = d.states[plate];
    }
    toast(t("saved", { name: displayName(d.agent) }));
    // The team's online-chat statuses shown in the lists.
    if (changedPlates.includes("2")) loadAgents();
    if (dlg === d) dlg = null;
  } catch (e) {
    d.error = teamError(e);
    d.busy = false;
  }
  update();
}

/** @param {AccessDialog} d @param {string} plate */
function plateRow(d, plate) {
  const config = team.settings?.plate_states?.[plate];
  const names = config?.states ?? [];
  const current = d.states[plate] ?? "";
  const id = `access-plate-${plate}`;
  return html`<div class="team-access-row">
    <label for=${id} class="team-access-name">${t(/** @type {"plate1" | "plate2" | "plate3"} */ (`plate${plate}`))}</label>
    <select id=${id} ?disabled=${d.loading || d.busy} @change=${(/** @type {Event} */ e) => { d.states[plate] = valueOf(e); update(); }}>
      ${current && !names.includes(current) ? html`<option .value=${current} selected>${t("retired", { name: current })}</option>` : nothing}
      ${names.map((n) => html`<option .value=${n} .selected=${live(n === current)}>${n}${n === config?.accepting ? ` · ${t("accepting")}` : ""}</option>`)}
    </select>
  </div>`;
}

/** The dialog, when open. */
export function accessView() {
  const d = dlg;
  if (!d) return nothing;
  return dialog({
    id: "access-dialog",
    title: t("title", { name: displayName(d.agent) }),
    onClose: close,
    body: d.loading
      ? html`<p class="muted">${t("loading")}</p>`
      : html`<section class="team-access-block">
            <h3 class="team-block-title">${t("permission")}</h3>
            <label class="team-switch-row">
              <span>
                <span class="team-access-name">${t("callCenter")}</span>
                <span class="admin-hint">${t("callCenterHint")}</span>
              </span>
              <span class="team-switch">
                <input id="access-callcenter" type="checkbox" role="switch" .checked=${live(!!d.callCenter)} ?disabled=${d.callCenter === null || d.busy}
                  @change=${(/** @type {Event} */ e) => { d.callCenter = checkedOf(e); update(); }}>
                <span class="team-switch-label">${d.callCenter ? t("open") : t("closed")}</span>
              </span>
            </label>
          </section>
          <section class="team-access-block">
            <h3 class="team-block-title">${t("states")}</h3>
            <p class="admin-hint">${t("statesHint")}</p>
            ${PLATES.map((p) => plateRow(d, p))}
          </section>`,
    actions: html`<span class="team-dialog-error" role="alert">${errorView(d.error)}</span>
      <button type="button" class="btn ghost" @click=${close}>${t("cancel")}</button>
      <button type="button" id="access-save" class="btn primary solid" ?disabled=${d.busy || d.loading} @click=${save}>
        ${d.busy ? t("saving") : t("save")}
      </button>`,
  });
}
