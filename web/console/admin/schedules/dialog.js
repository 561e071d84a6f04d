// The shift dialog: create one (agent, date, hours, name, remark, link),
// change one (its agent and date never change, as the API says), delete
// one that has not started. Mistakes are caught here first and shown at
// their field; what the server still refuses is shown the same way.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { afterRender, toast, update } from "../../state.js";
import { errorView } from "../../errors.js";
import { adminApi, adminCode, adminField } from "../api.js";
import { catalog } from "../i18n.js";
import { dialog, field, valueOf } from "../ui.js";
import { personLabel } from "./people.js";
import { loadWeek, now, personOf, sched } from "./store.js";
import { hasStarted, isDate, minutesOf, mondayOf, tenantNow } from "./time.js";
import { dayLabel } from "./labels.js";
import { i18n } from "../../i18n.js";
import { lockIcon } from "./icons.js";

/** @typedef {import("./store.js").Shift} Shift */

const t = catalog(
  {
    createTitle: "新建班次",
    editTitle: "编辑班次",
    agent: "客服",
    pickAgent: "请选择客服",
    date: "日期",
    start: "开始时间",
    end: "结束时间",
    name: "班次名称",
    namePlaceholder: "如：早班（可不填）",
    remark: "备注",
    url: "链接",
    urlHint: "点击排班后打开，如值班手册；可不填",
    presets: "常用时段",
    fixedHint: "客服和日期不能修改；如需调整，请删除后重新创建",
    fixedStartedHint: "客服和日期不能修改",
    timeHint: "班次不跨午夜",
    cancel: "取消",
    save: "保存",
    create: "创建",
    saving: "保存中…",
    delete: "删除班次",
    confirmDelete: "确定删除这个班次吗？删除后不可恢复。",
    confirm: "确认删除",
    back: "不删除",
    liveLocked: "班次已于 {start} 开始，正在进行中，不能删除；仍可调整时间和说明。",
    overLocked: "班次已结束，不能删除；仍可修改记录。",
    needAgent: "请选择客服",
    needDate: "请选择日期",
    needTime: "请填写时间，格式如 09:00",
    endAfterStart: "结束时间须晚于开始时间（班次不能跨过午夜）",
    nameTooLong: "班次名称最多 30 个字",
    remarkTooLong: "备注最多 200 个字",
    badUrl: "链接须以 http:// 或 https:// 开头，且不含空格",
    noAgent: "该客服不存在或已被彻底删除",
    startedRefused: "这个班次已经开始，服务器拒绝删除。已开始的班次只能修改，不能删除。",
    goneRefused: "这个班次已不存在，可能已被其他管理员删除。",
    created: "已创建班次：{who} {day} {start}–{end}",
    saved: "班次已保存",
    deleted: "班次已删除",
  },
  {
    createTitle: "New shift",
    editTitle: "Edit shift",
    agent: "Agent",
    pickAgent: "Choose an agent",
    date: "Date",
    start: "Start",
    end: "End",
    name: "Shift name",
    namePlaceholder: "e.g. Morning (optional)",
    remark: "Remark",
    url: "Link",
    urlHint: "Opened from the shift, e.g. a handbook; optional",
    presets: "Common hours",
    fixedHint: "The agent and date cannot change; delete the shift and create another instead",
    fixedStartedHint: "The agent and date cannot change",
    timeHint: "Shifts do not cross midnight",
    cancel: "Cancel",
    save: "Save",
    create: "Create",
    saving: "Saving…",
    delete: "Delete shift",
    confirmDelete: "Delete this shift? This cannot be undone.",
    confirm: "Delete",
    back: "Keep it",
    liveLocked: "This shift started at {start} and is under way: it cannot be deleted, but its hours and notes can still change.",
    overLocked: "This shift is over: it cannot be deleted, but its record can still change.",
    needAgent: "Choose an agent",
    needDate: "Choose a date",
    needTime: "Enter a time like 09:00",
    endAfterStart: "The end must be after the start (shifts do not cross midnight)",
    nameTooLong: "At most 30 characters",
    remarkTooLong: "At most 200 characters",
    badUrl: "A link starts with http:// or https:// and has no spaces",
    noAgent: "This agent no longer exists",
    startedRefused: "This shift has started, so the server refused to delete it. A started shift can be changed, not deleted.",
    goneRefused: "This shift no longer exists; another admin may have deleted it.",
    created: "Shift created: {who} {day} {start}–{end}",
    saved: "Shift saved",
    deleted: "Shift deleted",
  },
);

