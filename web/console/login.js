// The sign-in form.
import { html } from "../vendor/lit-html/lit-html.js";
import { live } from "../vendor/lit-html/directives/live.js";
import { state } from "./state.js";
import { t, isKey } from "./i18n.js";
import { login } from "./session.js";
import { langButton } from "./header.js";

/** @param {Event} e */
function submit(e) {
  e.preventDefault();
  // What the fields hold now (autofill and test drivers may not send input events).
  const form = /** @type {HTMLFormElement} */ (e.currentTarget);
  const account = form.elements.namedItem("account");
  const password = form.elements.namedItem("password");
  if (account instanceof HTMLInputElement) state.login.account = account.value;
  if (password instanceof HTMLInputElement) state.login.password = password.value;
  login();
}

export function loginView() {
  const l = state.login;
  const error = isKey(l.error) ? t(l.error) : typeof l.error === "string" ? l.error : "";
  return html`
    <div class="login-page">
      <div class="login-lang">${langButton()}</div>
      <form class="login-card" @submit=${submit} novalidate>
        <div class="login-brand"><span class="logo">kefu</span></div>
        <h1 class="login-heading">${t("loginHeading")}</h1>
        <p class="login-sub">${t("loginSub")}</p>
        <label class="field">
          <span>${t("loginAccount")}</span>
          <input id="login-account" name="account" autocomplete="username" maxlength="20" autofocus
            .value=${live(l.account)} aria-invalid=${error && !l.account.trim() ? "true" : "false"}
            @input=${(/** @type {Event} */ e) => { l.account = /** @type {HTMLInputElement} */ (e.target).value; }}>
        </label>
        <label class="field">
          <span>${t("loginPassword")}</span>
          <input id="login-password" name="password" type="password" autocomplete="current-password" maxlength="20"
            .value=${live(l.password)}
            @input=${(/** @type {Event} */ e) => { l.password = /** @type {HTMLInputElement} */ (e.target).value; }}>
        </label>
        <p id="login-error" class="login-error" role="alert" aria-live="assertive">${error}</p>
        <button id="login-submit" type="submit" class="btn primary solid block" ?disabled=${l.busy}>
          ${l.busy ? t("loginBusy") : t("loginSubmit")}
        </button>
      </form>
    </div>
  `;
}

