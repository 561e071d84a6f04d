// The admin page "报表": a range of days (presets or custom), the totals as
// tiles, three charts, and the figures per agent and per department, from
// `GET /api/v1/reports.json`; the same figures as CSV by day, agent or
// department. Days are the tenant's (its time zone), as the server counts.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { update, toast } from "../state.js";
import { errorText } from "../errors.js";
import { adminApi, adminField } from "./api.js";
import { pageHeader, emptyState, failedState, valueOf } from "./ui.js";
import { t } from "./reports/strings.js";
import { readReport } from "./reports/model.js";
import { count, duration, percent, score, dayLabel, shortDate } from "./reports/format.js";
import { MAX_DAYS, addDays, offsetHours, rangeProblem, today, zoneParts } from "./reports/dates.js";
import { DAILY_SERIES, csatChart, dailyChart, onlineChart } from "./reports/charts.js";
import { breakdownTable } from "./reports/tables.js";
import { fetchFile, saveBlob } from "./reports/download.js";

/**
 * @typedef {import("./reports/model.js").Report} Report
 * @typedef {import("./reports/model.js").Figures} Figures
 * @typedef {import("./reports/tables.js").Sort} Sort
 * @typedef {"today" | "7d" | "30d" | "custom"} Preset
 * @typedef {"day" | "agent" | "department"} By
 */

/** Days each preset covers, ending today. @type {Record<Exclude<Preset, "custom">, number>} */
const PRESET_DAYS = { today: 1, "7d": 7, "30d": 30 };

const r = {
  /** @type {Preset} */
  preset: "7d",
  /** the range asked for ("" before the first answer: the server's default, the last 7 days) */
  from: "",
  to: "",
  /** what the custom inputs hold (they may hold a range not asked for yet) */
  draftFrom: "",
  draftTo: "",
  /** @type {"" | "bad" | "order" | "long"} */
  rangeProblem: "",
  /** hours east of UTC, from the last report */
  offset: /** @type {number | null} */ (null),
  /** @type {Report | null} */
  report: null,
  loading: false,
  /** @type {unknown} */
  error: null,
  /** @type {By | ""} */
  exporting: "",
  hoverDay: -1,
  hoverHour: -1,
  /** @type {Sort} */
  sortAgents: { key: "started", desc: true },
  /** @type {Sort} */
  sortDepartments: { key: "started", desc: true },
};

/** Only the latest request's answer counts. */
let seq = 0;

async function load() {
  const mine = ++seq;
  r.loading = true;
  r.error = null;
  update();
  try {
    const answer = await adminApi("GET", "/reports.json", { query: r.from ? { from: r.from, to: r.to } : {} });
    if (mine !== seq) return;
    const report = readReport(answer?.report);
    r.report = report;
    r.from = report.from || r.from;
    r.to = report.to || r.to;
    r.draftFrom = r.from;
    r.draftTo = r.to;
    r.offset = offsetHours(report.utc_offset) ?? r.offset;
    r.hoverDay = -1;
    r.hoverHour = -1;
  } catch (e) {
    if (mine !== seq) return;
    r.error = e;
  } finally {
    if (mine === seq) {
      r.loading = false;
      update();
    }
  }
}

/** @param {Exclude<Preset, "custom">} preset */
function choosePreset(preset) {
  const end = today(r.offset);
  r.preset = preset;
  r.from = addDays(end, 1 - PRESET_DAYS[preset]);
  r.to = end;
  r.draftFrom = r.from;
  r.draftTo = r.to;
  r.rangeProblem = "";
  load();
}

/** 自定义: the dates are the controls; the picker opens on the first. */
function chooseCustom() {
  r.preset = "custom";
  update();
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById("report-from"));
  input?.focus();
  try {
    input?.showPicker();
  } catch {
    // not every browser opens a date picker on request
  }
}

/** A custom date changed: ask for the range once it is one the server takes. */
function applyDraft() {
  r.preset = "custom";
  r.rangeProblem = rangeProblem(r.draftFrom, r.draftTo);
  if (r.rangeProblem) {
    update();
    return;
  }
  r.from = r.draftFrom;
  r.to = r.draftTo;
  load();
}

