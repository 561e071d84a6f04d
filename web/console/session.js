// Signing in and out, and what a signed-in console starts with.
import { ApiError, call } from "../shared/http.js";
import { api } from "./api.js";
import { state, saveSession, update, afterRender, toast } from "./state.js";
import { connect, disconnect } from "./live.js";
import { loadPending, loadMine } from "./inbox.js";
import { loadAgents } from "./transfer.js";
import { forgetCanned } from "./canned.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";
import { afterSignIn } from "./admin/shell.js";

/** @typedef {import("./i18n.js").Key} Key */

export async function login() {
  const l = state.login;
  if (l.busy) return;
  const account = l.account.trim();
  const password = l.password;
  if (!account || !password) {
    l.error = !account && !password ? "loginEmpty" : !account ? "loginEmptyAccount" : "loginEmptyPassword";
    update();
    afterRender(() => document.getElementById(!account ? "login-account" : "login-password")?.focus());
    return;
  }
  l.busy = true;
  l.error = null;
  update();
  try {
    const r = await api("POST", "/v1/console/login", { form: { account, password } });
    saveSession({ token: r.session, serv_id: r.serv_id, name: r.name ?? r.serv_id, is_admin: !!r.is_admin });
    l.password = "";
    l.error = null;
    start();
    afterSignIn();
  } catch (e) {
    l.error = loginError(e);
    afterRender(() => {
      const el = document.getElementById("login-password");
      if (el instanceof HTMLInputElement) el.select();
    });
  } finally {
    l.busy = false;
    update();
  }
}

/** @param {unknown} e @returns {string} */
function loginError(e) {
  if (e instanceof ApiError) {
    if (e.code === 2002) return "loginWrong";
    if (e.code === 2004) return "loginDisabled";
    if (e.code === 2005 || e.httpStatus === 429) return "loginThrottled";
    if (e.code === 1002 || e.code === 1001) return "loginWrong";
  }
  return t("loginFailed", { message: errorText(e) });
}

/** After sign-in, or a reload with the session kept. */
export function start() {
  connect(() => endSession("sessionEnded"));
  loadMe();
  loadAgents();
  loadPending();
  loadMine();
}

export async function loadMe() {
  try {
    state.me = await api("GET", "/v1/console/me");
    if (state.session && state.me) {
      const name = state.me.name || state.session.name;
      if (name !== state.session.name) saveSession({ ...state.session, name });
    }
  } catch {
    // 2001 signs out (api.js); otherwise the header shows what the session knows
  }
  update();
}

/** @param {string} name one of the tenant's state names */
export async function setStatus(name) {
  if (!state.me || name === state.me.state) return;
  const previous = state.me;
  state.me = { ...state.me, state: name };
  update();
  try {
    state.me = await api("PUT", "/v1/console/status", { form: { state: name } });
  } catch (e) {
    state.me = previous;
    toast(t("statusFailed", { message: errorText(e) }), "error");
  }
  update();
}

export async function logout() {
  const token = state.session?.token;
  disconnect();
  reset(null);
  if (token) {
    try {
      await call("POST", "/v1/console/logout", { token });
    } catch {
      // signed out here anyway
    }
  }
}

/**
 * The session is over (revoked, expired, closed with 4001): back to the
 * sign-in form with a word why.
 * @param {Key} reason
 */
export function endSession(reason) {
  if (!state.session) return;
  disconnect();
  reset(reason);
}

/** @param {Key | null} reason */
function reset(reason) {
  saveSession(null);
  state.me = null;
  state.agents = new Map();
  state.departments = [];
  state.connection = "starting";
  state.pending = new Map();
  state.pendingLoaded = false;
  state.pendingError = null;
  state.claiming = new Set();
  state.mine = new Map();
  state.mineLoaded = false;
  state.mineError = null;
  state.conversations = new Map();
  state.openId = null;
  state.transfer = null;
  state.canned = { open: false, query: "", index: 0, items: null, loading: false };
  state.teamOpen = false;
  state.toasts = [];
  state.login.busy = false;
  state.login.password = "";
  state.login.error = reason;
  forgetCanned();
  update();
  afterRender(() => document.getElementById(state.login.account ? "login-password" : "login-account")?.focus());
}
