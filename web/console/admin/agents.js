// The admin page "客服": the tenant's agents (seed 002 `supports`), with
// their departments, role, live status and chat limit; create, edit,
// access and status, and the recycle bin (delete once to move there,
// restore, delete again to purge).
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { live } from "../../vendor/lit-html/directives/live.js";
import { toast, update } from "../state.js";
import { errorText } from "../errors.js";
import { loadAgents } from "../transfer.js";
import { hue, initial } from "../util.js";
import { adminApi } from "./api.js";
import { catalog } from "./i18n.js";
import { pageHeader, emptyState, failedState, valueOf } from "./ui.js";
import { team, loadTeam, storeAgent, reloadAgents, groupIdsOf, groupName, isActive, isAdmin, isMe, displayName, liveStatus } from "./team/data.js";
import { openAgentForm, agentFormView } from "./team/agent-form.js";
import { openAccess, accessView } from "./team/access.js";
import { ask, confirmView } from "./team/confirm.js";
import { teamError } from "./team/errors.js";

/** @typedef {import("./team/data.js").SupportAgent} SupportAgent */

const t = catalog(
  {
    title: "客服",
    subtitle: "管理团队成员的账号、部门、接待上限和权限",
    create: "新建客服",
    refresh: "刷新",
    statActive: "在职客服",
    statOnline: "可接待客服",
    statOnlineOf: "已上线 {n} 人",
    statServing: "进行中的会话",
    statAdmins: "管理员",
    tabActive: "在职",
    tabRecycle: "回收站",
    search: "搜索姓名、账号、工号或手机",
    allGroups: "全部部门",
    noGroup: "未分配部门",
    colAgent: "客服",
    colNum: "工号",
    colGroups: "部门",
    colRole: "角色",
    colStatus: "在线聊天状态",
    colLimit: "接待上限",
    colDeleted: "最后修改",
    colActions: "操作",
    roleAdmin: "管理员",
    roleAgent: "客服",
    me: "我",
    serving: "接待 {n}",
    unknownStatus: "未知",
    inRecycle: "已停用",
    limitDefault: "跟随团队 · {n}",
    limitNone: "不分配",
    edit: "编辑",
    access: "权限与状态",
    remove: "删除",
    restore: "恢复",
    purge: "彻底删除",
    selfNoDelete: "不能删除自己",
    emptyTitle: "还没有其他客服",
    emptyHint: "新建客服后，他们就可以用账号和密码登录客服台接待访客。",
    noMatch: "没有符合条件的客服",
    clearFilter: "清除筛选",
    recycleEmpty: "回收站是空的",
    recycleHint: "删除的客服会先放在这里：不能登录，可以恢复；在这里再次删除才会彻底删除。",
    recycleNote: "回收站中的客服不能登录，也不会被分配会话。",
    loading: "加载中…",
    retry: "重试",
    pageInfo: "共 {total} 人 · 第 {page} / {pages} 页",
    prev: "上一页",
    next: "下一页",
    removeTitle: "将「{name}」移入回收站？",
    removeText: "移入后，{name}（{account}）会立即下线，不能再登录，也不会再被分配会话。之后可以在「回收站」中恢复。",
    removeConfirm: "移入回收站",
    removed: "已将 {name} 移入回收站",
    purgeTitle: "彻底删除「{name}」？",
    purgeText: "此操作不能撤销：{name} 的资料将被永久删除，账号「{account}」以后也不能再使用。",
    purgeConfirm: "彻底删除",
    purged: "已彻底删除 {name}",
    restored: "已恢复 {name}，现在可以登录了",
  },
  {
    title: "Agents",
    subtitle: "Accounts, departments, chat limits and access of your team",
    create: "New agent",
    refresh: "Reload",
    statActive: "Active agents",
    statOnline: "Accepting chats",
    statOnlineOf: "{n} signed on",
    statServing: "Open conversations",
    statAdmins: "Administrators",
    tabActive: "Active",
    tabRecycle: "Recycle bin",
    search: "Search name, account, no., mobile",
    allGroups: "All departments",
    noGroup: "No department",
    colAgent: "Agent",
    colNum: "No.",
    colGroups: "Departments",
    colRole: "Role",
    colStatus: "Chat status",
    colLimit: "Chat limit",
    colDeleted: "Last changed",
    colActions: "Actions",
    roleAdmin: "Admin",
    roleAgent: "Agent",
    me: "me",
    serving: "serving {n}",
    unknownStatus: "Unknown",
    inRecycle: "Disabled",
    limitDefault: "Team · {n}",
    limitNone: "None",
    edit: "Edit",
    access: "Access",
    remove: "Delete",
    restore: "Restore",
    purge: "Delete forever",
    selfNoDelete: "You cannot delete yourself",
    emptyTitle: "No other agents yet",
    emptyHint: "Once created, agents sign in to the console with their account and password.",
    noMatch: "No agent matches",
    clearFilter: "Clear filters",
    recycleEmpty: "The recycle bin is empty",
    recycleHint: "Deleted agents wait here: they cannot sign in and can be restored; deleting them here is final.",
    recycleNote: "Agents in the recycle bin cannot sign in and get no conversations.",
    loading: "Loading…",
    retry: "Retry",
    pageInfo: "{total} agents · page {page} of {pages}",
    prev: "Previous",
    next: "Next",
    removeTitle: "Move “{name}” to the recycle bin?",
    removeText: "{name} ({account}) is signed out at once, cannot sign in and gets no more conversations. You can restore them from the recycle bin.",
    removeConfirm: "Move to recycle bin",
    removed: "Moved {name} to the recycle bin",
    purgeTitle: "Delete “{name}” forever?",
    purgeText: "This cannot be undone: {name}'s profile is removed for good and the account “{account}” can never be used again.",
    purgeConfirm: "Delete forever",
    purged: "Deleted {name} forever",
    restored: "Restored {name}; they can sign in again",
  },
);