/** @param {By} by */
async function exportCsv(by) {
  if (r.exporting || !r.from) return;
  r.exporting = by;
  update();
  try {
    const { blob, name } = await fetchFile("/reports.csv", { from: r.from, to: r.to, by });
    const file = name || `kefu-report-${by}-${r.from}-${r.to}.csv`;
    saveBlob(blob, file);
    toast(t("exported", { name: file }));
  } catch (e) {
    toast(t("exportFailed", { message: errorText(e) }), "error");
  } finally {
    r.exporting = "";
    update();
  }
}

// --- views -------------------------------------------------------------------

function view() {
  return html`<div class="report-page ${r.loading && r.report ? "is-loading" : ""}">
    ${pageHeader(t("title"), exportButtons(), subtitle())}
    ${toolbar()}
    ${body()}
  </div>`;
}

function subtitle() {
  if (!r.report) return "";
  const zone = r.offset === null ? "" : t("zone", zoneParts(r.offset));
  const { from, to } = r.report;
  return from === to ? t("subtitleDay", { day: from, zone }) : t("subtitle", { from, to, zone });
}

function exportButtons() {
  /** @type {[By, string][]} */
  const kinds = [
    ["day", t("exportDay")],
    ["agent", t("exportAgent")],
    ["department", t("exportDepartment")],
  ];
  return html`<div class="report-export" role="group" aria-label=${t("exportLabel")}>
    <span class="report-export-label">${t("exportLabel")}</span>
    ${kinds.map(
      ([by, label]) => html`<button type="button" id="report-csv-${by}" class="btn small" data-by=${by}
        ?disabled=${!!r.exporting || !r.report} @click=${() => exportCsv(by)}>
        ${r.exporting === by ? t("exporting") : label}
      </button>`,
    )}
  </div>`;
}

function toolbar() {
  /** @type {[Exclude<Preset, "custom">, string][]} */
  const presets = [
    ["today", t("presetToday")],
    ["7d", t("preset7")],
    ["30d", t("preset30")],
  ];
  const max = today(r.offset);
  const problem = r.rangeProblem;
  return html`<div class="admin-toolbar report-toolbar">
    <div class="report-presets" role="group">
      ${presets.map(
        ([p, label]) => html`<button type="button" class="preset ${r.preset === p ? "active" : ""}" data-preset=${p}
          aria-pressed=${r.preset === p ? "true" : "false"} @click=${() => choosePreset(p)}>${label}</button>`,
      )}
      <button type="button" class="preset ${r.preset === "custom" ? "active" : ""}" data-preset="custom"
        aria-pressed=${r.preset === "custom" ? "true" : "false"} @click=${chooseCustom}>${t("presetCustom")}</button>
    </div>
    <label class="report-date">
      <span class="visually-hidden">${t("from")}</span>
      <input type="date" id="report-from" .value=${r.draftFrom} max=${max} aria-invalid=${problem ? "true" : "false"}
        @change=${(/** @type {Event} */ e) => { r.draftFrom = valueOf(e); applyDraft(); }}>
    </label>
    <span class="report-date-sep">${t("rangeTo")}</span>
    <label class="report-date">
      <span class="visually-hidden">${t("to")}</span>
      <input type="date" id="report-to" .value=${r.draftTo} max=${max} aria-invalid=${problem ? "true" : "false"}
        @change=${(/** @type {Event} */ e) => { r.draftTo = valueOf(e); applyDraft(); }}>
    </label>
    ${problem ? html`<span id="report-range-error" class="report-range-error" role="alert">${rangeText(problem)}</span>` : nothing}
    ${r.loading && r.report ? html`<span class="report-busy" role="status">${t("loading")}</span>` : nothing}
  </div>`;
}

/** @param {"bad" | "order" | "long"} problem */
function rangeText(problem) {
  return problem === "order" ? t("rangeOrder") : problem === "long" ? t("rangeTooLong", { max: MAX_DAYS }) : t("rangeBad");
}

