// The right column: who the customer is, and their other conversations.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { clock } from "../shared/format.js";
import { state } from "./state.js";
import { t } from "./i18n.js";
import { avatar } from "./avatar.js";
import { openConversation, agentName, ratingScore, ratingStars } from "./conversation.js";

/** @param {number} code */
function statusChip(code) {
  const key = code === 1 ? "status1" : code === 2 ? "status2" : "status3";
  return html`<span class="chip status-${code}">${t(key)}</span>`;
}

/**
 * 满意度: the customer's rating of this conversation, once there is one
 * (`rating` of `GET /v1/question/{id}`).
 * @param {import("./types.js").QuestionInfo} info
 */
function ratingFact(info) {
  const rating = /** @type {{ rating?: { score?: unknown, comment?: unknown } | null }} */ (info).rating;
  const score = ratingScore(rating?.score);
  if (!score) return nothing;
  const comment = typeof rating?.comment === "string" ? rating.comment.trim() : "";
  return html`<dt>${t("customerRating")}</dt>
    <dd id="customer-rating" class="cust-rating" data-rating=${score}>
      ${ratingStars(score)} ${t("ratingScore", { score })}
      ${comment ? html`<span class="cust-rating-comment">${comment}</span>` : nothing}
    </dd>`;
}

export function customerView() {
  const c = state.openId ? state.conversations.get(state.openId) : undefined;
  if (!c) {
    return html`<aside id="customer-panel" class="customer-panel" aria-label=${t("customerPanel")}>
      <p class="panel-empty">${t("customerNone")}</p>
    </aside>`;
  }
  const info = c.info;
  if (!info) {
    return html`<aside id="customer-panel" class="customer-panel" aria-label=${t("customerPanel")}>
      <p class="panel-empty">${c.infoError || t("loading")}</p>
    </aside>`;
  }
  const name = info.user_name || info.user_id;
  const labels = Array.isArray(info.label) ? info.label : [];
  const others = c.history ?? [];
  return html`
    <aside id="customer-panel" class="customer-panel" aria-label=${t("customerPanel")}>
      <div class="cust-head">
        ${avatar(name, info.user_image_url, info.user_id, "large")}
        <div class="cust-who">
          <div class="cust-name" title=${name}>${name}</div>
          <div class="cust-sub" title=${info.user_id}>${info.user_id}</div>
        </div>
      </div>
      <dl class="facts">
        <dt>${t("customerId")}</dt><dd class="mono">${info.user_id}</dd>
        <dt>${t("customerApp")}</dt><dd>${info.identify || "—"}</dd>
        <dt>${t("customerTitle")}</dt><dd>${info.title || "—"}</dd>
        <dt>${t("customerLabels")}</dt>
        <dd>${labels.length ? html`<span class="labels">${labels.map((l) => html`<span class="label">${l}</span>`)}</span>` : "—"}</dd>
        <dt>${t("customerStatus")}</dt><dd>${statusChip(info.status_code)}</dd>
        <dt>${t("customerAgent")}</dt><dd>${info.serv_id ? info.serv_name || agentName(info.serv_id) : "—"}</dd>
        <dt>${t("customerCreated")}</dt><dd>${clock(info.timestamp)}</dd>
        ${ratingFact(info)}
      </dl>
      <h3 class="panel-heading">${t("earlier")}</h3>
      ${c.history === null
        ? html`<p class="panel-empty small">${t("loading")}</p>`
        : others.length === 0 || (others.length === 1 && others[0].question_id === c.id)
          ? html`<p class="panel-empty small">${t("earlierEmpty")}</p>`
          : html`<ul class="history">
              ${others.map(
                (q) => html`<li>
                  <button type="button" class="history-item ${q.question_id === c.id ? "current" : ""}"
                    data-question-id=${q.question_id} ?disabled=${q.question_id === c.id}
                    @click=${() => openConversation(q.question_id)}>
                    <span class="history-time">${clock(q.timestamp)}</span>
                    ${statusChip(q.status)}
                    <span class="history-agent">${q.question_id === c.id ? t("current") : q.serv_id ? agentName(q.serv_id) : ""}</span>
                  </button>
                </li>`,
              )}
            </ul>`}
    </aside>
  `;
}

