// The admin page "开始使用": where an admin's first sign-in lands. Three
// steps to a working chat on the company's site, each with its state and
// a way to do it: name the statuses, add agents, put the widget on a page.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { state, update } from "../state.js";
import { adminApi } from "./api.js";
import { catalog } from "./i18n.js";
import { failedState, pageHeader } from "./ui.js";
import { closeAdmin } from "./shell.js";
import { copyText } from "./service/copy.js";
import { chatUrl, loadKeys, widgetSnippet } from "./service/keys.js";
import { DEFAULT_STATES } from "./service/states-card.js";

const t = catalog(
  {
    title: "开始使用",
    subtitle: "完成下面三步，客户就能在你的网站上找到客服。",
    progress: "已完成 {done} / 3",
    done: "已完成",
    todo: "待完成",
    step1: "设置接待状态名称",
    step1Text: "客服在工作台顶部切换状态，只有“可接待”的客服会收到新会话。默认是 在线 / 忙碌 / 离开 / 离线，可以改成团队习惯的叫法。",
    step1Done: "当前状态：{names}",
    step1Go: "去设置",
    step1Keep: "默认名称就好",
    step2: "添加客服",
    step2Text: "为每位同事建一个账号，他们用自己的账号登录工作台接待客户。",
    step2Count: "现在有 {count} 位客服",
    step2Go: "添加客服",
    step3: "复制网站插件代码",
    step3Text: "把下面这行代码粘贴到网站每个页面的 </body> 之前，页面右下角就会出现“在线客服”按钮。",
    copy: "复制代码",
    copied: "已复制",
    copyFailed: "无法自动复制，请选中代码后按 Ctrl+C",
    tryIt: "以客户身份试一试",
    tryHint: "在新窗口打开聊天页，把自己当成客户发一条消息，再回到工作台接待。",
    allDone: "全部完成！回到工作台，把状态切换为“可接待”就能开始接待了。",
    workspace: "回到工作台",
    loading: "…",
    retry: "重试",
  },
  {
    title: "Get started",
    subtitle: "Three steps, and customers can reach your team from your website.",
    progress: "{done} of 3 done",
    done: "Done",
    todo: "To do",
    step1: "Name the statuses",
    step1Text: "Agents switch status in the console's header; only agents in the accepting status get new conversations. The defaults are 在线 / 忙碌 / 离开 / 离线; use your team's words.",
    step1Done: "Statuses now: {names}",
    step1Go: "Open settings",
    step1Keep: "Keep the defaults",
    step2: "Add agents",
    step2Text: "Give each colleague an account: they sign in to the console with it and serve customers.",
    step2Count: "Agents now: {count}",
    step2Go: "Add agents",
    step3: "Copy the widget snippet",
    step3Text: "Paste this line before </body> on every page of your site: a chat button appears at the bottom right.",
    copy: "Copy",
    copied: "Copied",
    copyFailed: "Could not copy: select the code and press Ctrl+C",
    tryIt: "Try it as a customer",
    tryHint: "Opens the chat page in a new window: send a message as a customer, then answer it in the console.",
    allDone: "All done! Back in the console, switch to the accepting status to start serving.",
    workspace: "Back to the console",
    loading: "…",
    retry: "Retry",
  },
);

/**
 * One thing the checklist reads, loaded on its own.
 * @template T
 * @typedef {{ value: T | null, error: unknown }} Check
 */

const c = {
  /** module 2's status names @type {Check<string[]>} */
  states: { value: null, error: null },
  /** how many agents the tenant has @type {Check<number>} */
  agents: { value: null, error: null },
  /** @type {Check<string>} */
  apiKey: { value: null, error: null },
  /** @type {"" | "copied" | "failed"} */
  copy: "",
};

/** What the admin marked done in this browser, per admin. @param {string} what */
function flagKey(what) {
  return `kefu.console.checklist.${what}.${state.session?.serv_id ?? ""}`;
}

/** @param {string} what */
function flagged(what) {
  return localStorage.getItem(flagKey(what)) === "1";
}

/** @param {string} what */
function flag(what) {
  localStorage.setItem(flagKey(what), "1");
  update();
}

/**
 * @template T
 * @param {Check<T>} check
 * @param {() => Promise<T>} fetch
 */
async function refresh(check, fetch) {
  check.error = null;
  update();
  try {
    check.value = await fetch();
  } catch (e) {
    check.error = e;
  }
  update();
}

const loadStates = () => refresh(c.states, async () => {
  const r = await adminApi("GET", "/settings.json");
  const states = r.settings?.plate_states?.["2"]?.states;
  return Array.isArray(states) ? states.map(String) : [...DEFAULT_STATES];
});
const loadAgents = () => refresh(c.agents, async () => {
  const r = await adminApi("GET", "/supports.json", { query: { per_page: 1 } });
  return Number(r.count) || 0;
});
const loadApiKey = () => refresh(c.apiKey, async () => (await loadKeys()).api_key);

function open() {
  c.copy = "";
  loadStates();
  loadAgents();
  loadApiKey();
}

