// The per-agent and per-department tables: the same figures as the tiles,
// one row each, sortable by any column (a click on its header).
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { count, duration, score } from "./format.js";
import { t } from "./strings.js";

/**
 * @typedef {import("./model.js").Row} Row
 * @typedef {import("./model.js").Spread} Spread
 * @typedef {{ key: string, desc: boolean }} Sort
 * @typedef {{
 *   key: string,
 *   label: () => string,
 *   value: (r: Row) => number | string | null,
 *   cell: (r: Row) => unknown,
 * }} Column
 */

/** @param {Spread} s median, with P90 under it */
function spreadCell(s) {
  return html`${duration(s.median)}${s.p90 !== null ? html`<span class="cell-sub">P90 ${duration(s.p90)}</span>` : nothing}`;
}

/** @type {Column[]} */
const FIGURES = [
  { key: "started", label: () => t("colStarted"), value: (r) => r.started, cell: (r) => count(r.started) },
  { key: "served", label: () => t("colServed"), value: (r) => r.served, cell: (r) => count(r.served) },
  { key: "finished", label: () => t("colFinished"), value: (r) => r.finished, cell: (r) => count(r.finished) },
  { key: "timed_out", label: () => t("colTimedOut"), value: (r) => r.timed_out, cell: (r) => count(r.timed_out) },
  { key: "messages", label: () => t("colMessages"), value: (r) => r.messages, cell: (r) => count(r.messages) },
  {
    key: "first_response",
    label: () => t("colFirstResponse"),
    value: (r) => r.first_response.median,
    cell: (r) => spreadCell(r.first_response),
  },
  { key: "resolution", label: () => t("colResolution"), value: (r) => r.resolution.median, cell: (r) => spreadCell(r.resolution) },
  { key: "queue_wait", label: () => t("colQueueWait"), value: (r) => r.queue_wait.median, cell: (r) => spreadCell(r.queue_wait) },
  {
    key: "csat",
    label: () => t("colCsat"),
    value: (r) => r.csat.average,
    cell: (r) =>
      r.csat.count
        ? html`<span class="cell-score">${score(r.csat.average)}</span><span class="cell-sub">${t("csatCount", { n: r.csat.count })}</span>`
        : "—",
  },
];

/**
 * @param {Row[]} rows @param {Column[]} columns @param {Sort} sort
 * @returns {Row[]} sorted by `sort`; unknown values (no time yet) last either way
 */
function sorted(rows, columns, sort) {
  const col = columns.find((c) => c.key === sort.key) ?? columns[1];
  const dir = sort.desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    if (typeof va === "string" || typeof vb === "string") return dir * String(va).localeCompare(String(vb), "zh-CN");
    return dir * (va - vb) || a.name.localeCompare(b.name, "zh-CN");
  });
}

/**
 * @param {{
 *   id: string, title: string, nameLabel: string, rows: Row[], empty: string,
 *   sort: Sort, onSort: (sort: Sort) => void, actions?: unknown,
 * }} p
 */
export function breakdownTable(p) {
  /** @type {Column[]} */
  const columns = [
    { key: "name", label: () => p.nameLabel, value: (r) => r.name, cell: (r) => r.name },
    ...FIGURES,
  ];
  /** @param {Column} c */
  const header = (c) => {
    const active = p.sort.key === c.key;
    const next = { key: c.key, desc: active ? !p.sort.desc : c.key !== "name" };
    return html`<th class=${c.key === "name" ? "" : "num"} data-col=${c.key}
      aria-sort=${active ? (p.sort.desc ? "descending" : "ascending") : "none"}>
      <button type="button" class="sort-btn ${active ? "active" : ""}" title=${t("sortBy", { name: c.label() })}
        @click=${() => p.onSort(next)}>${c.label()}<span class="sort-mark" aria-hidden="true">${active ? (p.sort.desc ? "↓" : "↑") : ""}</span></button>
    </th>`;
  };
  return html`<section id=${p.id} class="admin-card report-card">
    <div class="admin-card-header">
      <h2 class="admin-card-title">${p.title}</h2>
      ${p.actions ?? nothing}
    </div>
    ${p.rows.length
      ? html`<div class="report-table-wrap">
          <table class="admin-table report-table">
            <thead><tr>${columns.map(header)}</tr></thead>
            <tbody>
              ${sorted(p.rows, columns, p.sort).map(
                (r) => html`<tr data-key=${r.key}>
                  ${columns.map((c) => html`<td class=${c.key === "name" ? "cell-name" : "num"}>${c.cell(r)}</td>`)}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="report-none">${p.empty}</p>`}
  </section>`;
}