function body() {
  if (r.error && !r.report) {
    const field = adminField(r.error);
    if (field === "from" || field === "to") {
      return html`<div class="admin-card">${failedState(t("rangeRefused", { message: errorText(r.error) }), load, t("retry"))}</div>`;
    }
    return html`<div class="admin-card">${failedState(r.error, load, t("retry"))}</div>`;
  }
  if (!r.report) return html`<div class="admin-card">${emptyState(t("loading"))}</div>`;
  const report = r.report;
  const empty = report.totals.started === 0;
  const anyOnline = report.online.some((h) => h.agents > 0);
  return html`
    ${r.error ? html`<div class="report-stale" role="alert">${errorText(r.error)}
      <button type="button" class="btn small" @click=${load}>${t("retry")}</button></div>` : nothing}
    ${kpis(report.totals, report.days.length)}
    ${empty
      ? html`<div id="report-empty" class="admin-card">${emptyState(t("emptyTitle"), t("emptyHint"))}</div>`
      : html`<div class="report-charts">
          ${dailyCard(report)}
          ${csatCard(report.totals)}
        </div>`}
    ${!empty || anyOnline ? onlineCard(report) : nothing}
    ${empty
      ? nothing
      : html`${breakdownTable({
          id: "report-agents",
          title: t("byAgent"),
          nameLabel: t("colAgent"),
          rows: report.agents,
          empty: t("noAgents"),
          sort: r.sortAgents,
          onSort: (s) => { r.sortAgents = s; update(); },
        })}
        ${breakdownTable({
          id: "report-departments",
          title: t("byDepartment"),
          nameLabel: t("colDepartment"),
          rows: report.departments,
          empty: t("noDepartments"),
          sort: r.sortDepartments,
          onSort: (s) => { r.sortDepartments = s; update(); },
        })}`}
  `;
}

/**
 * One tile: a label, the figure, a line under it.
 * @param {string} kpi @param {unknown} label @param {unknown} value @param {string} sub
 */
function tile(kpi, label, value, sub) {
  return html`<div class="kpi" data-kpi=${kpi}>
    <div class="kpi-label">${label}</div>
    <div class="kpi-value">${value}</div>
    <div class="kpi-sub">${sub || "\u00a0"}</div>
  </div>`;
}

/** @param {Figures} f the totals @param {number} days how many days they cover */
function kpis(f, days) {
  const median = (/** @type {string} */ label) => html`${label}<span class="kpi-tag">${t("median")}</span>`;
  const p90 = (/** @type {number | null} */ v) => (v === null ? "" : t("p90", { value: duration(v) }));
  return html`<section id="report-kpis" class="report-kpis">
    <div class="kpi-row kpi-row-5">
      ${tile("started", t("kpiStarted"), count(f.started), days > 1 && f.started ? t("perDay", { n: perDay(f.started, days) }) : "")}
      ${tile("served", t("kpiServed"), count(f.served), f.started ? t("servedRate", { rate: percent(f.served, f.started) }) : "")}
      ${tile("finished", t("kpiFinished"), count(f.finished), f.started ? t("finishedRate", { rate: percent(f.finished, f.started) }) : "")}
      ${tile("timed_out", t("kpiTimedOut"), count(f.timed_out), f.started ? t("timedOutRate", { rate: percent(f.timed_out, f.started) }) : "")}
      ${tile("messages", t("kpiMessages"), count(f.messages), t("messagesSplit", { customer: count(f.customer_messages), agent: count(f.agent_messages) }))}
    </div>
    <div class="kpi-row kpi-row-4">
      ${tile("first_response", median(t("kpiFirstResponse")), duration(f.first_response.median), p90(f.first_response.p90))}
      ${tile("resolution", median(t("kpiResolution")), duration(f.resolution.median), p90(f.resolution.p90))}
      ${tile("queue_wait", median(t("kpiQueueWait")), duration(f.queue_wait.median), p90(f.queue_wait.p90))}
      ${tile(
        "csat",
        t("kpiCsat"),
        f.csat.count ? html`${score(f.csat.average)}<span class="kpi-unit">${t("outOf5")}</span>` : "—",
        f.csat.count ? t("csatCount", { n: f.csat.count }) : t("csatNone"),
      )}
    </div>
  </section>`;
}