const PAGE_SIZE = 20;

const view = {
  tab: /** @type {"active" | "recycle"} */ ("active"),
  query: "",
  /** a department id, "none" for agents without one, or "" for all */
  group: "",
  page: 1,
};

/** @param {SupportAgent} a */
function matches(a) {
  if (view.tab === "active" ? !isActive(a) : isActive(a)) return false;
  const ids = groupIdsOf(a);
  if (view.group === "none" ? ids.length > 0 : view.group && !ids.includes(Number(view.group))) return false;
  const q = view.query.trim().toLowerCase();
  if (!q) return true;
  return [a.name, a.sPassportName, a.sNum, a.mobile, a.email].some((v) => String(v ?? "").toLowerCase().includes(q));
}

/** @param {Partial<typeof view>} change */
function setView(change) {
  Object.assign(view, change, "page" in change ? {} : { page: 1 });
  update();
}

// ---- actions -------------------------------------------------------------

/** @param {SupportAgent} a */
function askRemove(a) {
  const vars = { name: displayName(a), account: a.sPassportName };
  ask({
    title: t("removeTitle", vars),
    text: t("removeText", vars),
    confirm: t("removeConfirm"),
    final: false,
    error: (e) => teamError(e),
    run: async () => {
      const r = await adminApi("DELETE", `/supports/${a.sId}.json`);
      storeAgent(r.support);
      toast(t("removed", vars));
    },
  });
}

/** @param {SupportAgent} a */
function askPurge(a) {
  const vars = { name: displayName(a), account: a.sPassportName };
  ask({
    title: t("purgeTitle", vars),
    text: t("purgeText", vars),
    confirm: t("purgeConfirm"),
    final: true,
    error: (e) => teamError(e),
    run: async () => {
      await adminApi("DELETE", `/supports/${a.sId}.json`);
      storeAgent({ ...a, isStat: "2" });
      // Department member counts drop.
      reloadAgents();
      toast(t("purged", vars));
    },
  });
}

/** @type {Set<number>} agents being restored */
const restoring = new Set();