const statesDone = () => flagged("states") || (!!c.states.value && c.states.value.join("/") !== DEFAULT_STATES.join("/"));
const agentsDone = () => (c.agents.value ?? 0) > 1;
const snippetDone = () => flagged("snippet");

async function copySnippet() {
  if (!c.apiKey.value) return;
  const ok = await copyText(widgetSnippet(c.apiKey.value));
  c.copy = ok ? "copied" : "failed";
  if (ok) flag("snippet");
  else selectSnippet();
  update();
}

/** Selects the code, so that Ctrl+C copies it where the browser would not. */
function selectSnippet() {
  const code = document.getElementById("checklist-code");
  if (!code) return;
  const range = document.createRange();
  range.selectNodeContents(code);
  getSelection()?.removeAllRanges();
  getSelection()?.addRange(range);
}

/**
 * @param {{ n: number, id: string, done: boolean, title: string, text: string, body?: unknown, actions: unknown }} s
 */
function stepView(s) {
  return html`<li id="checklist-${s.id}" class="ck-step ${s.done ? "done" : ""}" data-done=${s.done ? "true" : "false"}>
    <span class="ck-mark" aria-hidden="true">${s.done ? "✓" : s.n}</span>
    <div class="ck-main">
      <div class="ck-head">
        <h2 class="ck-title">${s.title}</h2>
        <span class="admin-pill ${s.done ? "ok" : ""}">${s.done ? t("done") : t("todo")}</span>
      </div>
      <p class="ck-text">${s.text}</p>
      ${s.body ?? nothing}
      <div class="ck-actions">${s.actions}</div>
    </div>
  </li>`;
}

/** A check's line: its value, loading, or its error with a retry. @template T @param {Check<T>} check @param {(v: T) => unknown} shown @param {() => void} retry */
function checkLine(check, shown, retry) {
  if (check.error) return html`<div class="ck-error">${failedState(check.error, retry, t("retry"))}</div>`;
  if (check.value === null) return html`<p class="ck-note muted">${t("loading")}</p>`;
  return html`<p class="ck-note">${shown(check.value)}</p>`;
}

function statesStep() {
  const done = statesDone();
  return stepView({
    n: 1,
    id: "states",
    done,
    title: t("step1"),
    text: t("step1Text"),
    body: checkLine(c.states, (names) => t("step1Done", { names: names.join(" / ") }), loadStates),
    actions: html`<a class="btn small primary ${done ? "" : "solid"}" href="#admin/settings">${t("step1Go")}</a>
      ${done ? nothing : html`<button type="button" id="checklist-states-keep" class="btn small ghost" @click=${() => flag("states")}>${t("step1Keep")}</button>`}`,
  });
}

function agentsStep() {
  const done = agentsDone();
  return stepView({
    n: 2,
    id: "agents",
    done,
    title: t("step2"),
    text: t("step2Text"),
    body: checkLine(c.agents, (count) => t("step2Count", { count }), loadAgents),
    actions: html`<a class="btn small primary ${done ? "" : "solid"}" href="#admin/agents">${t("step2Go")}</a>`,
  });
}

function snippetStep() {
  const key = c.apiKey.value;
  const body = c.apiKey.error
    ? html`<div class="ck-error">${failedState(c.apiKey.error, loadApiKey, t("retry"))}</div>`
    : html`<div class="ck-code-box">
        <pre id="checklist-code" class="ck-code" @copy=${() => flag("snippet")}><code>${key ? widgetSnippet(key) : t("loading")}</code></pre>
        <button type="button" id="checklist-copy" class="btn small primary solid" ?disabled=${!key} @click=${copySnippet}>
          ${c.copy === "copied" ? t("copied") : t("copy")}</button>
      </div>
      ${c.copy === "failed" ? html`<p class="ck-note error" role="alert">${t("copyFailed")}</p>` : nothing}`;
  return stepView({
    n: 3,
    id: "snippet",
    done: snippetDone(),
    title: t("step3"),
    text: t("step3Text"),
    body,
    actions: key
      ? html`<a id="checklist-try" class="btn small" href=${chatUrl(key)} target="_blank" rel="noopener">${t("tryIt")} ↗</a>
          <span class="admin-hint">${t("tryHint")}</span>`
      : nothing,
  });
}

function view() {
  const done = [statesDone(), agentsDone(), snippetDone()].filter(Boolean).length;
  return html`${pageHeader(t("title"), nothing, t("subtitle"))}
    <div class="ck">
      <div class="ck-progress-row">
        <div class="ck-bar" role="progressbar" aria-valuemin="0" aria-valuemax="3" aria-valuenow=${done} aria-label=${t("progress", { done })}>
          <span class="ck-bar-fill ck-bar-${done}"></span>
        </div>
        <span id="checklist-progress" class="ck-progress">${t("progress", { done })}</span>
      </div>
      <ol class="ck-steps">
        ${statesStep()}
        ${agentsStep()}
        ${snippetStep()}
      </ol>
      ${done === 3
        ? html`<div class="ck-all-done" role="status"><span>${t("allDone")}</span>
            <button type="button" class="btn small primary solid" @click=${closeAdmin}>${t("workspace")}</button></div>`
        : nothing}
    </div>`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "checklist",
  title: () => t("title"),
  view,
  open,
};
