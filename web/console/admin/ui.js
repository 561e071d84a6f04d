// The pieces every admin page is built from, so that they look and behave
// alike: a page header, a form field, a modal dialog, an empty or failed
// state, a confirm step.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { errorView } from "../errors.js";

/** @typedef {import("../../vendor/lit-html/lit-html.js").TemplateResult} TemplateResult */

/**
 * @param {string} title
 * @param {unknown} [actions] buttons on the right
 * @param {string} [subtitle]
 */
export function pageHeader(title, actions = nothing, subtitle = "") {
  return html`<div class="admin-page-header">
    <div>
      <h1 class="admin-title">${title}</h1>
      ${subtitle ? html`<p class="admin-subtitle">${subtitle}</p>` : nothing}
    </div>
    <div class="admin-actions">${actions}</div>
  </div>`;
}

/**
 * A labelled control. `hint` is small text under it; `error` marks it.
 * @param {string} label
 * @param {unknown} control
 * @param {{ hint?: string, error?: unknown, wide?: boolean }} [options]
 */
export function field(label, control, options = {}) {
  return html`<label class="admin-field ${options.wide ? "wide" : ""}">
    <span class="admin-label">${label}</span>
    ${control}
    ${options.error ? html`<span class="admin-field-error">${errorView(options.error)}</span>` : nothing}
    ${options.hint ? html`<span class="admin-hint">${options.hint}</span>` : nothing}
  </label>`;
}

/**
 * A modal dialog; Escape and the backdrop close it through `onClose`.
 * @param {{ id: string, title: string, body: unknown, actions: unknown, onClose: () => void, wide?: boolean }} d
 */
export function dialog(d) {
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      d.onClose();
    }
  };
  return html`<div class="admin-backdrop" @click=${(/** @type {Event} */ e) => { if (e.target === e.currentTarget) d.onClose(); }}>
    <div id=${d.id} class="admin-dialog ${d.wide ? "wide" : ""}" role="dialog" aria-modal="true" aria-labelledby="${d.id}-title" @keydown=${onKey}>
      <h2 id="${d.id}-title" class="admin-dialog-title">${d.title}</h2>
      <div class="admin-dialog-body">${d.body}</div>
      <div class="admin-dialog-actions">${d.actions}</div>
    </div>
  </div>`;
}

/** @param {string} text @param {string} [hint] */
export function emptyState(text, hint = "") {
  return html`<div class="admin-empty"><p>${text}</p>${hint ? html`<p class="muted small">${hint}</p>` : nothing}</div>`;
}

/** A failed load with a retry. @param {unknown} error @param {() => void} retry @param {string} retryLabel */
export function failedState(error, retry, retryLabel) {
  return html`<div class="admin-empty error" role="alert"><p>${errorView(error)}</p>
    <button type="button" class="btn small" @click=${retry}>${retryLabel}</button></div>`;
}

/** @param {Event} e @returns {string} the value of the input that fired */
export function valueOf(e) {
  const el = /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */ (e.target);
  return el.value;
}

/** @param {Event} e @returns {boolean} whether the checkbox that fired is checked */
export function checkedOf(e) {
  return /** @type {HTMLInputElement} */ (e.target).checked;
}