/** @param {SupportAgent} a */
async function restore(a) {
  if (restoring.has(a.sId)) return;
  restoring.add(a.sId);
  update();
  try {
    await adminApi("PUT", `/servicers/${a.sId}.json`, { json: { support: { isStat: "1" } } });
    storeAgent({ ...a, isStat: "1" });
    toast(t("restored", { name: displayName(a) }));
  } catch (e) {
    toast(`${displayName(a)}: ${errorText(teamError(e))}`, "error");
  } finally {
    restoring.delete(a.sId);
    update();
  }
}

// ---- view ----------------------------------------------------------------

/** @param {SupportAgent[]} agents */
function stats(agents) {
  const active = agents.filter(isActive);
  const statuses = active.map(liveStatus);
  const accepting = statuses.filter((s) => s?.accepting).length;
  const online = statuses.filter((s) => s && s.state && !isOffline(s.state)).length;
  const serving = statuses.reduce((n, s) => n + (s?.serving ?? 0), 0);
  const admins = active.filter(isAdmin).length;
  /** @param {string} id @param {string} label @param {number} value @param {string} [note] @param {string} [kind] */
  const tile = (id, label, value, note = "", kind = "") => html`<div class="team-stat ${kind}" id=${id}>
    <span class="team-stat-label">${label}</span>
    <span class="team-stat-value">${value}</span>
    ${note ? html`<span class="team-stat-note">${note}</span>` : nothing}
  </div>`;
  return html`<div class="team-stats" id="agent-stats">
    ${tile("stat-active", t("statActive"), active.length)}
    ${tile("stat-accepting", t("statOnline"), accepting, t("statOnlineOf", { n: online }), "ok")}
    ${tile("stat-serving", t("statServing"), serving)}
    ${tile("stat-admins", t("statAdmins"), admins)}
  </div>`;
}

/** The module's initial name, "离线" by default, means not at work. @param {string} state */
function isOffline(state) {
  const config = team.settings?.plate_states?.["2"];
  return state === (config?.initial ?? "离线");
}

/** @param {SupportAgent} a */
function statusCell(a) {
  if (!isActive(a)) return html`<span class="admin-pill danger">${t("inRecycle")}</span>`;
  const s = liveStatus(a);
  if (!s) return html`<span class="admin-pill">${t("unknownStatus")}</span>`;
  const kind = s.accepting ? "ok" : isOffline(s.state) ? "" : "warn";
  return html`<span class="team-status">
    <span class="admin-pill ${kind} team-state-pill"><span class="team-pill-dot" aria-hidden="true"></span>${s.state || t("unknownStatus")}</span>
    ${s.serving ? html`<span class="team-serving">${t("serving", { n: s.serving })}</span>` : nothing}
  </span>`;
}

/** @param {SupportAgent} a */
function limitCell(a) {
  if (a.maxChats === null || a.maxChats === undefined) {
    return html`<span class="muted">${t("limitDefault", { n: team.settings?.max_chats ?? "" })}</span>`;
  }
  return a.maxChats === 0 ? html`<span class="muted">${t("limitNone")}</span>` : html`${a.maxChats}`;
}

/** @param {SupportAgent} a */
function agentCell(a) {
  const name = displayName(a);
  return html`<div class="team-person">
    <span class="avatar team-avatar ${hue(a.sPassportName)}" aria-hidden="true">${initial(name)}</span>
    <span class="team-person-text">
      <span class="team-person-name">${name}${isMe(a) ? html`<span class="team-me">${t("me")}</span>` : nothing}</span>
      <span class="team-person-account">${a.sPassportName}</span>
    </span>
  </div>`;
}

/** @param {SupportAgent} a */
function groupsCell(a) {
  const ids = groupIdsOf(a);
  if (!ids.length) return html`<span class="subtle">—</span>`;
  return html`<span class="team-tags">${ids.map((id) => html`<span class="team-tag">${groupName(id)}</span>`)}</span>`;
}

