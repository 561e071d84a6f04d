// The admin page "会话导出": conversations with all their messages, one by
// id or every one a range of days started, saved as a file: JSON (one
// object a conversation, `GET /api/v1/transcripts.json`, followed page by
// page through `next`) or CSV (one row a message, `transcripts.csv`, pages
// joined through `X-Next-After`).
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { update } from "../state.js";
import { errorText } from "../errors.js";
import { adminApi, adminCode, adminField } from "./api.js";
import { catalog } from "./i18n.js";
import { pageHeader, field, valueOf } from "./ui.js";
import { MAX_DAYS, addDays, offsetHours, rangeProblem, span, today } from "./reports/dates.js";
import { fetchFile, saveBlob } from "./reports/download.js";

const t = catalog(
  {
    title: "会话导出",
    subtitle: "把会话记录导出为文件，用于存档、质检或导入其他系统。",
    what: "导出内容",
    modeRange: "按日期范围",
    modeOne: "单个会话",
    from: "开始日期",
    to: "结束日期",
    rangeHint: "按会话发起的日期（租户时区）筛选，一次最多 {max} 天。",
    last7: "近 7 天",
    last30: "近 30 天",
    questionId: "会话 ID",
    questionIdPlaceholder: "24 位会话 ID，例如 01a23ea255b3000186a73da4",
    questionIdHint: "会话 ID（question_id）见于 Webhook 推送、API 返回和按日期导出的文件。",
    format: "文件格式",
    json: "JSON",
    jsonHint: "每个会话一个对象，含客户、客服、满意度评价和全部消息，适合程序处理。",
    csv: "CSV",
    csvHint: "每条消息一行（UTF-8），可直接用 Excel 打开。",
    export: "导出",
    exporting: "正在导出…",
    progress: "正在导出…已取得 {n} 个会话",
    done: "已导出 {n} 个会话，共 {m} 条消息",
    doneNone: "这段时间没有会话，已导出一个空文件",
    file: "文件：{name}",
    failed: "导出失败：{message}",
    rangeOrder: "开始日期不能晚于结束日期",
    rangeTooLong: "一次最多导出 {max} 天",
    rangeBad: "请选择有效的日期",
    badId: "会话 ID 是 24 位十六进制字符",
    notFound: "没有找到这个会话",
    keepOff: "注意：当前设置下，客户自行结束的会话不保留聊天记录，导出时没有消息。可在「设置」中勾选“客户结束会话后保留聊天记录”。",
    settings: "前往设置",
  },
  {
    title: "Transcripts",
    subtitle: "Save conversations as a file: for your records, quality reviews or another system.",
    what: "What to export",
    modeRange: "A range of days",
    modeOne: "One conversation",
    from: "From",
    to: "To",
    rangeHint: "By the day a conversation started (tenant's time zone), at most {max} days at a time.",
    last7: "Last 7 days",
    last30: "Last 30 days",
    questionId: "Conversation ID",
    questionIdPlaceholder: "24 hex characters, e.g. 01a23ea255b3000186a73da4",
    questionIdHint: "The conversation ID (question_id) is in webhook payloads, API answers and range exports.",
    format: "Format",
    json: "JSON",
    jsonHint: "One object per conversation, with the customer, agent, rating and every message: for programs.",
    csv: "CSV",
    csvHint: "One row per message (UTF-8): opens in Excel.",
    export: "Export",
    exporting: "Exporting…",
    progress: "Exporting… {n} conversations so far",
    done: "Exported {n} conversations, {m} messages",
    doneNone: "No conversations in this range: the file is empty",
    file: "File: {name}",
    failed: "Export failed: {message}",
    rangeOrder: "The start cannot be after the end",
    rangeTooLong: "At most {max} days at a time",
    rangeBad: "Pick valid dates",
    badId: "A conversation ID is 24 hex characters",
    notFound: "No such conversation",
    keepOff: "Note: with the current settings, a conversation the customer ends keeps no messages, so it exports empty. Settings can keep them.",
    settings: "Open settings",
  },
);

const ID = /^[0-9a-f]{24}$/i;

const x = {
  /** @type {"range" | "one"} */
  mode: "range",
  from: "",
  to: "",
  questionId: "",
  /** @type {"json" | "csv"} */
  format: "json",
  busy: false,
  /** conversations fetched so far */
  progress: 0,
  /** @type {{ from?: string, to?: string, question_id?: string }} a message per field */
  fieldErrors: {},
  /** @type {unknown} */
  error: null,
  /** @type {{ conversations: number, messages: number, file: string } | null} */
  result: null,
  /** hours east of UTC (settings), for the default dates */
  offset: /** @type {number | null} */ (null),
  /** whether the tenant keeps a customer-ended conversation's messages */
  keepTranscripts: true,
};

