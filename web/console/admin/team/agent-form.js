// The dialog that creates or edits an agent: account, password, profile,
// departments, admin role, chat limit and the tenant's custom fields.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { live } from "../../../vendor/lit-html/directives/live.js";
import { afterRender, toast, update } from "../../state.js";
import { adminApi } from "../api.js";
import { catalog } from "../i18n.js";
import { dialog, field, valueOf, checkedOf } from "../ui.js";
import { errorView } from "../../errors.js";
import { team, storeAgent, groupIdsOf, isAdmin, isMe, displayName, reloadAgents } from "./data.js";
import { errorPlace, teamError } from "./errors.js";
import { customFieldControl, formValue, emptyValue, requestValue, checkValue, isEmpty } from "./custom-fields.js";

/** @typedef {import("./data.js").SupportAgent} SupportAgent */
/** @typedef {import("./custom-fields.js").CustomValue} CustomValue */

const t = catalog(
  {
    createTitle: "新建客服",
    editTitle: "编辑客服 · {name}",
    sectionAccount: "账号",
    sectionContact: "联系方式与资料",
    sectionWork: "接待与权限",
    sectionCustom: "自定义字段",
    account: "登录账号 *",
    accountHint: "1–20 个字符，创建后不能修改",
    accountFixed: "账号创建后不能修改",
    password: "初始密码",
    passwordRequired: "初始密码 *",
    newPassword: "新密码",
    passwordHint: "1–20 个字符",
    passwordDefault: "留空则使用团队默认密码",
    passwordKeep: "留空则不修改；修改后该客服需重新登录",
    generate: "随机生成",
    show: "显示",
    hide: "隐藏",
    name: "姓名",
    namePlaceholder: "客户看到的名字",
    sNum: "工号 *",
    gender: "性别",
    female: "女",
    male: "男",
    mobile: "手机",
    fixnumber: "座机",
    email: "邮箱",
    qq: "QQ",
    departments: "所属部门",
    noDepartments: "还没有部门，可在「部门」页创建",
    admin: "管理员",
    makeAdmin: "设为管理员",
    adminHint: "可以进入管理后台，管理客服、部门和设置",
    adminSelf: "不能取消自己的管理员身份",
    maxChats: "同时接待上限",
    maxChatsHint: "留空则跟随团队设置（{n} 个）；0 表示不分配新会话",
    cancel: "取消",
    create: "创建客服",
    save: "保存",
    saving: "保存中…",
    required: "此项必填",
    created: "已创建客服 {name}",
    saved: "已保存 {name}",
    fixErrors: "请先修正标出的项",
  },
  {
    createTitle: "New agent",
    editTitle: "Edit agent · {name}",
    sectionAccount: "Account",
    sectionContact: "Contact and profile",
    sectionWork: "Work and role",
    sectionCustom: "Custom fields",
    account: "Sign-in account *",
    accountHint: "1–20 characters; cannot change later",
    accountFixed: "An account never changes",
    password: "Initial password",
    passwordRequired: "Initial password *",
    newPassword: "New password",
    passwordHint: "1–20 characters",
    passwordDefault: "Leave empty for the team's default password",
    passwordKeep: "Leave empty to keep it; a change signs the agent out",
    generate: "Generate",
    show: "Show",
    hide: "Hide",
    name: "Name",
    namePlaceholder: "The name customers see",
    sNum: "Employee no. *",
    gender: "Gender",
    female: "Female",
    male: "Male",
    mobile: "Mobile",
    fixnumber: "Phone",
    email: "E-mail",
    qq: "QQ",
    departments: "Departments",
    noDepartments: "No departments yet; create them on the Departments page",
    admin: "Administrator",
    makeAdmin: "Make administrator",
    adminHint: "Can open the admin area to manage agents, departments and settings",
    adminSelf: "You cannot remove your own admin role",
    maxChats: "Max concurrent chats",
    maxChatsHint: "Empty follows the team setting ({n}); 0 assigns no new chats",
    cancel: "Cancel",
    create: "Create agent",
    save: "Save",
    saving: "Saving…",
    required: "Required",
    created: "Created agent {name}",
    saved: "Saved {name}",
    fixErrors: "Fix the marked fields first",
  },
);

/**
 * @typedef {{
 *   agent: SupportAgent | null,
 *   account: string, password: string, showPassword: boolean, name: string, sNum: string,
 *   gender: string, mobile: string, fixnumber: string, email: string, qq: string,
 *   groups: number[], isAdmin: boolean, maxChats: string,
 *   custom: Record<string, CustomValue>,
 *   errors: Record<string, unknown>, error: unknown, busy: boolean,
 * }} AgentForm
 */