/** Hours a support team books most; one click fills them. */
const PRESETS = [
  { zh: "早班", en: "Morning", start: "08:00", end: "12:00" },
  { zh: "午班", en: "Afternoon", start: "13:00", end: "18:00" },
  { zh: "晚班", en: "Evening", start: "18:00", end: "23:00" },
  { zh: "全天", en: "Full day", start: "09:00", end: "18:00" },
];

/** @typedef {"sid" | "date" | "start_time" | "end_time" | "name" | "remark" | "url"} Field */
const FIELDS = ["sid", "date", "start_time", "end_time", "name", "remark", "url"];

const blank = () => ({
  open: false,
  /** @type {Shift | null} null: a new shift */
  shift: /** @type {Shift | null} */ (null),
  sid: "",
  date: "",
  start_time: "",
  end_time: "",
  name: "",
  remark: "",
  url: "",
  /** @type {Partial<Record<Field, unknown>>} */
  errors: /** @type {Partial<Record<Field, unknown>>} */ ({}),
  /** @type {unknown} what belongs to no field */
  error: /** @type {unknown} */ (null),
  busy: false,
  confirming: false,
  /** the server said it has started (the browser's clock may be behind) */
  refusedDelete: false,
});

let d = blank();

/** Opens the dialog for a new shift, for this agent and date when given. @param {number | null} sid @param {string} date */
export function openCreate(sid, date) {
  d = { ...blank(), open: true, sid: sid === null ? "" : String(sid), date };
  focusFirst();
}

/** @param {Shift} shift */
export function openEdit(shift) {
  d = {
    ...blank(),
    open: true,
    shift,
    sid: String(shift.sid),
    date: shift.date,
    start_time: shift.start_time,
    end_time: shift.end_time,
    name: shift.name,
    remark: shift.remark,
    url: shift.url,
  };
  focusFirst();
}

function focusFirst() {
  update();
  afterRender(() => /** @type {HTMLElement | null} */ (document.querySelector("#shift-dialog select, #shift-dialog input"))?.focus());
}

function close() {
  d = blank();
  update();
}

/** @returns {Partial<Record<Field, string>>} the mistakes the form shows before sending */
function mistakes() {
  /** @type {Partial<Record<Field, string>>} */
  const m = {};
  if (!d.shift && !d.sid) m.sid = t("needAgent");
  if (!d.shift && !isDate(d.date)) m.date = t("needDate");
  const start = minutesOf(d.start_time);
  const end = minutesOf(d.end_time);
  if (start === null) m.start_time = t("needTime");
  if (end === null) m.end_time = t("needTime");
  else if (start !== null && end <= start) m.end_time = t("endAfterStart");
  if ([...d.name].length > 30) m.name = t("nameTooLong");
  if ([...d.remark].length > 200) m.remark = t("remarkTooLong");
  if (d.url && !/^https?:\/\/[^\s/]+\S*$/i.test(d.url)) m.url = t("badUrl");
  return m;
}

function body() {
  const text = { name: d.name.trim(), remark: d.remark.trim(), start_time: d.start_time, end_time: d.end_time };
  return d.url.trim() ? { ...text, url: d.url.trim() } : text;
}

