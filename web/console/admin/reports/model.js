// The report as `GET /api/v1/reports.json` answers it, read defensively: a
// figure the server leaves out counts as 0 (or unknown, for times).

/**
 * @typedef {{ median: number | null, p90: number | null }} Spread seconds
 * @typedef {{ count: number, average: number | null, distribution: number[] }} Csat `distribution[0]` is 1 星
 * @typedef {{
 *   started: number, served: number, finished: number, timed_out: number,
 *   messages: number, customer_messages: number, agent_messages: number,
 *   first_response: Spread, resolution: Spread, queue_wait: Spread, csat: Csat,
 * }} Figures
 * @typedef {Figures & { date: string }} Day
 * @typedef {Figures & { key: string, name: string }} Row one agent or department
 * @typedef {{ date: string, hour: number, agents: number }} OnlineHour
 * @typedef {{
 *   from: string, to: string, utc_offset: unknown, totals: Figures,
 *   days: Day[], agents: Row[], departments: Row[], online: OnlineHour[],
 * }} Report
 */

/** @param {any} r @returns {Report} */
export function readReport(r) {
  const list = (/** @type {unknown} */ v) => (Array.isArray(v) ? v : []);
  return {
    from: String(r?.from ?? ""),
    to: String(r?.to ?? ""),
    utc_offset: r?.utc_offset,
    totals: figures(r?.totals),
    days: list(r?.days).map((d) => ({ ...figures(d), date: String(d?.date ?? "") })),
    agents: list(r?.agents).map((a) => ({ ...figures(a), key: `agent-${a?.sId}`, name: String(a?.name || a?.sId || "") })),
    departments: list(r?.departments).map((d) => ({ ...figures(d), key: `department-${d?.id}`, name: String(d?.name || d?.id || "") })),
    online: list(r?.online).map((o) => ({ date: String(o?.date ?? ""), hour: int(o?.hour), agents: int(o?.agents) })),
  };
}

/** @param {any} f @returns {Figures} */
function figures(f) {
  return {
    started: int(f?.started),
    served: int(f?.served),
    finished: int(f?.finished),
    timed_out: int(f?.timed_out),
    messages: int(f?.messages),
    customer_messages: int(f?.customer_messages),
    agent_messages: int(f?.agent_messages),
    first_response: spread(f?.first_response),
    resolution: spread(f?.resolution),
    queue_wait: spread(f?.queue_wait),
    csat: csat(f?.csat),
  };
}

/** @param {any} s @returns {Spread} */
function spread(s) {
  return { median: seconds(s?.median), p90: seconds(s?.p90) };
}

/** @param {any} c @returns {Csat} */
function csat(c) {
  const d = c?.distribution ?? {};
  return {
    count: int(c?.count),
    average: typeof c?.average === "number" && Number.isFinite(c.average) ? c.average : null,
    distribution: [1, 2, 3, 4, 5].map((n) => int(d[String(n)])),
  };
}

/** @param {unknown} v */
function int(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** @param {unknown} v @returns {number | null} */
function seconds(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
