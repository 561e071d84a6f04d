// The admin page "排班": the duty roster as a week, agents as rows and
// Monday–Sunday (the tenant's time zone) as columns, the way a support team
// reads a roster: who works when, at a glance. Click an empty cell to add a
// shift, a shift to change it; a shift that has started cannot be deleted.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { emptyState, failedState, pageHeader, valueOf } from "./ui.js";
import { update } from "../state.js";
import { openCreate, openEdit, shiftDialog } from "./schedules/dialog.js";
import { lockIcon } from "./schedules/icons.js";
import { dayLabel, monthDay, weekLabel, weekdayName } from "./schedules/labels.js";
import { personLabel } from "./schedules/people.js";
import { loadAll, moveWeek, now, rows, sched, shiftsOf } from "./schedules/store.js";
import { addDays, dutyNow, hasStarted, hhmm, mondayOf, phaseOf, zoneLabel } from "./schedules/time.js";

/** @typedef {import("./schedules/store.js").Shift} Shift */
/** @typedef {import("./schedules/people.js").Person} Person */

const t = catalog(
  {
    title: "排班",
    subtitle: "按周安排客服的值班时间；时间按企业时区（{zone}）计算",
    newShift: "新建班次",
    rule: "派单规则：今天有排班的客服，只在班次时间内（含开始时刻、不含结束时刻）接收新会话；今天没有排班的客服不受排班限制，在线即可接待。已开始的班次不能删除。",
    prevWeek: "上一周",
    thisWeek: "本周",
    nextWeek: "下一周",
    department: "部门",
    allDepartments: "全部部门",
    agent: "客服",
    today: "今天",
    nowAt: "现在 {time}",
    summary: "{agents} 位客服 · 本周 {shifts} 个班次",
    noShifts: "本周还没有排班，点击格子即可新建",
    loading: "加载中…",
    retry: "重试",
    noAgents: "还没有客服",
    noAgentsHint: "先在「客服」页添加客服，再来排班",
    noDeptAgents: "这个部门还没有客服",
    noDeptAgentsHint: "换个部门，或在「客服」页把客服加入这个部门",
    dutyOn: "值班中",
    dutyOnTip: "现在在班次时间内：在线时会分配新会话",
    dutyOff: "不在班次内",
    dutyOffTip: "今天有排班，但现在不在班次时间内：不会分配新会话",
    dutyFree: "今日未排班",
    dutyFreeTip: "今天没有排班：不受排班限制，在线即可接待",
    recycled: "回收站",
    recycledTip: "客服在回收站中，不会分配会话",
    addIn: "为{who}新建 {day} 的班次",
    shiftTip: "{who} · {day} {start}–{end}",
    editTip: "点击编辑",
    liveTip: "进行中，不能删除；点击可修改时间和说明",
    overTip: "已结束，不能删除；点击可查看或修改记录",
    upcoming: "待开始",
    live: "进行中",
    over: "已结束",
    locked: "已开始的班次不可删除",
  },
  {
    title: "Schedules",
    subtitle: "Agents' duty hours by week, in the tenant's time zone ({zone})",
    newShift: "New shift",
    rule: "Routing: an agent with shifts today is given new chats only inside one of them (from the start, up to but not including the end); an agent with no shifts today is not restricted. A shift that has started cannot be deleted.",
    prevWeek: "Previous week",
    thisWeek: "This week",
    nextWeek: "Next week",
    department: "Department",
    allDepartments: "All departments",
    agent: "Agent",
    today: "Today",
    nowAt: "Now {time}",
    summary: "{agents} agents · {shifts} shifts this week",
    noShifts: "No shifts this week yet: click a cell to add one",
    loading: "Loading…",
    retry: "Retry",
    noAgents: "No agents yet",
    noAgentsHint: "Add agents on the Agents page first",
    noDeptAgents: "This department has no agents",
    noDeptAgentsHint: "Pick another department, or add agents to it on the Agents page",
    dutyOn: "On duty",
    dutyOnTip: "Inside a shift now: given new chats while online",
    dutyOff: "Off shift",
    dutyOffTip: "Has shifts today but not now: given no new chats",
    dutyFree: "No shift today",
    dutyFreeTip: "No shifts today: not restricted, takes chats while online",
    recycled: "Recycle bin",
    recycledTip: "In the recycle bin: given no chats",
    addIn: "New shift for {who} on {day}",
    shiftTip: "{who} · {day} {start}–{end}",
    editTip: "Click to edit",
    liveTip: "Under way: cannot be deleted; click to change its hours or notes",
    overTip: "Over: cannot be deleted; click to view or change the record",
    upcoming: "Upcoming",
    live: "Under way",
    over: "Over",
    locked: "Started shifts cannot be deleted",
  },
);

