// The admin page "签到记录": agents' check-ins and check-outs, newest first,
// filtered by agent and date range (the list's `sId`, `created_start` and
// `created_end`, dates in the tenant's time zone), a page at a time.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { update } from "../state.js";
import { adminApi } from "./api.js";
import { catalog } from "./i18n.js";
import { emptyState, failedState, pageHeader, valueOf } from "./ui.js";
import { loadOffset, loadPeople, personLabel } from "./schedules/people.js";
import { addDays, isDate, tenantNow } from "./schedules/time.js";

/**
 * One record as the list answers it.
 * @typedef {{ sId: number, name: string, sNum: string, remark: string, attachments: string[], kind: string, tags: string[], at: string, place: string }} Checkin
 */

const t = catalog(
  {
    title: "签到记录",
    subtitle: "客服的签到、签退记录；时间按企业时区计算",
    agent: "客服",
    allAgents: "全部客服",
    from: "从",
    to: "至",
    order: "排序",
    newest: "最新在前",
    oldest: "最早在前",
    today: "今天",
    week: "近 7 天",
    month: "近 30 天",
    all: "不限日期",
    badRange: "结束日期不能早于开始日期",
    time: "时间",
    kind: "类型",
    tags: "标签",
    place: "地点",
    remark: "备注",
    files: "附件",
    file: "附件 {n}",
    checkIn: "签到",
    checkOut: "签退",
    count: "共 {count} 条",
    pageOf: "第 {page} / {pages} 页",
    prev: "上一页",
    next: "下一页",
    loading: "加载中…",
    retry: "重试",
    none: "还没有签到记录",
    noneHint: "客服签到、签退后，记录会显示在这里",
    noMatch: "没有符合条件的签到记录",
    noMatchHint: "换个客服或日期范围试试",
  },
  {
    title: "Check-ins",
    subtitle: "Agents' check-ins and check-outs, in the tenant's time zone",
    agent: "Agent",
    allAgents: "All agents",
    from: "From",
    to: "to",
    order: "Order",
    newest: "Newest first",
    oldest: "Oldest first",
    today: "Today",
    week: "Last 7 days",
    month: "Last 30 days",
    all: "Any date",
    badRange: "The end date is before the start date",
    time: "Time",
    kind: "Type",
    tags: "Tags",
    place: "Location",
    remark: "Remark",
    files: "Attachments",
    file: "File {n}",
    checkIn: "Check-in",
    checkOut: "Check-out",
    count: "{count} records",
    pageOf: "Page {page} of {pages}",
    prev: "Previous",
    next: "Next",
    loading: "Loading…",
    retry: "Retry",
    none: "No check-ins yet",
    noneHint: "Agents' check-ins and check-outs show here",
    noMatch: "No check-ins match",
    noMatchHint: "Try another agent or date range",
  },
);

const PER_PAGE = 20;

const c = {
  /** @type {import("./schedules/people.js").Person[]} */
  people: [],
  offset: 8,
  sId: "",
  from: "",
  to: "",
  order: /** @type {"desc" | "asc"} */ ("desc"),
  page: 1,
  /** @type {Checkin[] | null} null while loading */
  rows: null,
  count: 0,
  /** @type {unknown} */
  error: null,
};

let generation = 0;

async function open() {
  c.rows = null;
  update();
  const [people, offset] = await Promise.all([loadPeople().catch(() => c.people), loadOffset()]);
  c.people = people;
  c.offset = offset;
  await load();
}

function filtered() {
  return !!(c.sId || c.from || c.to);
}

function badRange() {
  return !!(c.from && c.to && c.to < c.from);
}

async function load() {
  const g = ++generation;
  c.error = null;
  if (badRange()) {
    c.rows = [];
    c.count = 0;
    return update();
  }
  c.rows = null;
  update();
  try {
    const r = await adminApi("GET", "/signin.json", {
      query: {
        sId: c.sId || undefined,
        created_start: c.from || undefined,
        created_end: c.to || undefined,
        created_order: c.order,
        page: c.page,
        per_page: PER_PAGE,
      },
    });
    if (g !== generation) return;
    c.rows = (r?.data?.signIn ?? []).map(record);
    c.count = Number(r?.data?.count) || 0;
  } catch (e) {
    if (g !== generation) return;
    c.error = e;
  }
  update();
}

