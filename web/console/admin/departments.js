// The admin page "部门": the tenant's departments (`/supportgroups`) on the
// left, the one picked and its members on the right. Membership is the
// agent's `groupId`, so adding or removing a member updates that agent.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { live } from "../../vendor/lit-html/directives/live.js";
import { afterRender, toast, update } from "../state.js";
import { errorView, errorText } from "../errors.js";
import { hue, initial } from "../util.js";
import { adminAllPages, adminApi } from "./api.js";
import { catalog } from "./i18n.js";
import { pageHeader, dialog, field, emptyState, failedState, valueOf, checkedOf } from "./ui.js";
import { team, loadTeam, reloadAgents, storeAgent, groupIdsOf, groupName, isActive, displayName, liveStatus } from "./team/data.js";
import { ask, confirmView } from "./team/confirm.js";
import { teamError } from "./team/errors.js";

/** @typedef {import("./team/data.js").SupportAgent} SupportAgent */
/** @typedef {import("./team/data.js").SupportGroup} SupportGroup */

const t = catalog(
  {
    title: "部门",
    subtitle: "按业务把客服分组：会话可以转接到部门，由部门中有空的客服接待。一名客服可以属于多个部门。",
    create: "新建部门",
    all: "全部部门",
    members: "{n} 人",
    memberCount: "成员 {n} 人",
    addMembers: "添加成员",
    rename: "重命名",
    remove: "删除部门",
    colAgent: "客服",
    colNum: "工号",
    colOther: "其他部门",
    colStatus: "在线聊天状态",
    removeMember: "移出部门",
    inRecycle: "回收站",
    noMembers: "这个部门还没有成员",
    noMembersHint: "添加成员后，转接到该部门的会话会分配给其中有空的客服。",
    noGroups: "还没有部门",
    noGroupsHint: "例如「售前」「售后」「技术支持」：转接会话时可以直接选择部门。",
    pickGroup: "从左侧选择一个部门",
    loading: "加载中…",
    retry: "重试",
    createTitle: "新建部门",
    renameTitle: "重命名部门",
    name: "部门名称",
    nameHint: "1–30 个字符，团队内不能重名",
    cancel: "取消",
    save: "保存",
    saving: "保存中…",
    created: "已创建部门 {name}",
    renamed: "已重命名为 {name}",
    required: "请输入部门名称",
    removeTitle: "删除部门「{name}」？",
    removeText: "部门中的 {n} 名客服不会被删除，只是不再属于这个部门。已经转接到该部门的会话不受影响。",
    removeConfirm: "删除部门",
    removed: "已删除部门 {name}",
    pickerTitle: "添加成员到「{name}」",
    pickerSearch: "搜索姓名或账号",
    pickerEmpty: "所有在职客服都已在这个部门中",
    pickerNoMatch: "没有符合条件的客服",
    pickerAdd: "添加 {n} 人",
    added: "已添加 {n} 人到 {name}",
    memberRemoved: "已将 {name} 移出 {group}",
  },
  {
    title: "Departments",
    subtitle: "Group agents by line of work: a conversation can be transferred to a department, and a free agent of it serves. An agent may belong to several.",
    create: "New department",
    all: "All departments",
    members: "{n}",
    memberCount: "{n} members",
    addMembers: "Add members",
    rename: "Rename",
    remove: "Delete department",
    colAgent: "Agent",
    colNum: "No.",
    colOther: "Other departments",
    colStatus: "Chat status",
    removeMember: "Remove",
    inRecycle: "Recycle bin",
    noMembers: "No members yet",
    noMembersHint: "Once it has members, conversations transferred here go to a free one of them.",
    noGroups: "No departments yet",
    noGroupsHint: "E.g. Pre-sales, After-sales, Tech support: transfers can then pick a department.",
    pickGroup: "Pick a department on the left",
    loading: "Loading…",
    retry: "Retry",
    createTitle: "New department",
    renameTitle: "Rename department",
    name: "Name",
    nameHint: "1–30 characters, unique in the team",
    cancel: "Cancel",
    save: "Save",
    saving: "Saving…",
    created: "Created department {name}",
    renamed: "Renamed to {name}",
    required: "Enter a name",
    removeTitle: "Delete department “{name}”?",
    removeText: "Its {n} agents are not deleted; they just leave this department. Conversations already transferred to it are not affected.",
    removeConfirm: "Delete department",
    removed: "Deleted department {name}",
    pickerTitle: "Add members to “{name}”",
    pickerSearch: "Search name or account",
    pickerEmpty: "Every active agent is in this department already",
    pickerNoMatch: "No agent matches",
    pickerAdd: "Add {n}",
    added: "Added {n} to {name}",
    memberRemoved: "Removed {name} from {group}",
  },
);