/** @type {AgentForm | null} */
let form = null;

/** Opens the dialog for a new agent (`null`) or to edit one. @param {SupportAgent | null} agent */
export function openAgentForm(agent) {
  /** @type {Record<string, CustomValue>} */
  const custom = {};
  for (const def of team.settings?.custom_fields ?? []) {
    const stored = agent?.custom_fields?.find((c) => c.key === def.key);
    custom[def.key] = stored ? formValue(def, stored.value) : emptyValue(def);
  }
  form = {
    agent,
    account: agent?.sPassportName ?? "",
    password: "",
    showPassword: false,
    name: agent?.name ?? "",
    sNum: agent?.sNum ?? "",
    gender: agent?.gnder === "2" ? "2" : "1",
    mobile: agent?.mobile ?? "",
    fixnumber: agent?.fixnumber ?? "",
    email: agent?.email ?? "",
    qq: agent?.QQ ?? "",
    groups: agent ? groupIdsOf(agent) : [],
    isAdmin: agent ? isAdmin(agent) : false,
    maxChats: agent?.maxChats === null || agent?.maxChats === undefined ? "" : String(agent.maxChats),
    custom,
    errors: {},
    error: null,
    busy: false,
  };
  update();
  afterRender(() => /** @type {HTMLElement | null} */ (document.querySelector(agent ? "#agent-name" : "#agent-account"))?.focus());
}

function close() {
  form = null;
  update();
}

/** A random password of 10 letters and digits, easy to read out (no 0/O, 1/l). */
function randomPassword() {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** The fields the browser can check; the server checks them all again. @param {AgentForm} f */
function checkForm(f) {
  /** @type {Record<string, unknown>} */
  const errors = {};
  if (!f.agent && !f.account.trim()) errors.sPassportName = t("required");
  if (!f.agent && !f.sNum.trim()) errors.sNum = t("required");
  if (!f.agent && !f.password && !team.settings?.default_password_set) errors.password = t("required");
  for (const def of team.settings?.custom_fields ?? []) {
    const problem = checkValue(def, f.custom[def.key]);
    if (problem) errors[`custom:${def.key}`] = problem;
  }
  return errors;
}

/** The `support` body: everything on create, what can change on edit. @param {AgentForm} f */
function body(f) {
  /** @type {Record<string, unknown>} */
  const support = {
    name: f.name.trim(),
    sNum: f.sNum.trim(),
    gnder: f.gender,
    mobile: f.mobile.trim(),
    fixnumber: f.fixnumber.trim(),
    email: f.email.trim(),
    QQ: f.qq.trim(),
    groupId: [...f.groups].sort((a, b) => a - b).join(","),
    maxChats: f.maxChats.trim() === "" ? null : f.maxChats.trim(),
  };
  if (f.agent) support.sPassportName = f.agent.sPassportName;
  else support.sPassportName = f.account.trim();
  if (f.password) support.password = f.password;
  // Admins may not send their own isAdmin as anything but what it is.
  if (!(f.agent && isMe(f.agent))) support.isAdmin = f.isAdmin ? "1" : "0";
  const custom = [];
  for (const def of team.settings?.custom_fields ?? []) {
    const v = f.custom[def.key];
    // On create an empty field is left out; on edit "" clears it.
    if (!f.agent && isEmpty(v)) continue;
    if (f.agent && isEmpty(v) && !f.agent.custom_fields?.some((c) => c.key === def.key)) continue;
    custom.push({ key: def.key, value: requestValue(def, v) });
  }
  if (custom.length) support.custom_fields = custom;
  return { support };
}

async function submit() {
  const f = form;
  if (!f || f.busy) return;
  f.errors = checkForm(f);
  f.error = Object.keys(f.errors).length ? t("fixErrors") : null;
  if (f.error) {
    showFirstError();
    return;
  }
  f.busy = true;
  update();
  try {
    const r = f.agent
      ? await adminApi("PUT", `/supports/${f.agent.sId}.json`, { json: body(f) })
      : await adminApi("POST", "/supports.json", { json: body(f) });
    const saved = /** @type {SupportAgent} */ (r.support);
    storeAgent(saved);
    // Department member counts moved.
    if (f.agent === null || String(f.agent.groupId) !== String(saved.groupId)) reloadAgents();
    toast(t(f.agent ? "saved" : "created", { name: displayName(saved) }));
    if (form === f) form = null;
  } catch (e) {
    const creating = !f.agent;
    const place = errorPlace(e);
    const shown = teamError(e, place === "sPassportName" ? "account" : "agent");
    f.errors = place ? { [place]: shown } : {};
    f.error = place ? t("fixErrors") : shown;
    f.busy = false;
    if (place) showFirstError();
  }
  update();
}

/** Brings the first marked field into view (the form scrolls) and focuses it. */
function showFirstError() {
  afterRender(() => {
    const box = document.getElementById("agent-dialog");
    const el = box?.querySelector('[aria-invalid="true"]') ?? box?.querySelector(".admin-field-error");
    el?.scrollIntoView({ block: "center" });
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) el.focus();
  });
}