async function save() {
  d.errors = mistakes();
  d.error = null;
  if (Object.keys(d.errors).length > 0) return update();
  d.busy = true;
  update();
  try {
    if (d.shift) {
      await adminApi("PUT", "/schedules.json", { query: { dutyId: d.shift.dutyId }, json: { duty: body() } });
      toast(t("saved"));
    } else {
      await adminApi("POST", "/schedules.json", { json: { duty: [{ sid: d.sid, date: d.date, schedules: [body()] }] } });
      announceCreated();
    }
    close();
    void loadWeek();
  } catch (e) {
    d.busy = false;
    refused(e);
  }
}

/** A toast for the new shift; the week view moves to show it. */
function announceCreated() {
  const who = personOf(Number(d.sid));
  toast(t("created", { who: who?.name ?? d.sid, day: dayLabel(d.date), start: d.start_time, end: d.end_time }));
  sched.week = mondayOf(d.date);
}

async function remove() {
  if (!d.shift) return;
  d.busy = true;
  d.error = null;
  update();
  try {
    await adminApi("DELETE", "/schedules.json", { query: { dutyId: d.shift.dutyId } });
    toast(t("deleted"));
    close();
  } catch (e) {
    d.busy = false;
    d.confirming = false;
    refused(e, true);
  }
  void loadWeek();
}

/** Shows a refusal where it belongs. @param {unknown} e @param {boolean} [deleting] */
function refused(e, deleting = false) {
  const code = adminCode(e);
  const blamed = adminField(e);
  // The browser's clock said not yet; the server's says it has started.
  d.refusedDelete = code === "10050" && deleting;
  if (d.refusedDelete) d.error = t("startedRefused");
  else if (code === "10040") d.error = t("goneRefused");
  else if (code === "10011") d.errors = { sid: t("noAgent") };
  else if (blamed && FIELDS.includes(blamed)) d.errors = { [blamed]: e };
  else d.error = e;
  update();
}

/** @param {Field} key @returns {(e: Event) => void} */
const edit = (key) => (e) => {
  d[key] = valueOf(e);
  if (d.errors[key]) {
    d.errors = { ...d.errors, [key]: undefined };
  }
  update();
};

/** @param {(typeof PRESETS)[number]} p */
function usePreset(p) {
  d.start_time = p.start;
  d.end_time = p.end;
  const presetNames = PRESETS.flatMap((x) => [x.zh, x.en]);
  if (!d.name || presetNames.includes(d.name)) d.name = i18n.lang === "en" ? p.en : p.zh;
  d.errors = { ...d.errors, start_time: undefined, end_time: undefined, name: undefined };
  update();
}

/** @param {Field} key */
const invalid = (key) => (d.errors[key] ? "true" : "false");

function agentAndDate() {
  if (d.shift) {
    const who = personOf(d.shift.sid);
    const started = hasStarted(d.shift.date, d.shift.start_time, now());
    return html`<div class="sched-fixed" id="shift-fixed">
      <span class="sched-fixed-value">${who ? personLabel(who) : d.shift.sid} · ${dayLabel(d.shift.date)}</span>
      <span class="admin-hint">${started ? t("fixedStartedHint") : t("fixedHint")}</span>
    </div>`;
  }
  const people = (sched.people ?? []).filter((p) => p.active);
  return html`
    ${field(
      t("agent"),
      html`<select id="shift-agent" .value=${d.sid} aria-invalid=${invalid("sid")} @change=${edit("sid")}>
        <option value="" ?selected=${!d.sid}>${t("pickAgent")}</option>
        ${people.map((p) => html`<option value=${String(p.sId)} ?selected=${d.sid === String(p.sId)}>${personLabel(p)}</option>`)}
      </select>`,
      { error: d.errors.sid },
    )}
    ${field(
      t("date"),
      html`<input id="shift-date" type="date" .value=${d.date} aria-invalid=${invalid("date")} @input=${edit("date")}>`,
      { error: d.errors.date },
    )}`;
}