/** The shown week's seven dates. */
function weekDates() {
  return Array.from({ length: 7 }, (_, i) => addDays(sched.week, i));
}

function header() {
  return pageHeader(
    t("title"),
    html`<button type="button" id="shift-new" class="btn primary solid" ?disabled=${!sched.people}
      @click=${() => openCreate(null, defaultDate())}>${t("newShift")}</button>`,
    t("subtitle", { zone: zoneLabel(sched.offset) }),
  );
}

/** Today when it is in the shown week, else the week's Monday. */
function defaultDate() {
  const today = now().date;
  return mondayOf(today) === sched.week ? today : sched.week;
}

function toolbar() {
  return html`<div class="admin-toolbar sched-toolbar">
    <div class="sched-weeknav" role="group" aria-label=${weekLabel(sched.week)}>
      <button type="button" id="week-prev" class="btn small" @click=${() => moveWeek(-1)}>‹ ${t("prevWeek")}</button>
      <button type="button" id="week-this" class="btn small" ?disabled=${sched.week === mondayOf(now().date)}
        @click=${() => moveWeek(0)}>${t("thisWeek")}</button>
      <button type="button" id="week-next" class="btn small" @click=${() => moveWeek(1)}>${t("nextWeek")} ›</button>
    </div>
    <span class="sched-week-label" id="week-label">${weekLabel(sched.week)}</span>
    ${sched.departments.length
      ? html`<label class="sched-filter">${t("department")}
          <select id="sched-department" .value=${sched.department}
            @change=${(/** @type {Event} */ e) => { sched.department = valueOf(e); update(); }}>
            <option value="" ?selected=${!sched.department}>${t("allDepartments")}</option>
            ${sched.departments.map((g) => html`<option value=${g.groupId} ?selected=${sched.department === g.groupId}>${g.name}</option>`)}
          </select></label>`
      : nothing}
  </div>`;
}

function rule() {
  return html`<p class="sched-rule" id="sched-rule">${t("rule")}</p>`;
}

/** @param {Person} p */
function dutyPill(p) {
  if (!p.active) return html`<span class="admin-pill danger" title=${t("recycledTip")}>${t("recycled")}</span>`;
  const todays = sched.today.filter((s) => s.sid === p.sId);
  const duty = dutyNow(todays, now());
  if (duty === "on") return html`<span class="admin-pill ok" data-duty="on" title=${t("dutyOnTip")}>${t("dutyOn")}</span>`;
  if (duty === "off") return html`<span class="admin-pill warn" data-duty="off" title=${t("dutyOffTip")}>${t("dutyOff")}</span>`;
  return html`<span class="admin-pill" data-duty="free" title=${t("dutyFreeTip")}>${t("dutyFree")}</span>`;
}

/** @param {string} date */
function dayHead(date) {
  const n = now();
  const today = date === n.date;
  return html`<th scope="col" class="sched-day ${today ? "today" : ""}" data-date=${date} aria-current=${today ? "date" : "false"}>
    <span class="sched-day-name">${weekdayName(date)}</span>
    <span class="sched-day-date">${monthDay(date)}</span>
    ${today ? html`<span class="sched-now">${t("nowAt", { time: hhmm(Math.floor(n.seconds / 60)) })}</span>` : nothing}
  </th>`;
}