/** @param {SupportAgent} a */
function actionsCell(a) {
  if (!isActive(a)) {
    return html`<button type="button" class="btn small primary agent-restore" ?disabled=${restoring.has(a.sId)} @click=${() => restore(a)}>${t("restore")}</button>
      <button type="button" class="btn small ghost danger agent-purge" @click=${() => askPurge(a)}>${t("purge")}</button>`;
  }
  const self = isMe(a);
  return html`<button type="button" class="btn small ghost agent-edit" @click=${() => openAgentForm(a)}>${t("edit")}</button>
    <button type="button" class="btn small ghost agent-access" @click=${() => openAccess(a)}>${t("access")}</button>
    <button type="button" class="btn small ghost danger agent-delete" ?disabled=${self} title=${self ? t("selfNoDelete") : ""}
      @click=${() => askRemove(a)}>${t("remove")}</button>`;
}

/** @param {SupportAgent} a */
function row(a) {
  const recycle = !isActive(a);
  return html`<tr class="agent-row ${recycle ? "recycled" : ""}" data-sid=${String(a.sId)} data-account=${a.sPassportName}>
    <td>${agentCell(a)}</td>
    <td class="team-mono">${a.sNum || html`<span class="subtle">—</span>`}</td>
    <td>${groupsCell(a)}</td>
    <td>${isAdmin(a) ? html`<span class="admin-pill accent">${t("roleAdmin")}</span>` : html`<span class="muted">${t("roleAgent")}</span>`}</td>
    <td>${statusCell(a)}</td>
    ${recycle ? html`<td class="team-mono muted">${a.updateDT}</td>` : html`<td>${limitCell(a)}</td>`}
    <td class="row-actions">${actionsCell(a)}</td>
  </tr>`;
}

function head() {
  return html`<thead><tr>
    <th>${t("colAgent")}</th>
    <th>${t("colNum")}</th>
    <th>${t("colGroups")}</th>
    <th>${t("colRole")}</th>
    <th>${t("colStatus")}</th>
    <th>${view.tab === "recycle" ? t("colDeleted") : t("colLimit")}</th>
    <th class="row-actions"><span class="visually-hidden">${t("colActions")}</span></th>
  </tr></thead>`;
}

function skeleton() {
  return html`<tbody class="team-skeleton" aria-busy="true" aria-label=${t("loading")}>
    ${[0, 1, 2, 3].map(() => html`<tr>
      <td><div class="team-person"><span class="avatar team-avatar"></span><span class="team-bar wide"></span></div></td>
      <td><span class="team-bar"></span></td><td><span class="team-bar"></span></td><td><span class="team-bar short"></span></td>
      <td><span class="team-bar"></span></td><td><span class="team-bar short"></span></td><td></td>
    </tr>`)}
  </tbody>`;
}

/** @param {SupportAgent[]} all */
function toolbar(all) {
  const activeCount = all.filter(isActive).length;
  const recycleCount = all.length - activeCount;
  /** @param {"active" | "recycle"} tab @param {string} label @param {number} n */
  const tabButton = (tab, label, n) => html`<button type="button" role="tab" id="agents-tab-${tab}"
      class="team-tab ${view.tab === tab ? "active" : ""}" aria-selected=${view.tab === tab ? "true" : "false"}
      @click=${() => setView({ tab })}>${label}<span class="team-tab-count">${n}</span></button>`;
  return html`<div class="admin-card-header team-card-header">
    <div class="team-tabs" role="tablist">
      ${tabButton("active", t("tabActive"), activeCount)}
      ${tabButton("recycle", t("tabRecycle"), recycleCount)}
    </div>
    <div class="team-filters">
      <select id="agent-group-filter" aria-label=${t("colGroups")} @change=${(/** @type {Event} */ e) => setView({ group: valueOf(e) })}>
        <option value="" .selected=${live(view.group === "")}>${t("allGroups")}</option>
        ${(team.groups ?? []).map((g) => html`<option .value=${String(g.groupId)} .selected=${live(view.group === String(g.groupId))}>${g.name}</option>`)}
        <option value="none" .selected=${live(view.group === "none")}>${t("noGroup")}</option>
      </select>
      <span class="team-search">
        <input id="agent-search" type="search" placeholder=${t("search")} aria-label=${t("search")} .value=${live(view.query)}
          @input=${(/** @type {Event} */ e) => setView({ query: valueOf(e) })}>
      </span>
    </div>
  </div>`;
}

