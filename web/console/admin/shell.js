// The admin area: a left navigation of pages and the page open, in place
// of the chat workspace (the socket, alerts and unread counts keep running).
// The route is the URL's hash (`#admin/agents`), so reload and back work.
// Only admins see the way in; a non-admin who types the hash lands back in
// the chat, and the API answers 403 whatever the browser does.
import { html } from "../../vendor/lit-html/lit-html.js";
import { state, update } from "../state.js";
import { catalog } from "./i18n.js";
import { page as checklist } from "./checklist.js";
import { page as agents } from "./agents.js";
import { page as departments } from "./departments.js";
import { page as schedules } from "./schedules.js";
import { page as checkins } from "./checkins.js";
import { page as reports } from "./reports.js";
import { page as transcripts } from "./transcripts.js";
import { page as canned } from "./canned.js";
import { page as webhooks } from "./webhooks.js";
import { page as settings } from "./settings.js";

/**
 * One admin page. `open` runs each time it is navigated to (load its data).
 * @typedef {{ id: string, title: () => string, view: () => unknown, open?: () => void }} AdminPage
 */

const t = catalog(
  { admin: "管理后台", workspace: "返回工作台", groupTeam: "团队", groupInsight: "数据", groupService: "服务设置" },
  { admin: "Admin", workspace: "Back to inbox", groupTeam: "Team", groupInsight: "Insights", groupService: "Service" },
);

/** The navigation, grouped. @type {{ group: () => string, pages: AdminPage[] }[]} */
const NAV = [
  { group: () => "", pages: [checklist] },
  { group: () => t("groupTeam"), pages: [agents, departments, schedules, checkins] },
  { group: () => t("groupInsight"), pages: [reports, transcripts] },
  { group: () => t("groupService"), pages: [canned, webhooks, settings] },
];
const PAGES = NAV.flatMap((g) => g.pages);

/** The admin page open, or null in the chat workspace. @type {AdminPage | null} */
let current = null;

/** Whether the admin area is on screen. */
export function inAdmin() {
  return current !== null && !!state.session?.is_admin;
}

const CHECKLIST_SEEN = "kefu.console.checklist-seen";

/**
 * After signing in: an admin's first sign-in in this browser lands on the
 * first-run checklist; any other follows the hash (a non-admin's
 * `#admin` hash is dropped).
 */
export function afterSignIn() {
  const key = `${CHECKLIST_SEEN}.${state.session?.serv_id ?? ""}`;
  if (state.session?.is_admin && !localStorage.getItem(key)) {
    localStorage.setItem(key, "1");
    openAdmin(checklist.id);
  } else {
    route();
  }
}

/** Follows the hash; called on start and on every `hashchange`. */
export function route() {
  const m = /^#admin(?:\/([\w-]+))?/.exec(location.hash);
  if (!m || !state.session?.is_admin) {
    if (m) history.replaceState(null, "", location.pathname + location.search);
    current = null;
    update();
    return;
  }
  const next = PAGES.find((p) => p.id === m[1]) ?? agents;
  current = next;
  next.open?.();
  update();
  document.getElementById("admin-main")?.focus({ preventScroll: true });
}

/** @param {string} id a page id, e.g. "agents" */
export function openAdmin(id) {
  const hash = `#admin/${id}`;
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function closeAdmin() {
  history.pushState(null, "", location.pathname + location.search);
  route();
}

/** The header's way in and out (admins only). */
export function adminToggle() {
  if (!state.session?.is_admin) return null;
  return current
    ? html`<button type="button" id="admin-exit" class="btn ghost small" @click=${closeAdmin}>${t("workspace")}</button>`
    : html`<button type="button" id="admin-enter" class="btn ghost small" @click=${() => openAdmin(agents.id)}>${t("admin")}</button>`;
}

export function adminView() {
  const page = current ?? agents;
  return html`<main class="admin" data-page=${page.id}>
    <nav class="admin-nav" aria-label=${t("admin")}>
      ${NAV.map(
        (g) => html`<div class="admin-nav-group">
          ${g.group() ? html`<div class="admin-nav-heading">${g.group()}</div>` : null}
          ${g.pages.map(
            (p) => html`<a class="admin-nav-item ${p === page ? "active" : ""}" href="#admin/${p.id}"
              data-page=${p.id} aria-current=${p === page ? "page" : "false"}>${p.title()}</a>`,
          )}
        </div>`,
      )}
    </nav>
    <section id="admin-main" class="admin-main" tabindex="-1">${page.view()}</section>
  </main>`;
}