/** @param {any} r @returns {Checkin} */
function record(r) {
  const tags = Array.isArray(r?.tags) ? r.tags.map(String) : [];
  return {
    sId: Number(r?.sId),
    name: String(r?.name ?? ""),
    sNum: String(r?.sNum ?? ""),
    remark: String(r?.remark ?? ""),
    attachments: String(r?.attachments ?? "").split(",").map((u) => u.trim()).filter((u) => /^https?:\/\//i.test(u)),
    // The first tag is the record's kind (签到 or 签退), then its own tags.
    kind: tags[0] ?? "",
    tags: tags.slice(1),
    at: String(r?.checkinTime ?? ""),
    place: String(r?.clockingPoint ?? ""),
  };
}

/** Changes a filter and reads the first page again. @param {() => void} change */
function refilter(change) {
  change();
  c.page = 1;
  void load();
}

/** @param {number} days 1 for today, 0 for no dates */
function lastDays(days) {
  refilter(() => {
    if (days === 0) {
      c.from = "";
      c.to = "";
      return;
    }
    const today = tenantNow(c.offset, Date.now() / 1000).date;
    c.from = addDays(today, 1 - days);
    c.to = today;
  });
}

/** The quick ranges: days back from today (0: no dates). @type {[number, "today" | "week" | "month" | "all"][]} */
const QUICK = [[1, "today"], [7, "week"], [30, "month"], [0, "all"]];

/** Whether the dates chosen are this quick range. @param {number} days */
function isRange(days) {
  if (days === 0) return !c.from && !c.to;
  const today = tenantNow(c.offset, Date.now() / 1000).date;
  return c.to === today && c.from === addDays(today, 1 - days);
}

/** @param {"from" | "to"} key @returns {(e: Event) => void} */
const dateInput = (key) => (e) => {
  const v = valueOf(e);
  if (v && !isDate(v)) return;
  refilter(() => {
    c[key] = v;
  });
};

function toolbar() {
  const active = c.people.filter((p) => p.active || String(p.sId) === c.sId);
  return html`<div class="admin-toolbar checkin-toolbar">
    <label class="checkin-filter">${t("agent")}
      <select id="checkin-agent" .value=${c.sId} @change=${(/** @type {Event} */ e) => refilter(() => { c.sId = valueOf(e); })}>
        <option value="" ?selected=${!c.sId}>${t("allAgents")}</option>
        ${active.map((p) => html`<option value=${String(p.sId)} ?selected=${c.sId === String(p.sId)}>${personLabel(p)}</option>`)}
      </select>
    </label>
    <label class="checkin-filter">${t("from")}
      <input id="checkin-from" type="date" .value=${c.from} max=${c.to || nothing} aria-invalid=${badRange() ? "true" : "false"}
        @change=${dateInput("from")}>
    </label>
    <label class="checkin-filter">${t("to")}
      <input id="checkin-to" type="date" .value=${c.to} min=${c.from || nothing} aria-invalid=${badRange() ? "true" : "false"}
        @change=${dateInput("to")}>
    </label>
    <div class="checkin-quick" role="group">
      ${QUICK.map(([days, key]) => html`<button type="button" class="btn small ghost ${isRange(days) ? "active" : ""}"
        aria-pressed=${isRange(days) ? "true" : "false"} @click=${() => lastDays(days)}>${t(key)}</button>`)}
    </div>
    <label class="checkin-filter checkin-order">${t("order")}
      <select id="checkin-order" .value=${c.order}
        @change=${(/** @type {Event} */ e) => refilter(() => { c.order = valueOf(e) === "asc" ? "asc" : "desc"; })}>
        <option value="desc" ?selected=${c.order === "desc"}>${t("newest")}</option>
        <option value="asc" ?selected=${c.order === "asc"}>${t("oldest")}</option>
      </select>
    </label>
  </div>
  ${badRange() ? html`<p class="checkin-range-error" role="alert">${t("badRange")}</p>` : nothing}`;
}

/** @param {string} kind */
function kindPill(kind) {
  if (kind === "签退") return html`<span class="admin-pill accent">${t("checkOut")}</span>`;
  if (kind === "签到") return html`<span class="admin-pill ok">${t("checkIn")}</span>`;
  return kind ? html`<span class="admin-pill">${kind}</span>` : nothing;
}

/** @param {Checkin} r */
function row(r) {
  const [day, time] = r.at.split(" ");
  return html`<tr data-sid=${String(r.sId)}>
    <td class="checkin-time"><span class="muted">${day}</span> ${time ?? ""}</td>
    <td class="checkin-agent">${r.name}${r.sNum ? html` <span class="muted small">${r.sNum}</span>` : nothing}</td>
    <td>${kindPill(r.kind)}</td>
    <td class="checkin-tags">${r.tags.length ? r.tags.map((tag) => html`<span class="admin-pill">${tag}</span>`) : html`<span class="muted">—</span>`}</td>
    <td class="checkin-clip" title=${r.place}>${r.place || html`<span class="muted">—</span>`}</td>
    <td class="checkin-clip" title=${r.remark}>${r.remark || html`<span class="muted">—</span>`}</td>
    <td class="checkin-files">${r.attachments.length
      ? r.attachments.map((url, i) => html`<a href=${url} target="_blank" rel="noopener noreferrer" title=${url}>${t("file", { n: i + 1 })}</a>`)
      : html`<span class="muted">—</span>`}</td>
  </tr>`;
}

function pager() {
  const pages = Math.max(1, Math.ceil(c.count / PER_PAGE));
  const go = (/** @type {number} */ page) => {
    c.page = page;
    void load();
  };
  return html`<div class="admin-pager" id="checkin-pager">
    <span>${t("count", { count: c.count })}</span>
    <span>${t("pageOf", { page: c.page, pages })}</span>
    <button type="button" id="checkin-prev" class="btn small" ?disabled=${c.page <= 1} @click=${() => go(c.page - 1)}>${t("prev")}</button>
    <button type="button" id="checkin-next" class="btn small" ?disabled=${c.page >= pages} @click=${() => go(c.page + 1)}>${t("next")}</button>
  </div>`;
}

function table() {
  if (c.error) return failedState(c.error, () => void load(), t("retry"));
  if (!c.rows) return emptyState(t("loading"));
  if (c.rows.length === 0) {
    return filtered() ? emptyState(t("noMatch"), t("noMatchHint")) : emptyState(t("none"), t("noneHint"));
  }
  return html`<div class="checkin-scroll">
      <table class="admin-table checkin-table" id="checkin-table">
        <thead><tr>
          <th>${t("time")}</th><th>${t("agent")}</th><th>${t("kind")}</th><th>${t("tags")}</th>
          <th>${t("place")}</th><th>${t("remark")}</th><th>${t("files")}</th>
        </tr></thead>
        <tbody>${c.rows.map(row)}</tbody>
      </table>
    </div>
    ${pager()}`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "checkins",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"), nothing, t("subtitle"))}${toolbar()}
    ${badRange() ? nothing : html`<div class="admin-card">${table()}</div>`}`,
  open: () => void open(),
};