/** @param {Shift} s @param {Person} p */
function block(s, p) {
  const n = now();
  const phase = phaseOf(s.date, s.start_time, s.end_time, n);
  const started = hasStarted(s.date, s.start_time, n);
  const tip = [
    t("shiftTip", { who: personLabel(p), day: dayLabel(s.date), start: s.start_time, end: s.end_time }),
    s.name,
    s.remark,
    phase === "live" ? t("liveTip") : phase === "over" ? t("overTip") : t("editTip"),
  ].filter(Boolean).join("\n");
  return html`<button type="button" class="sched-shift ${phase}" data-duty-id=${s.dutyId} data-sid=${String(s.sid)}
    data-date=${s.date} data-locked=${started ? "true" : "false"} data-phase=${phase} title=${tip} aria-label=${tip}
    @click=${(/** @type {Event} */ e) => { e.stopPropagation(); openEdit(s); }}>
    <span class="sched-shift-time">${s.start_time}–${s.end_time}</span>
    ${s.name ? html`<span class="sched-shift-name">${s.name}</span>` : nothing}
    ${phase === "live" ? lockIcon() : nothing}
  </button>`;
}

/** @param {Person} p @param {string} date */
function cell(p, date) {
  const label = t("addIn", { who: p.name, day: dayLabel(date) });
  const add = () => openCreate(p.sId, date);
  return html`<td class="sched-cell ${date === now().date ? "today" : ""}" data-sid=${String(p.sId)} data-date=${date}
    @click=${(/** @type {Event} */ e) => { if (e.target === e.currentTarget) add(); }}>
    ${shiftsOf(p.sId, date).map((s) => block(s, p))}
    ${p.active ? html`<button type="button" class="sched-add" title=${label} aria-label=${label} @click=${add}>+</button>` : nothing}
  </td>`;
}

/** @param {Person} p */
function row(p) {
  return html`<tr data-sid=${String(p.sId)}>
    <th scope="row" class="sched-agent">
      <span class="sched-agent-name">${p.name}</span>
      <span class="sched-agent-meta">${p.sNum || p.account}</span>
      ${dutyPill(p)}
    </th>
    ${weekDates().map((date) => cell(p, date))}
  </tr>`;
}

function legend() {
  return html`<div class="sched-legend" aria-hidden="true">
    <span><i class="sched-swatch upcoming"></i>${t("upcoming")}</span>
    <span><i class="sched-swatch live"></i>${t("live")}</span>
    <span><i class="sched-swatch over"></i>${t("over")}</span>
    <span>${lockIcon()} ${t("locked")}</span>
  </div>`;
}

function week() {
  if (sched.error) return html`<div class="admin-card">${failedState(sched.error, () => void loadAll(), t("retry"))}</div>`;
  if (!sched.people || !sched.week) return html`<div class="admin-card">${emptyState(t("loading"))}</div>`;
  const people = rows();
  if (people.length === 0) {
    return html`<div class="admin-card">${sched.department
      ? emptyState(t("noDeptAgents"), t("noDeptAgentsHint"))
      : emptyState(t("noAgents"), t("noAgentsHint"))}</div>`;
  }
  const shown = new Set(people.map((p) => p.sId));
  const count = (sched.shifts ?? []).filter((s) => shown.has(s.sid)).length;
  return html`<div class="admin-card sched-card" id="sched-week" data-week=${sched.week} aria-busy=${sched.loading ? "true" : "false"}>
    <div class="admin-card-header">
      ${legend()}
      <span class="muted small" id="sched-summary">${sched.loading
        ? t("loading")
        : count ? t("summary", { agents: people.length, shifts: count }) : t("noShifts")}</span>
    </div>
    <div class="sched-scroll">
      <table class="sched-table">
        <thead><tr><th scope="col" class="sched-agent-head">${t("agent")}</th>${weekDates().map(dayHead)}</tr></thead>
        <tbody>${people.map(row)}</tbody>
      </table>
    </div>
  </div>`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "schedules",
  title: () => t("title"),
  view: () => html`${header()}${rule()}${sched.week ? toolbar() : nothing}${week()}${shiftDialog()}`,
  open: () => void loadAll(),
};