const page_ = {
  /** @type {number | null} the department shown */
  selected: /** @type {number | null} */ (null),
  /** @type {SupportAgent[] | null} its members, null while loading */
  members: /** @type {SupportAgent[] | null} */ (null),
  /** @type {unknown} */
  membersError: null,
  /** @type {Set<number>} members being removed */
  removing: new Set(),
  /** @type {{ group: SupportGroup | null, name: string, error: unknown, busy: boolean } | null} create or rename */
  editor: /** @type {{ group: SupportGroup | null, name: string, error: unknown, busy: boolean } | null} */ (null),
  /** @type {{ query: string, picked: number[], busy: boolean, error: unknown } | null} add members */
  picker: /** @type {{ query: string, picked: number[], busy: boolean, error: unknown } | null} */ (null),
};

function selectedGroup() {
  return team.groups?.find((g) => g.groupId === page_.selected) ?? null;
}

async function open() {
  await loadTeam();
  const groups = team.groups ?? [];
  if (!groups.some((g) => g.groupId === page_.selected)) page_.selected = groups[0]?.groupId ?? null;
  loadMembers();
}

/** @param {number} id */
function select(id) {
  if (page_.selected === id) return;
  page_.selected = id;
  loadMembers();
}

async function loadMembers() {
  const id = page_.selected;
  page_.members = null;
  page_.membersError = null;
  update();
  if (id === null) return;
  try {
    const members = await adminAllPages(`/supportgroups/${id}/supports.json`, "supports");
    if (page_.selected === id) page_.members = members;
  } catch (e) {
    if (page_.selected === id) page_.membersError = teamError(e, "group");
  }
  update();
}

/** After a change of membership: members, counts and the agent list. */
async function refreshAfterChange() {
  await reloadAgents();
  await loadMembers();
}

// ---- create, rename, delete ----------------------------------------------

/** @param {SupportGroup | null} group */
function openEditor(group) {
  page_.editor = { group, name: group?.name ?? "", error: null, busy: false };
  update();
  afterRender(() => /** @type {HTMLInputElement | null} */ (document.getElementById("group-name"))?.select());
}

function closeEditor() {
  page_.editor = null;
  update();
}

async function saveEditor() {
  const ed = page_.editor;
  if (!ed || ed.busy) return;
  const name = ed.name.trim();
  if (!name) {
    ed.error = t("required");
    update();
    return;
  }
  ed.busy = true;
  ed.error = null;
  update();
  try {
    const r = ed.group
      ? await adminApi("PUT", `/supportgroups/${ed.group.groupId}.json`, { json: { supportgroup: { name } } })
      : await adminApi("POST", "/supportgroups.json", { json: { supportgroup: { name } } });
    /** @type {SupportGroup} */
    const saved = r.supportgroup;
    const groups = team.groups ?? [];
    team.groups = ed.group ? groups.map((g) => (g.groupId === saved.groupId ? saved : g)) : [...groups, saved];
    toast(t(ed.group ? "renamed" : "created", { name: saved.name }));
    if (!ed.group) select(saved.groupId);
    if (page_.editor === ed) page_.editor = null;
  } catch (e) {
    ed.error = teamError(e, "group");
    ed.busy = false;
  }
  update();
}

/** @param {SupportGroup} group */
function askRemove(group) {
  ask({
    title: t("removeTitle", { name: group.name }),
    text: t("removeText", { n: group.members }),
    confirm: t("removeConfirm"),
    final: true,
    error: (e) => teamError(e, "group"),
    run: async () => {
      await adminApi("DELETE", `/supportgroups/${group.groupId}.json`);
      team.groups = (team.groups ?? []).filter((g) => g.groupId !== group.groupId);
      if (page_.selected === group.groupId) page_.selected = team.groups[0]?.groupId ?? null;
      toast(t("removed", { name: group.name }));
      refreshAfterChange();
    },
  });
}

// ---- membership, through the agent's groupId ------------------------------

/**
 * Sets one department in or out of an agent's `groupId`, read fresh just
 * before so that a change made meanwhile elsewhere is kept.
 * @param {number} sId @param {number} groupId @param {boolean} member
 */
async function setMembership(sId, groupId, member) {
  const fresh = /** @type {SupportAgent} */ ((await adminApi("GET", `/supports/${sId}.json`)).support);
  const ids = groupIdsOf(fresh).filter((id) => id !== groupId);
  if (member) ids.push(groupId);
  const r = await adminApi("PUT", `/supports/${sId}.json`, {
    json: { support: { groupId: ids.sort((a, b) => a - b).join(",") } },
  });
  storeAgent(r.support);
}

/** @param {SupportAgent} agent */
async function removeMember(agent) {
  const group = selectedGroup();
  if (!group || page_.removing.has(agent.sId)) return;
  page_.removing.add(agent.sId);
  update();
  try {
    await setMembership(agent.sId, group.groupId, false);
    toast(t("memberRemoved", { name: displayName(agent), group: group.name }));
    await refreshAfterChange();
  } catch (e) {
    toast(errorText(teamError(e)), "error");
  } finally {
    page_.removing.delete(agent.sId);
    update();
  }
}