/**
 * A text input bound to one of the form's strings; typing clears its error.
 * @typedef {"account" | "password" | "name" | "sNum" | "mobile" | "fixnumber" | "email" | "qq"} TextKey
 * @param {AgentForm} f
 * @param {TextKey} key
 * @param {string} errorKey the server's name of the field
 * @param {{ id: string, type?: string, maxlength?: number, placeholder?: string, autocomplete?: string, inputmode?: string }} attrs
 */
function textInput(f, key, errorKey, attrs) {
  /** @param {Event} e */
  const onInput = (e) => {
    f[key] = valueOf(e);
    if (f.errors[errorKey]) {
      delete f.errors[errorKey];
      update();
    }
  };
  return html`<input id=${attrs.id} name=${errorKey} type=${attrs.type ?? "text"} maxlength=${attrs.maxlength ?? 100}
    placeholder=${attrs.placeholder ?? ""} autocomplete=${attrs.autocomplete ?? "off"} inputmode=${attrs.inputmode ?? "text"}
    aria-invalid=${f.errors[errorKey] ? "true" : "false"} .value=${live(f[key])}
    @input=${onInput} @change=${onInput}>`;
}

/** @param {AgentForm} f */
function accountSection(f) {
  const editing = !!f.agent;
  const passwordHint = editing ? t("passwordKeep") : team.settings?.default_password_set ? t("passwordDefault") : t("passwordHint");
  const passwordLabel = editing ? t("newPassword") : team.settings?.default_password_set ? t("password") : t("passwordRequired");
  return html`<fieldset class="team-section">
    <legend>${t("sectionAccount")}</legend>
    <div class="admin-form">
      ${editing
        ? field(t("account"), html`<input id="agent-account" class="mono" .value=${f.account} readonly aria-readonly="true">`, { hint: t("accountFixed") })
        : field(t("account"), textInput(f, "account", "sPassportName", { id: "agent-account", maxlength: 20, autocomplete: "off" }),
          { hint: t("accountHint"), error: f.errors.sPassportName })}
      ${field(passwordLabel, html`<span class="team-password">
          ${textInput(f, "password", "password", { id: "agent-password", type: f.showPassword ? "text" : "password", maxlength: 20, autocomplete: "new-password" })}
          <button type="button" class="btn ghost small" @click=${() => { f.showPassword = !f.showPassword; update(); }}>${f.showPassword ? t("hide") : t("show")}</button>
          <button type="button" class="btn small" @click=${() => { f.password = randomPassword(); f.showPassword = true; delete f.errors.password; update(); }}>${t("generate")}</button>
        </span>`, { hint: passwordHint, error: f.errors.password })}
      ${field(t("name"), textInput(f, "name", "name", { id: "agent-name", maxlength: 50, placeholder: t("namePlaceholder") }), { error: f.errors.name })}
      ${field(t("sNum"), textInput(f, "sNum", "sNum", { id: "agent-snum", maxlength: 20 }), { error: f.errors.sNum })}
    </div>
  </fieldset>`;
}

/** @param {AgentForm} f */
function contactSection(f) {
  return html`<fieldset class="team-section">
    <legend>${t("sectionContact")}</legend>
    <div class="admin-form">
      ${field(t("mobile"), textInput(f, "mobile", "mobile", { id: "agent-mobile", type: "tel", maxlength: 30, inputmode: "tel" }), { error: f.errors.mobile })}
      ${field(t("email"), textInput(f, "email", "email", { id: "agent-email", type: "email", maxlength: 100 }), { error: f.errors.email })}
      ${field(t("fixnumber"), textInput(f, "fixnumber", "fixnumber", { id: "agent-fixnumber", type: "tel", maxlength: 30, inputmode: "tel" }), { error: f.errors.fixnumber })}
      ${field(t("qq"), textInput(f, "qq", "QQ", { id: "agent-qq", maxlength: 20, inputmode: "numeric" }), { error: f.errors.QQ })}
      ${field(t("gender"), html`<select id="agent-gender" @change=${(/** @type {Event} */ e) => { f.gender = valueOf(e); }}>
          <option value="1" .selected=${live(f.gender === "1")}>${t("female")}</option>
          <option value="2" .selected=${live(f.gender === "2")}>${t("male")}</option>
        </select>`)}
    </div>
  </fieldset>`;
}