function presets() {
  const zh = i18n.lang !== "en";
  return html`<div class="sched-presets" role="group" aria-label=${t("presets")}>
    <span class="admin-hint">${t("presets")}</span>
    ${PRESETS.map(
      (p) => html`<button type="button" class="btn small" @click=${() => usePreset(p)}>
        ${zh ? p.zh : p.en} <span class="muted">${p.start}–${p.end}</span></button>`,
    )}
  </div>`;
}

function lockNote() {
  if (!d.shift) return nothing;
  const n = now();
  if (!hasStarted(d.shift.date, d.shift.start_time, n)) return nothing;
  const live = d.shift.date === n.date && (minutesOf(d.shift.end_time) ?? 0) > Math.floor(n.seconds / 60);
  return html`<p class="sched-lock-note" id="shift-locked">
    ${lockIcon()} ${live ? t("liveLocked", { start: d.shift.start_time }) : t("overLocked")}
  </p>`;
}

function form() {
  return html`${lockNote()}
    <div class="admin-form">
      ${agentAndDate()}
      ${field(
        t("start"),
        html`<input id="shift-start" type="time" step="60" .value=${d.start_time} aria-invalid=${invalid("start_time")}
          @input=${edit("start_time")}>`,
        { error: d.errors.start_time },
      )}
      ${field(
        t("end"),
        html`<input id="shift-end" type="time" step="60" .value=${d.end_time} aria-invalid=${invalid("end_time")}
          @input=${edit("end_time")}>`,
        { error: d.errors.end_time, hint: d.errors.end_time ? "" : t("timeHint") },
      )}
      ${presets()}
      ${field(
        t("name"),
        html`<input id="shift-name" type="text" maxlength="30" placeholder=${t("namePlaceholder")} .value=${d.name}
          aria-invalid=${invalid("name")} @input=${edit("name")}>`,
        { error: d.errors.name },
      )}
      ${field(
        t("url"),
        html`<input id="shift-url" type="url" placeholder="https://" .value=${d.url} aria-invalid=${invalid("url")}
          @input=${edit("url")}>`,
        { error: d.errors.url, hint: d.errors.url ? "" : t("urlHint") },
      )}
      ${field(
        t("remark"),
        html`<textarea id="shift-remark" maxlength="200" rows="2" .value=${d.remark} aria-invalid=${invalid("remark")}
          @input=${edit("remark")}></textarea>`,
        { error: d.errors.remark, wide: true },
      )}
    </div>
    ${d.error ? html`<p class="sched-dialog-error" role="alert" id="shift-error">${errorView(d.error)}</p>` : nothing}`;
}

function deletable() {
  return !!d.shift && !d.refusedDelete && !hasStarted(d.shift.date, d.shift.start_time, tenantNow(sched.offset, Date.now() / 1000));
}

function actions() {
  if (d.confirming) {
    return html`<span class="sched-confirm-text">${t("confirmDelete")}</span>
      <button type="button" class="btn" ?disabled=${d.busy} @click=${() => { d.confirming = false; update(); }}>${t("back")}</button>
      <button type="button" id="shift-delete-confirm" class="btn danger" ?disabled=${d.busy} @click=${remove}>${t("confirm")}</button>`;
  }
  return html`
    ${deletable()
      ? html`<button type="button" id="shift-delete" class="btn danger sched-delete" ?disabled=${d.busy}
          @click=${() => { d.confirming = true; d.error = null; update(); }}>${t("delete")}</button>`
      : nothing}
    <button type="button" id="shift-cancel" class="btn" @click=${close}>${t("cancel")}</button>
    <button type="button" id="shift-save" class="btn primary solid" ?disabled=${d.busy} @click=${save}>
      ${d.busy ? t("saving") : d.shift ? t("save") : t("create")}</button>`;
}

/** The dialog, when open. */
export function shiftDialog() {
  if (!d.open) return nothing;
  return dialog({
    id: "shift-dialog",
    title: d.shift ? t("editTitle") : t("createTitle"),
    body: form(),
    actions: actions(),
    onClose: close,
    wide: true,
  });
}