function openPicker() {
  page_.picker = { query: "", picked: [], busy: false, error: null };
  update();
  afterRender(() => document.getElementById("picker-search")?.focus());
}

function closePicker() {
  page_.picker = null;
  update();
}

/** Active agents not yet in the department. @param {SupportGroup} group */
function candidates(group) {
  return (team.agents ?? []).filter((a) => isActive(a) && !groupIdsOf(a).includes(group.groupId));
}

async function addPicked() {
  const p = page_.picker;
  const group = selectedGroup();
  if (!p || !group || p.busy || !p.picked.length) return;
  p.busy = true;
  p.error = null;
  update();
  let done = 0;
  try {
    for (const sId of p.picked) {
      await setMembership(sId, group.groupId, true);
      done++;
    }
    toast(t("added", { n: done, name: group.name }));
    if (page_.picker === p) page_.picker = null;
  } catch (e) {
    // The ones before the failure are in; the picker keeps the rest.
    p.picked = p.picked.slice(done);
    p.error = teamError(e);
    p.busy = false;
  }
  await refreshAfterChange();
}

// ---- view ----------------------------------------------------------------

/** @param {SupportAgent} a */
function person(a) {
  const name = displayName(a);
  return html`<div class="team-person">
    <span class="avatar team-avatar ${hue(a.sPassportName)}" aria-hidden="true">${initial(name)}</span>
    <span class="team-person-text">
      <span class="team-person-name">${name}</span>
      <span class="team-person-account">${a.sPassportName}</span>
    </span>
  </div>`;
}

/** @param {SupportAgent} a */
function status(a) {
  if (!isActive(a)) return html`<span class="admin-pill danger">${t("inRecycle")}</span>`;
  const s = liveStatus(a);
  if (!s) return html`<span class="subtle">—</span>`;
  return html`<span class="admin-pill ${s.accepting ? "ok" : ""} team-state-pill"><span class="team-pill-dot" aria-hidden="true"></span>${s.state}</span>`;
}

function groupList() {
  const groups = team.groups ?? [];
  return html`<section class="admin-card" aria-label=${t("all")}>
    <div class="admin-card-header">
      <span class="admin-card-title">${t("all")}</span>
      <span class="team-dept-count">${groups.length}</span>
    </div>
    <ul class="team-dept-list" id="group-list">
      ${groups.map(
        (g) => html`<li>
          <button type="button" class="team-dept ${g.groupId === page_.selected ? "active" : ""}" data-group-id=${String(g.groupId)}
            aria-current=${g.groupId === page_.selected ? "true" : "false"} @click=${() => select(g.groupId)}>
            <span class="team-dept-name">${g.name}</span>
            <span class="team-dept-count">${t("members", { n: g.members })}</span>
          </button>
        </li>`,
      )}
    </ul>
  </section>`;
}

/** @param {SupportGroup} group */
function membersTable(group) {
  if (page_.membersError) return failedState(page_.membersError, loadMembers, t("retry"));
  if (!page_.members) return html`<p class="admin-empty">${t("loading")}</p>`;
  if (!page_.members.length) {
    return html`<div class="admin-empty"><p>${t("noMembers")}</p><p class="muted small">${t("noMembersHint")}</p>
      <button type="button" class="btn primary" @click=${openPicker}>＋ ${t("addMembers")}</button></div>`;
  }
  return html`<div class="team-table-wrap"><table class="admin-table team-table compact" id="member-table">
    <thead><tr>
      <th>${t("colAgent")}</th><th>${t("colNum")}</th><th>${t("colOther")}</th><th>${t("colStatus")}</th>
      <th class="row-actions"><span class="visually-hidden">${t("removeMember")}</span></th>
    </tr></thead>
    <tbody>
      ${page_.members.map((a) => {
        const others = groupIdsOf(a).filter((id) => id !== group.groupId);
        return html`<tr class="member-row" data-account=${a.sPassportName}>
          <td>${person(a)}</td>
          <td class="team-mono">${a.sNum || html`<span class="subtle">—</span>`}</td>
          <td>${others.length ? html`<span class="team-tags">${others.map((id) => html`<span class="team-tag">${groupName(id)}</span>`)}</span>` : html`<span class="subtle">—</span>`}</td>
          <td>${status(a)}</td>
          <td class="row-actions">
            <button type="button" class="btn small ghost member-remove" ?disabled=${page_.removing.has(a.sId)} @click=${() => removeMember(a)}>${t("removeMember")}</button>
          </td>
        </tr>`;
      })}
    </tbody>
  </table></div>`;
}