async function open() {
  if (!x.from) setRange(7);
  try {
    const s = (await adminApi("GET", "/settings.json"))?.settings;
    const offset = offsetHours(s?.utc_offset);
    const moved = offset !== x.offset;
    x.offset = offset;
    x.keepTranscripts = s?.keep_transcripts !== false;
    if (moved && !x.busy && !x.result) setRange(x.from && x.to ? span(x.from, x.to) : 7);
  } catch {
    // the browser's calendar will do
  }
  update();
}

/** The last `days` days, today included. @param {number} days */
function setRange(days) {
  x.to = today(x.offset);
  x.from = addDays(x.to, 1 - days);
  x.fieldErrors = {};
  update();
}

/** What the form says is wrong before asking, per field. */
function check() {
  if (x.mode === "one") {
    return ID.test(x.questionId.trim()) ? {} : { question_id: t("badId") };
  }
  const problem = rangeProblem(x.from, x.to);
  if (problem === "order") return { from: t("rangeOrder") };
  if (problem === "long") return { to: t("rangeTooLong", { max: MAX_DAYS }) };
  if (problem === "bad") return { [x.from ? "to" : "from"]: t("rangeBad") };
  return {};
}

function selection() {
  return x.mode === "one" ? { question_id: x.questionId.trim() } : { from: x.from, to: x.to };
}

function fileName() {
  const what = x.mode === "one" ? x.questionId.trim() : `${x.from}-${x.to}`;
  return `kefu-transcripts-${what}.${x.format}`;
}

async function run() {
  if (x.busy) return;
  x.fieldErrors = check();
  x.error = null;
  x.result = null;
  if (Object.keys(x.fieldErrors).length) {
    update();
    return;
  }
  x.busy = true;
  x.progress = 0;
  update();
  try {
    const { blob, conversations, messages } = x.format === "json" ? await exportJson() : await exportCsv();
    const file = fileName();
    saveBlob(blob, file);
    x.result = { conversations, messages, file };
  } catch (e) {
    const f = adminField(e);
    if (adminCode(e) === "10040") x.fieldErrors = { question_id: t("notFound") };
    else if (f === "from" || f === "to" || f === "question_id") x.fieldErrors = { [f]: errorText(e) };
    else x.error = e;
  } finally {
    x.busy = false;
    update();
  }
}

/** Every page, joined into one `{"transcripts": [...]}` as the API shapes it. */
async function exportJson() {
  /** @type {any[]} */
  const all = [];
  /** @type {string | null} */
  let after = null;
  do {
    /** @type {any} */
    const page = await adminApi("GET", "/transcripts.json", { query: { ...selection(), after } });
    const list = Array.isArray(page?.transcripts) ? page.transcripts : [];
    all.push(...list);
    x.progress = all.length;
    update();
    after = typeof page?.next === "string" && page.next && list.length ? page.next : null;
  } while (after);
  const messages = all.reduce((n, c) => n + (Array.isArray(c?.messages) ? c.messages.length : 0), 0);
  const blob = new Blob([JSON.stringify({ transcripts: all }, null, 2)], { type: "application/json" });
  return { blob, conversations: all.length, messages };
}

/** Every page, joined into one CSV: the first page's header row, then every page's rows. */
async function exportCsv() {
  /** @type {string[]} */
  const parts = [];
  /** @type {Set<string>} */
  const conversations = new Set();
  let messages = 0;
  /** @type {string | null} */
  let after = null;
  do {
    const page = await fetchFile("/transcripts.csv", { ...selection(), after: after ?? undefined });
    const text = (await page.blob.text()).replace(/^\uFEFF/, "");
    const rows = csvRows(text);
    const body = rows.slice(1);
    for (const row of body) conversations.add(row[0] ?? "");
    messages += body.length;
    // The header once, at the top; each page's rows after it.
    const rest = parts.length ? text.slice(text.indexOf("\n") + 1) : text;
    if (rest) parts.push(rest);
    x.progress = conversations.size;
    update();
    const next = page.headers.get("X-Next-After");
    after = next && body.length ? next : null;
  } while (after);
  const joined = parts.map((p) => (p.endsWith("\n") ? p : `${p}\n`)).join("");
  const blob = new Blob(["\uFEFF", joined], { type: "text/csv;charset=utf-8" });
  return { blob, conversations: conversations.size, messages };
}

/**
 * The rows of a CSV (RFC 4180: quoted cells may hold commas, quotes and
 * line breaks), for counting what was exported.
 * @param {string} text
 * @returns {string[][]}
 */