/** A daily average, one decimal below 10: 3.4, 26. @param {number} total @param {number} days */
function perDay(total, days) {
  const avg = total / days;
  return avg < 10 ? String(Math.round(avg * 10) / 10) : count(Math.round(avg));
}

/** @param {Report} report */
function dailyCard(report) {
  const d = r.hoverDay >= 0 ? report.days[r.hoverDay] : undefined;
  const caption = d
    ? t("dailyDetail", { date: dayLabel(d.date), started: d.started, served: d.served, finished: d.finished })
    : t("dailyHint");
  return html`<section id="report-daily" class="admin-card report-card">
    <div class="admin-card-header">
      <h2 class="admin-card-title">${t("daily")}</h2>
      <ul class="chart-legend">
        ${DAILY_SERIES.map((s) => html`<li><i class="swatch swatch-${s.key}"></i>${s.label()}</li>`)}
      </ul>
    </div>
    <div class="admin-card-body">
      <p class="chart-caption ${d ? "active" : ""}" aria-live="polite">${caption}</p>
      ${dailyChart(report.days, r.hoverDay, (i) => {
        if (i === r.hoverDay) return;
        r.hoverDay = i;
        update();
      })}
    </div>
  </section>`;
}

/** @param {Figures} totals */
function csatCard(totals) {
  const c = totals.csat;
  return html`<section id="report-csat" class="admin-card report-card">
    <div class="admin-card-header">
      <h2 class="admin-card-title">${t("csat")}</h2>
      ${c.count ? html`<span class="chart-note">${t("csatAverage", { avg: score(c.average), n: c.count })}</span>` : nothing}
    </div>
    <div class="admin-card-body">
      ${c.count
        ? html`<div class="csat-summary">
              <span class="csat-average">${score(c.average)}</span>
              <span class="csat-summary-text">
                ${ratingStars(c.average ?? 0)}
                <span class="csat-satisfied">${t("csatSatisfied", { rate: percent(c.distribution[3] + c.distribution[4], c.count) })}</span>
              </span>
            </div>
            ${csatChart(c.distribution)}`
        : html`<p class="report-none">${t("csatEmpty")}</p>`}
    </div>
  </section>`;
}

/** @param {Report} report */
function onlineCard(report) {
  const hours = report.online;
  const h = r.hoverHour >= 0 ? hours[r.hoverHour] : undefined;
  /** @param {{ date: string, hour: number }} x */
  const when = (x) => t("onlineHour", { date: shortDate(x.date), hour: String(x.hour).padStart(2, "0") });
  let caption;
  if (h) caption = t("onlineDetail", { when: when(h), n: h.agents });
  else {
    const peak = hours.reduce((best, x) => (x.agents > (best?.agents ?? 0) ? x : best), /** @type {typeof hours[0] | undefined} */ (undefined));
    caption = peak ? t("onlinePeak", { n: peak.agents, when: when(peak) }) : t("onlineNone");
  }
  return html`<section id="report-online" class="admin-card report-card">
    <div class="admin-card-header">
      <h2 class="admin-card-title">${t("online")}</h2>
      <span class="chart-caption ${h ? "active" : ""}" aria-live="polite">${caption}</span>
    </div>
    <div class="admin-card-body">
      ${hours.length
        ? onlineChart(hours, r.hoverHour, (i) => {
            r.hoverHour = i;
            update();
          })
        : html`<p class="report-none">${t("onlineNone")}</p>`}
    </div>
  </section>`;
}

/**
 * An average as five stars, filled to the nearest half: ★★★★☆.
 * @param {number} avg
 */
function ratingStars(avg) {
  const full = Math.floor(avg + 0.25);
  return html`<span class="rating-stars csat-stars-big" aria-hidden="true"><span class="on">${"★".repeat(full)}</span>${"☆".repeat(Math.max(0, 5 - full))}</span>`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "reports",
  title: () => t("title"),
  view,
  open: load,
};