/** @param {SupportAgent[]} rows all the rows that match */
function pager(rows) {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  if (pages === 1) return nothing;
  const page = Math.min(view.page, pages);
  return html`<div class="admin-pager" id="agent-pager">
    <span>${t("pageInfo", { total: rows.length, page, pages })}</span>
    <button type="button" class="btn small" ?disabled=${page <= 1} @click=${() => setView({ page: page - 1 })}>${t("prev")}</button>
    <button type="button" class="btn small" ?disabled=${page >= pages} @click=${() => setView({ page: page + 1 })}>${t("next")}</button>
  </div>`;
}

function empty() {
  const filtered = view.query.trim() !== "" || view.group !== "";
  if (filtered) {
    return html`<div class="admin-empty"><p>${t("noMatch")}</p>
      <button type="button" class="btn small" @click=${() => setView({ query: "", group: "" })}>${t("clearFilter")}</button></div>`;
  }
  return view.tab === "recycle" ? emptyState(t("recycleEmpty"), t("recycleHint")) : emptyState(t("noMatch"));
}

/** Under a list that holds only the admin: the way to the first colleague. @param {SupportAgent[]} all */
function firstColleague(all) {
  const alone = view.tab === "active" && !view.query.trim() && !view.group && all.filter((a) => isActive(a) && !isMe(a)).length === 0;
  if (!alone) return nothing;
  return html`<div class="admin-empty team-first"><p>${t("emptyTitle")}</p>
    <p class="muted small">${t("emptyHint")}</p>
    <button type="button" class="btn primary" @click=${() => openAgentForm(null)}>＋ ${t("create")}</button></div>`;
}

function table() {
  if (team.error && !team.agents) return failedState(team.error, loadTeam, t("retry"));
  if (!team.agents) {
    return html`<div class="team-table-wrap"><table class="admin-table team-table">${head()}${skeleton()}</table></div>`;
  }
  const all = team.agents;
  const rows = all.filter(matches);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(view.page, pages);
  const shown = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return html`${view.tab === "recycle" && rows.length ? html`<p class="team-note">${t("recycleNote")}</p>` : nothing}
    ${rows.length
      ? html`<div class="team-table-wrap"><table class="admin-table team-table" id="agent-table">
          ${head()}
          <tbody>${shown.map(row)}</tbody>
        </table></div>
        ${pager(rows)}
        ${firstColleague(all)}`
      : empty()}`;
}

function pageView() {
  const all = team.agents ?? [];
  return html`
    ${pageHeader(t("title"), html`
      <button type="button" class="btn ghost small" id="agents-refresh" ?disabled=${team.loading} @click=${loadTeam}>${t("refresh")}</button>
      <button type="button" class="btn primary solid" id="agent-create" ?disabled=${!team.settings} @click=${() => openAgentForm(null)}>＋ ${t("create")}</button>`,
      t("subtitle"))}
    ${team.agents ? stats(all) : nothing}
    <section class="admin-card team-card" id="agents-card">
      ${toolbar(all)}
      ${table()}
    </section>
    ${agentFormView()}
    ${accessView()}
    ${confirmView()}`;
}

/** The interval that keeps the serving counts fresh, while the page is shown. */
let poll = 0;

// Statuses come live over the socket; how many each serves does not, so
// the page asks again every 20 s while it is open.
function keepCountsFresh() {
  if (poll) return;
  poll = window.setInterval(() => {
    if (!location.hash.startsWith(`#admin/${page.id}`)) {
      clearInterval(poll);
      poll = 0;
      return;
    }
    loadAgents();
  }, 20000);
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "agents",
  title: () => t("title"),
  view: pageView,
  open: () => {
    loadTeam();
    keepCountsFresh();
  },
};