function csvRows(text) {
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

// --- views -------------------------------------------------------------------

function view() {
  return html`${pageHeader(t("title"), nothing, t("subtitle"))}
    <section id="transcripts" class="admin-card transcripts-card">
      <div class="admin-card-body">
        <div class="admin-form">
          <div class="admin-field wide">
            <span class="admin-label">${t("what")}</span>
            <div class="transcripts-choice" role="radiogroup" aria-label=${t("what")}>
              ${choice("mode", "range", x.mode === "range", t("modeRange"), () => { x.mode = "range"; x.fieldErrors = {}; update(); })}
              ${choice("mode", "one", x.mode === "one", t("modeOne"), () => { x.mode = "one"; x.fieldErrors = {}; update(); })}
            </div>
          </div>
          ${x.mode === "range" ? rangeFields() : idField()}
          <div class="admin-field wide">
            <span class="admin-label">${t("format")}</span>
            <div class="transcripts-formats" role="radiogroup" aria-label=${t("format")}>
              ${formatChoice("json", t("json"), t("jsonHint"))}
              ${formatChoice("csv", t("csv"), t("csvHint"))}
            </div>
          </div>
        </div>
        ${!x.keepTranscripts
          ? html`<p class="transcripts-note">${t("keepOff")} <a href="#admin/settings">${t("settings")}</a></p>`
          : nothing}
        <div class="transcripts-actions">
          <button type="button" id="transcript-export" class="btn primary solid" ?disabled=${x.busy} @click=${run}>
            ${x.busy ? t("exporting") : t("export")}
          </button>
          ${status()}
        </div>
      </div>
    </section>`;
}

/**
 * @param {string} name @param {string} value @param {boolean} checked @param {string} label @param {() => void} pick
 */
function choice(name, value, checked, label, pick) {
  return html`<label class="admin-check">
    <input type="radio" name="transcripts-${name}" value=${value} .checked=${checked} ?disabled=${x.busy} @change=${pick}>${label}
  </label>`;
}

/** @param {"json" | "csv"} value @param {string} label @param {string} hint */
function formatChoice(value, label, hint) {
  return html`<label class="transcripts-format ${x.format === value ? "active" : ""}" data-format=${value}>
    <input type="radio" name="transcripts-format" value=${value} .checked=${x.format === value} ?disabled=${x.busy}
      @change=${() => { x.format = value; update(); }}>
    <span class="transcripts-format-text"><strong>${label}</strong><span>${hint}</span></span>
  </label>`;
}

function rangeFields() {
  const max = today(x.offset);
  return html`
    ${field(
      t("from"),
      html`<input type="date" id="transcript-from" .value=${x.from} max=${max} aria-invalid=${x.fieldErrors.from ? "true" : "false"}
        @change=${(/** @type {Event} */ e) => { x.from = valueOf(e); x.fieldErrors = {}; update(); }}>`,
      { error: x.fieldErrors.from },
    )}
    ${field(
      t("to"),
      html`<input type="date" id="transcript-to" .value=${x.to} max=${max} aria-invalid=${x.fieldErrors.to ? "true" : "false"}
        @change=${(/** @type {Event} */ e) => { x.to = valueOf(e); x.fieldErrors = {}; update(); }}>`,
      { error: x.fieldErrors.to },
    )}
    <div class="admin-field wide transcripts-range-hint">
      <span class="admin-hint">${t("rangeHint", { max: MAX_DAYS })}</span>
      <span class="transcripts-quick">
        <button type="button" class="btn ghost small" ?disabled=${x.busy} @click=${() => setRange(7)}>${t("last7")}</button>
        <button type="button" class="btn ghost small" ?disabled=${x.busy} @click=${() => setRange(30)}>${t("last30")}</button>
      </span>
    </div>`;
}

function idField() {
  return field(
    t("questionId"),
    html`<input type="text" id="transcript-question" class="mono" spellcheck="false" autocomplete="off" maxlength="24"
      placeholder=${t("questionIdPlaceholder")} .value=${x.questionId} aria-invalid=${x.fieldErrors.question_id ? "true" : "false"}
      @input=${(/** @type {Event} */ e) => { x.questionId = valueOf(e); x.fieldErrors = {}; update(); }}
      @keydown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === "Enter") run(); }}>`,
    { wide: true, error: x.fieldErrors.question_id, hint: t("questionIdHint") },
  );
}

function status() {
  if (x.busy) return html`<span class="transcripts-status" role="status">${t("progress", { n: x.progress })}</span>`;
  if (x.error) return html`<span class="transcripts-status error" role="alert">${t("failed", { message: errorText(x.error) })}</span>`;
  if (x.result) {
    const r = x.result;
    return html`<span id="transcript-result" class="transcripts-status ok" role="status" data-count=${r.conversations}>
      ${r.conversations ? t("done", { n: r.conversations, m: r.messages }) : t("doneNone")}
      <span class="transcripts-file">${t("file", { name: r.file })}</span>
    </span>`;
  }
  return nothing;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "transcripts",
  title: () => t("title"),
  view,
  open,
};
