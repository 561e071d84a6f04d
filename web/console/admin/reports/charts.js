// The report's three charts, drawn as SVG with lit-html (no chart library):
// conversations per day (bars), the ratings' spread (horizontal bars) and
// agents online per hour (a stepped area). Each is a viewBox scaled to the
// card's width; colours come from reports.css.
import { html, svg, nothing } from "../../../vendor/lit-html/lit-html.js";
import { count, percent, shortDate } from "./format.js";
import { t } from "./strings.js";

/**
 * @typedef {import("./model.js").Day} Day
 * @typedef {import("./model.js").OnlineHour} OnlineHour
 */

/** The three series of the daily chart, in drawing order. */
export const DAILY_SERIES = /** @type {const} */ ([
  { key: "started", label: () => t("kpiStarted") },
  { key: "served", label: () => t("kpiServed") },
  { key: "finished", label: () => t("kpiFinished") },
]);

/**
 * A round top for an axis of counts, and its step: 0, 5, 10, 15, 20.
 * @param {number} max the largest value (at least 1)
 * @param {number} [lines] about how many grid lines
 */
function scale(max, lines = 4) {
  const raw = Math.max(1, max) / lines;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const top = Math.max(step, Math.ceil(Math.max(1, max) / step) * step);
  /** @type {number[]} */
  const ticks = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { top, ticks };
}

/**
 * Horizontal grid lines with their values on the left.
 * @param {number[]} ticks @param {(v: number) => number} y @param {number} left @param {number} right
 */
function grid(ticks, y, left, right) {
  return ticks.map(
    (v) => svg`<line class="chart-grid ${v === 0 ? "base" : ""}" x1=${left} x2=${right} y1=${y(v)} y2=${y(v)}></line>
      <text class="chart-axis" x=${left - 8} y=${y(v) + 4} text-anchor="end">${count(v)}</text>`,
  );
}

/** Every how many items a label fits. @param {number} n items @param {number} width px @param {number} each px per label */
function labelEvery(n, width, each) {
  return Math.max(1, Math.ceil(n / Math.max(1, Math.floor(width / each))));
}

/**
 * Conversations per day: three bars a day (started, served, finished).
 * @param {Day[]} days
 * @param {number} hover the day pointed at, or -1
 * @param {(i: number) => void} onHover
 */
export function dailyChart(days, hover, onHover) {
  const W = 760;
  const H = 250;
  const L = 44;
  const R = 8;
  const T = 12;
  const B = 30;
  const pw = W - L - R;
  const ph = H - T - B;
  const { top, ticks } = scale(Math.max(...days.map((d) => d.started), ...days.map((d) => d.served)));
  const y = (/** @type {number} */ v) => T + ph - (v / top) * ph;
  const band = pw / Math.max(1, days.length);
  const groupW = Math.min(54, band * 0.76);
  const barW = groupW / DAILY_SERIES.length;
  const every = labelEvery(days.length, pw, 52);
  return html`<svg class="chart chart-daily" viewBox="0 0 ${W} ${H}" role="img" aria-label=${t("daily")}
    @mouseleave=${() => onHover(-1)}>
    ${grid(ticks, y, L, W - R)}
    ${days.map((d, i) => {
      const x0 = L + i * band;
      const gx = x0 + (band - groupW) / 2;
      return svg`<g class="chart-day ${i === hover ? "hover" : ""}" data-date=${d.date} @mouseenter=${() => onHover(i)}>
        <rect class="chart-hit" x=${x0} y=${T} width=${band} height=${ph}></rect>
        ${DAILY_SERIES.map((s, k) => {
          const v = d[s.key];
          const h = Math.max(v > 0 ? 1.5 : 0, y(0) - y(v));
          return svg`<rect class="bar bar-${s.key}" x=${gx + k * barW + 0.5} y=${y(0) - h}
            width=${Math.max(1, barW - 1)} height=${h} rx=${Math.min(2, barW / 4)}></rect>`;
        })}
        <title>${t("dailyDetail", { date: shortDate(d.date), started: d.started, served: d.served, finished: d.finished })}</title>
        ${i % every === 0
          ? svg`<text class="chart-axis" x=${x0 + band / 2} y=${H - 10} text-anchor="middle">${shortDate(d.date)}</text>`
          : nothing}
      </g>`;
    })}
  </svg>`;
}

/**
 * How the ratings spread over 1–5 stars, 5 at the top.
 * @param {number[]} distribution `[0]` is 1 星
 */