/** @param {AgentForm} f */
function workSection(f) {
  const groups = team.groups ?? [];
  const self = !!f.agent && isMe(f.agent);
  return html`<fieldset class="team-section">
    <legend>${t("sectionWork")}</legend>
    <div class="admin-form">
      <div class="admin-field wide" role="group" aria-label=${t("departments")}>
        <span class="admin-label">${t("departments")}</span>
        ${groups.length
          ? html`<div class="team-choices" id="agent-groups">
              ${groups.map((g) => {
                const on = f.groups.includes(g.groupId);
                return html`<label class="team-choice ${on ? "on" : ""}">
                  <input type="checkbox" value=${String(g.groupId)} .checked=${live(on)}
                    @change=${(/** @type {Event} */ e) => { f.groups = checkedOf(e) ? [...f.groups, g.groupId] : f.groups.filter((x) => x !== g.groupId); delete f.errors.groupId; update(); }}>
                  <span>${g.name}</span>
                </label>`;
              })}
            </div>`
          : html`<span class="admin-hint">${t("noDepartments")}</span>`}
        ${f.errors.groupId ? html`<span class="admin-field-error">${errorView(f.errors.groupId)}</span>` : nothing}
      </div>
      ${field(t("maxChats"), html`<input id="agent-maxchats" name="maxChats" type="number" min="0" max="1000" step="1" inputmode="numeric"
          placeholder=${String(team.settings?.max_chats ?? "")} aria-invalid=${f.errors.maxChats ? "true" : "false"} .value=${live(f.maxChats)}
          @input=${(/** @type {Event} */ e) => { f.maxChats = valueOf(e); delete f.errors.maxChats; }}
          @change=${(/** @type {Event} */ e) => { f.maxChats = valueOf(e); }}>`,
        { hint: t("maxChatsHint", { n: team.settings?.max_chats ?? 5 }), error: f.errors.maxChats })}
      <div class="admin-field">
        <span class="admin-label">${t("admin")}</span>
        <label class="admin-check team-admin-check">
          <input id="agent-admin" type="checkbox" .checked=${live(f.isAdmin)} ?disabled=${self}
            @change=${(/** @type {Event} */ e) => { f.isAdmin = checkedOf(e); update(); }}>
          <span>${t("makeAdmin")}</span>
        </label>
        <span class="admin-hint">${self ? t("adminSelf") : t("adminHint")}</span>
        ${f.errors.isAdmin ? html`<span class="admin-field-error">${errorView(f.errors.isAdmin)}</span>` : nothing}
      </div>
    </div>
  </fieldset>`;
}

/** @param {AgentForm} f */
function customSection(f) {
  const defs = team.settings?.custom_fields ?? [];
  if (!defs.length) return nothing;
  return html`<fieldset class="team-section">
    <legend>${t("sectionCustom")}</legend>
    <div class="admin-form">
      ${defs.map((def) => customFieldControl(def, f.custom[def.key], (v) => {
        f.custom[def.key] = v;
        delete f.errors[`custom:${def.key}`];
        update();
      }, f.errors[`custom:${def.key}`]))}
    </div>
    ${f.errors.custom_fields ? html`<p class="admin-field-error">${errorView(f.errors.custom_fields)}</p>` : nothing}
  </fieldset>`;
}

/** The dialog, when open. */
export function agentFormView() {
  const f = form;
  if (!f) return nothing;
  return dialog({
    id: "agent-dialog",
    wide: true,
    title: f.agent ? t("editTitle", { name: displayName(f.agent) }) : t("createTitle"),
    onClose: close,
    body: html`<form id="agent-form" class="team-agent-form" novalidate
        @submit=${(/** @type {Event} */ e) => { e.preventDefault(); submit(); }}>
      ${accountSection(f)}
      ${workSection(f)}
      ${contactSection(f)}
      ${customSection(f)}
      <button type="submit" hidden></button>
    </form>`,
    actions: html`<span class="team-dialog-error" role="alert">${errorView(f.error)}</span>
      <button type="button" class="btn ghost" @click=${close}>${t("cancel")}</button>
      <button type="submit" form="agent-form" id="agent-save" class="btn primary solid" ?disabled=${f.busy}>
        ${f.busy ? t("saving") : f.agent ? t("save") : t("create")}
      </button>`,
  });
}