function detail() {
  const group = selectedGroup();
  if (!group) return html`<section class="admin-card">${emptyState(t("pickGroup"))}</section>`;
  return html`<section class="admin-card" id="group-detail" data-group-id=${String(group.groupId)}>
    <div class="admin-card-header">
      <div class="team-dept-head">
        <h2 class="team-dept-title">${group.name}</h2>
        <span class="admin-pill">${t("memberCount", { n: group.members })}</span>
      </div>
      <div class="team-dept-actions">
        <button type="button" class="btn small primary" id="group-add-members" @click=${openPicker}>＋ ${t("addMembers")}</button>
        <button type="button" class="btn small ghost" id="group-rename" @click=${() => openEditor(group)}>${t("rename")}</button>
        <button type="button" class="btn small ghost danger" id="group-delete" @click=${() => askRemove(group)}>${t("remove")}</button>
      </div>
    </div>
    ${membersTable(group)}
  </section>`;
}

function editorView() {
  const ed = page_.editor;
  if (!ed) return nothing;
  return dialog({
    id: "group-dialog",
    title: ed.group ? t("renameTitle") : t("createTitle"),
    onClose: closeEditor,
    body: html`<form id="group-form" novalidate @submit=${(/** @type {Event} */ e) => { e.preventDefault(); saveEditor(); }}>
      ${field(t("name"), html`<input id="group-name" maxlength="30" autocomplete="off" aria-invalid=${ed.error ? "true" : "false"}
          .value=${live(ed.name)} @input=${(/** @type {Event} */ e) => { ed.name = valueOf(e); if (ed.error) { ed.error = null; update(); } }}>`,
        { hint: t("nameHint"), error: ed.error })}
    </form>`,
    actions: html`<button type="button" class="btn ghost" @click=${closeEditor}>${t("cancel")}</button>
      <button type="submit" form="group-form" id="group-save" class="btn primary solid" ?disabled=${ed.busy}>${ed.busy ? t("saving") : t("save")}</button>`,
  });
}

function pickerView() {
  const p = page_.picker;
  const group = selectedGroup();
  if (!p || !group) return nothing;
  const all = candidates(group);
  const q = p.query.trim().toLowerCase();
  const shown = q ? all.filter((a) => [a.name, a.sPassportName, a.sNum].some((v) => String(v ?? "").toLowerCase().includes(q))) : all;
  return dialog({
    id: "member-picker",
    title: t("pickerTitle", { name: group.name }),
    onClose: closePicker,
    body: html`<input id="picker-search" class="team-picker-search" type="search" placeholder=${t("pickerSearch")} aria-label=${t("pickerSearch")}
        .value=${live(p.query)} @input=${(/** @type {Event} */ e) => { p.query = valueOf(e); update(); }}>
      ${!all.length
        ? html`<p class="admin-empty">${t("pickerEmpty")}</p>`
        : !shown.length
          ? html`<p class="admin-empty">${t("pickerNoMatch")}</p>`
          : html`<div class="team-picker">
              ${shown.map((a) => html`<label class="team-picker-item" data-account=${a.sPassportName}>
                <input type="checkbox" .checked=${live(p.picked.includes(a.sId))}
                  @change=${(/** @type {Event} */ e) => { p.picked = checkedOf(e) ? [...p.picked, a.sId] : p.picked.filter((x) => x !== a.sId); update(); }}>
                ${person(a)}
              </label>`)}
            </div>`}`,
    actions: html`<span class="team-dialog-error" role="alert">${errorView(p.error)}</span>
      <button type="button" class="btn ghost" @click=${closePicker}>${t("cancel")}</button>
      <button type="button" id="picker-add" class="btn primary solid" ?disabled=${p.busy || !p.picked.length} @click=${addPicked}>
        ${p.busy ? t("saving") : t("pickerAdd", { n: p.picked.length })}
      </button>`,
  });
}

function body() {
  if (team.error && !team.groups) return failedState(team.error, open, t("retry"));
  if (!team.groups) return html`<section class="admin-card"><p class="admin-empty">${t("loading")}</p></section>`;
  if (!team.groups.length) {
    return html`<section class="admin-card"><div class="admin-empty"><p>${t("noGroups")}</p><p class="muted small">${t("noGroupsHint")}</p>
      <button type="button" class="btn primary solid" @click=${() => openEditor(null)}>＋ ${t("create")}</button></div></section>`;
  }
  return html`<div class="team-depts">${groupList()}${detail()}</div>`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "departments",
  title: () => t("title"),
  view: () => html`
    ${pageHeader(t("title"), html`<button type="button" class="btn primary solid" id="group-create" @click=${() => openEditor(null)}>＋ ${t("create")}</button>`, t("subtitle"))}
    ${body()}
    ${editorView()}
    ${pickerView()}
    ${confirmView()}`,
  open,
};