export function csatChart(distribution) {
  const W = 380;
  const row = 34;
  const L = 46;
  const R = 84;
  const H = row * 5 + 4;
  const total = distribution.reduce((a, b) => a + b, 0);
  const most = Math.max(1, ...distribution);
  const pw = W - L - R;
  return html`<svg class="chart chart-csat" viewBox="0 0 ${W} ${H}" role="img" aria-label=${t("csat")}>
    ${[5, 4, 3, 2, 1].map((n, i) => {
      const v = distribution[n - 1];
      const y = 4 + i * row;
      const w = v ? Math.max(3, (v / most) * pw) : 0;
      return svg`<g class="csat-row" data-score=${n}>
        <text class="chart-label" x=${L - 10} y=${y + row / 2 + 1} text-anchor="end">${t("stars", { n })}</text>
        <rect class="csat-track" x=${L} y=${y + 8} width=${pw} height=${row - 18} rx="4"></rect>
        <rect class="csat-bar csat-bar-${n}" x=${L} y=${y + 8} width=${w} height=${row - 18} rx="4"></rect>
        <text class="chart-value" x=${W - R + 10} y=${y + row / 2 + 1}>${count(v)}<tspan class="chart-share" dx="6">${percent(v, total)}</tspan></text>
      </g>`;
    })}
  </svg>`;
}

/**
 * Agents online over the range, hour by hour: a stepped area, a rule and a
 * dot at the hour pointed at.
 * @param {OnlineHour[]} hours
 * @param {number} hover the hour pointed at, or -1
 * @param {(i: number) => void} onHover
 */
export function onlineChart(hours, hover, onHover) {
  const W = 1120;
  const H = 210;
  const L = 44;
  const R = 10;
  const T = 12;
  const B = 30;
  const pw = W - L - R;
  const ph = H - T - B;
  const n = Math.max(1, hours.length);
  const { top, ticks } = scale(Math.max(...hours.map((h) => h.agents), 1), 3);
  const y = (/** @type {number} */ v) => T + ph - (v / top) * ph;
  const step = pw / n;
  const x = (/** @type {number} */ i) => L + i * step;
  let line = "";
  hours.forEach((h, i) => {
    line += `${i ? "L" : "M"}${x(i).toFixed(1)},${y(h.agents).toFixed(1)}H${x(i + 1).toFixed(1)}`;
  });
  const area = hours.length ? `${line}V${y(0)}H${x(0)}Z` : "";
  /** @param {MouseEvent} e */
  const move = (e) => {
    const box = /** @type {Element} */ (e.currentTarget).getBoundingClientRect();
    const i = Math.floor(((e.clientX - box.left) / Math.max(1, box.width)) * n);
    const at = Math.min(n - 1, Math.max(0, i));
    if (at !== hover) onHover(at);
  };
  const h = hover >= 0 ? hours[hover] : undefined;
  return html`<svg class="chart chart-online" viewBox="0 0 ${W} ${H}" role="img" aria-label=${t("online")}>
    ${grid(ticks, y, L, W - R)}
    ${onlineAxis(hours, x, T, H, ph, pw)}
    <path class="online-area" d=${area}></path>
    <path class="online-line" d=${line}></path>
    ${h
      ? svg`<line class="online-rule" x1=${x(hover + 0.5)} x2=${x(hover + 0.5)} y1=${T} y2=${T + ph}></line>
          <circle class="online-dot" cx=${x(hover + 0.5)} cy=${y(h.agents)} r="3.5"></circle>`
      : nothing}
    <rect class="chart-hit" x=${L} y=${T} width=${pw} height=${ph} @mousemove=${move} @mouseleave=${() => onHover(-1)}></rect>
  </svg>`;
}

/**
 * The online chart's time axis: midnights as faint lines, labelled by day
 * (by hour when the range is one day).
 * @param {OnlineHour[]} hours @param {(i: number) => number} x
 * @param {number} T @param {number} H @param {number} ph @param {number} pw
 */
function onlineAxis(hours, x, T, H, ph, pw) {
  const oneDay = hours.length <= 24;
  if (oneDay) {
    return hours.map((h, i) =>
      h.hour % 3 === 0
        ? svg`<text class="chart-axis" x=${x(i)} y=${H - 10} text-anchor="middle">${String(h.hour).padStart(2, "0")}:00</text>`
        : nothing,
    );
  }
  const starts = hours.map((h, i) => ({ h, i })).filter(({ h }) => h.hour === 0);
  const every = labelEvery(starts.length, pw, 56);
  return starts.map(
    ({ h, i }, k) => svg`<line class="chart-day-line" x1=${x(i)} x2=${x(i)} y1=${T} y2=${T + ph}></line>
      ${k % every === 0
        ? svg`<text class="chart-axis" x=${x(i) + 4} y=${H - 10} text-anchor="start">${shortDate(h.date)}</text>`
        : nothing}`,
  );
}
