// One confirm step for the team pages: a question, what follows, and the
// action's own button (solid red when it cannot be undone).
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { afterRender, update } from "../../state.js";
import { errorView } from "../../errors.js";
import { catalog } from "../i18n.js";
import { dialog } from "../ui.js";

const t = catalog({ cancel: "取消", working: "处理中…" }, { cancel: "Cancel", working: "Working…" });

/**
 * @typedef {{
 *   title: string, text: unknown, confirm: string, final: boolean,
 *   run: () => Promise<void>, error?: (e: unknown) => unknown,
 * }} ConfirmRequest
 * @typedef {ConfirmRequest & { busy: boolean, failed: unknown }} ConfirmState
 */

/** @type {ConfirmState | null} */
let current = null;

/** Asks; `run` happens on the confirm, and the dialog stays open with its error if it fails. @param {ConfirmRequest} request */
export function ask(request) {
  current = { ...request, busy: false, failed: null };
  update();
  afterRender(() => document.getElementById("team-confirm-ok")?.focus());
}

function close() {
  current = null;
  update();
}

async function go() {
  const c = current;
  if (!c || c.busy) return;
  c.busy = true;
  c.failed = null;
  update();
  try {
    await c.run();
    if (current === c) current = null;
  } catch (e) {
    c.failed = c.error ? c.error(e) : e;
    c.busy = false;
  }
  update();
}

export function confirmView() {
  const c = current;
  if (!c) return nothing;
  return dialog({
    id: "team-confirm",
    title: c.title,
    onClose: close,
    body: html`<div class="team-confirm-text">${c.text}</div>`,
    actions: html`<span class="team-dialog-error" role="alert">${errorView(c.failed)}</span>
      <button type="button" class="btn ghost" @click=${close}>${t("cancel")}</button>
      <button type="button" id="team-confirm-ok" class="btn danger ${c.final ? "solid" : ""}" ?disabled=${c.busy} @click=${go}>
        ${c.busy ? t("working") : c.confirm}
      </button>`,
  });
}
