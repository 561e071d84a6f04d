// The settings card "分配规则": how seed 001 routing picks an agent, how
// many conversations an agent holds, how long a customer may wait, the
// welcome text the chat shows, and whether transcripts survive a shutdown.
import { html } from "../../../vendor/lit-html/lit-html.js";
import { catalog } from "../i18n.js";
import { checkedOf, field, valueOf } from "../ui.js";
import { edit, errorFor } from "./card.js";
import { wholeNumber } from "./numbers.js";

const t = catalog(
  {
    title: "分配规则",
    subtitle: "新会话怎样分给在线客服，以及客户打开聊天窗口时看到的欢迎语。",
    strategy: "分配方式",
    random: "随机分配",
    least_busy: "优先分给当前接待最少的客服",
    round_robin: "按顺序轮流分配",
    strategyHint: "只在“可接待”且未满额的客服中挑选。",
    maxChats: "每位客服同时接待上限",
    maxChatsHint: "0 到 1000；0 表示不自动分配。客服资料里单独设置的上限优先。",
    timeout: "排队超时（秒）",
    timeoutHint: "客户等待客服超过这个时间，会话自动结束；0 表示一直等待。只对之后开始排队的会话生效。",
    template: "欢迎语",
    templatePlaceholder: "如：您好，欢迎咨询！请问有什么可以帮您？",
    templateHint: "客户打开聊天窗口时看到的第一句话，最多 2000 字；留空则显示默认欢迎语。",
    keep: "客户结束会话后保留聊天记录",
    keepHint: "不勾选时，客户主动结束会话会删除这次会话的消息。",
  },
  {
    title: "Routing",
    subtitle: "How new conversations reach online agents, and the welcome text customers see.",
    strategy: "Strategy",
    random: "At random",
    least_busy: "The agent serving the fewest",
    round_robin: "Round robin",
    strategyHint: "Only agents in the accepting status with room for more are picked.",
    maxChats: "Conversations per agent at once",
    maxChatsHint: "0 to 1000; 0 assigns none. An agent's own limit wins.",
    timeout: "Queue timeout (seconds)",
    timeoutHint: "A conversation waiting longer ends by itself; 0 waits forever. Applies to conversations queued afterwards.",
    template: "Welcome text",
    templatePlaceholder: "e.g. Hello! How can we help you?",
    templateHint: "The first line customers see in the chat, at most 2000 characters; empty shows the default.",
    keep: "Keep the messages when a customer ends the chat",
    keepHint: "Unchecked, a customer's end of the chat deletes its messages.",
  },
);

const STRATEGIES = /** @type {const} */ (["random", "least_busy", "round_robin"]);

/**
 * @typedef {{ routing_strategy: string, max_chats: string, timeout: string, template: string, keep_transcripts: boolean }} Draft
 */

/** @type {import("./card.js").CardDef<Draft>} */
export const routingCard = {
  id: "routing",
  title: () => t("title"),
  subtitle: () => t("subtitle"),
  fields: ["routing_strategy", "max_chats", "timeout", "template", "keep_transcripts"],
  read: (s) => ({
    routing_strategy: String(s.routing_strategy ?? "random"),
    max_chats: String(s.max_chats ?? 5),
    timeout: String(s.timeout ?? 200),
    template: String(s.template ?? ""),
    keep_transcripts: !!s.keep_transcripts,
  }),
  write: (d) => ({
    routing_strategy: d.routing_strategy,
    max_chats: wholeNumber("max_chats", d.max_chats, 0, 1000),
    timeout: wholeNumber("timeout", d.timeout, 0, 604800),
    template: d.template,
    keep_transcripts: d.keep_transcripts,
  }),
  body: (card) => {
    const d = card.draft;
    return html`<div class="admin-form">
      ${field(t("strategy"), html`<select id="settings-routing-strategy" .value=${d.routing_strategy}
          @change=${(/** @type {Event} */ e) => edit(card, (x) => { x.routing_strategy = valueOf(e); })}>
          ${STRATEGIES.map((s) => html`<option value=${s} ?selected=${d.routing_strategy === s}>${t(s)}</option>`)}
        </select>`, { hint: t("strategyHint"), error: errorFor(card, "routing_strategy") })}
      ${field(t("maxChats"), html`<input id="settings-max-chats" type="number" min="0" max="1000" step="1" inputmode="numeric"
          .value=${d.max_chats} aria-invalid=${errorFor(card, "max_chats") ? "true" : "false"}
          @input=${(/** @type {Event} */ e) => edit(card, (x) => { x.max_chats = valueOf(e); })}>`,
        { hint: t("maxChatsHint"), error: errorFor(card, "max_chats") })}
      ${field(t("timeout"), html`<input id="settings-timeout" type="number" min="0" max="604800" step="1" inputmode="numeric"
          .value=${d.timeout} aria-invalid=${errorFor(card, "timeout") ? "true" : "false"}
          @input=${(/** @type {Event} */ e) => edit(card, (x) => { x.timeout = valueOf(e); })}>`,
        { hint: t("timeoutHint"), error: errorFor(card, "timeout") })}
      ${field(t("template"), html`<textarea id="settings-template" rows="3" maxlength="2000" placeholder=${t("templatePlaceholder")}
          .value=${d.template} aria-invalid=${errorFor(card, "template") ? "true" : "false"}
          @input=${(/** @type {Event} */ e) => edit(card, (x) => { x.template = valueOf(e); })}></textarea>`,
        { hint: t("templateHint"), error: errorFor(card, "template"), wide: true })}
      <div class="admin-field wide svc-check-field">
        <label class="admin-check"><input id="settings-keep-transcripts" type="checkbox" .checked=${d.keep_transcripts}
          @change=${(/** @type {Event} */ e) => edit(card, (x) => { x.keep_transcripts = checkedOf(e); })}> ${t("keep")}</label>
        <span class="admin-hint">${t("keepHint")}</span>
      </div>
    </div>`;
  },
};
