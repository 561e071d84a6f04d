// The admin page "快捷回复": the tenant's canned replies (seed 003's
// templates and items, docs/api/question-chat.md), groups on the left and
// the selected group's replies on the right. Agents pick them with `/`.
import { html, nothing } from "../../vendor/lit-html/lit-html.js";
import { api, seg } from "../api.js";
import { forgetCanned } from "../canned.js";
import { errorView } from "../errors.js";
import { toast, update } from "../state.js";
import { catalog } from "./i18n.js";
import { dialog, emptyState, failedState, field, pageHeader, valueOf } from "./ui.js";

const t = catalog(
  {
    title: "快捷回复",
    subtitle: "客服在输入框里输入 / 即可搜索并插入这些回复。按分组整理，例如“售前咨询”“物流”“售后”。",
    groups: "分组",
    newGroup: "新建分组",
    noGroups: "还没有分组",
    noGroupsHint: "先建一个分组，再往里添加常用回复。",
    pickGroup: "选择左侧的分组查看回复",
    addItem: "添加回复",
    noItems: "这个分组还没有回复",
    noItemsHint: "把常被问到的问题和标准回答加进来，客服就能一键发送。",
    rename: "重命名",
    remove: "删除",
    edit: "编辑",
    loading: "正在加载…",
    retry: "重试",
    groupTitle: "分组名称",
    groupPlaceholder: "如：物流",
    newGroupTitle: "新建分组",
    renameTitle: "重命名分组",
    question: "标题",
    questionHint: "客服输入 / 后按标题和内容搜索，如：发货时间。",
    questionPlaceholder: "如：什么时候发货？",
    content: "回复内容",
    contentPlaceholder: "如：您好，付款后 48 小时内发货，发货后会短信通知您。",
    newItemTitle: "添加回复",
    editItemTitle: "编辑回复",
    cancel: "取消",
    save: "保存",
    saving: "保存中…",
    deleteGroupTitle: "删除分组“{name}”？",
    deleteGroupText: "分组里的 {count} 条回复会一起删除，客服将无法再使用。",
    deleteGroupTextUnknown: "分组里的回复会一起删除，客服将无法再使用。",
    deleteItemTitle: "删除这条回复？",
    deleting: "删除中…",
    saved: "已保存",
    deleted: "已删除",
    errTitle: "请填写 1 到 100 个字的分组名称",
    errQuestion: "请填写 1 到 500 个字的标题",
    errContent: "请填写 1 到 5000 个字的回复内容",
    count: "{count} 条",
  },
  {
    title: "Canned replies",
    subtitle: "Agents type / in the composer to search and insert these. Keep them in groups, such as Pre-sales, Shipping, After-sales.",
    groups: "Groups",
    newGroup: "New group",
    noGroups: "No groups yet",
    noGroupsHint: "Make a group first, then add the replies you use often.",
    pickGroup: "Pick a group on the left to see its replies",
    addItem: "Add a reply",
    noItems: "No replies in this group yet",
    noItemsHint: "Add the questions customers ask often and their answers: agents send them in one step.",
    rename: "Rename",
    remove: "Delete",
    edit: "Edit",
    loading: "Loading…",
    retry: "Retry",
    groupTitle: "Group name",
    groupPlaceholder: "e.g. Shipping",
    newGroupTitle: "New group",
    renameTitle: "Rename the group",
    question: "Title",
    questionHint: "Agents search titles and texts after typing /, e.g. Shipping time.",
    questionPlaceholder: "e.g. When do you ship?",
    content: "Reply",
    contentPlaceholder: "e.g. Hello! We ship within 48 hours of payment and text you when we do.",
    newItemTitle: "Add a reply",
    editItemTitle: "Edit the reply",
    cancel: "Cancel",
    save: "Save",
    saving: "Saving…",
    deleteGroupTitle: "Delete the group “{name}”?",
    deleteGroupText: "Its {count} replies are deleted too; agents can no longer use them.",
    deleteGroupTextUnknown: "Its replies are deleted too; agents can no longer use them.",
    deleteItemTitle: "Delete this reply?",
    deleting: "Deleting…",
    saved: "Saved",
    deleted: "Deleted",
    errTitle: "A group name of 1 to 100 characters",
    errQuestion: "A title of 1 to 500 characters",
    errContent: "A reply of 1 to 5000 characters",
    count: "{count}",
  },
);

/**
 * @typedef {{ template_id: string, title: string }} Group
 * @typedef {{ item_id: string, question: string, content: string }} Item
 * @typedef {{ rows: Item[] | null, error: unknown }} Items
 * @typedef {{ id: string | null, title: string, busy: boolean, error: unknown }} GroupEditor
 * @typedef {{ group: string, id: string | null, question: string, content: string, busy: boolean, error: unknown }} ItemEditor
 * @typedef {{ kind: "group" | "item", id: string, title: string, text: string, busy: boolean, error: unknown }} Deleting
 */

const c = {
  /** @type {Group[] | null} */
  groups: null,
  /** @type {unknown} */
  error: null,
  /** @type {string | null} */
  selected: null,
  /** each group's replies, once loaded @type {Map<string, Items>} */
  items: new Map(),
  /** @type {GroupEditor | null} */
  groupEditor: null,
  /** @type {ItemEditor | null} */
  itemEditor: null,
  /** @type {Deleting | null} */
  deleting: null,
};

// ---- loading ---------------------------------------------------------------------

async function load() {
  // Afresh each time: another sign-in in this tab may be another tenant.
  c.groups = null;
  c.error = null;
  c.items.clear();
  update();
  try {
    const r = await api("GET", "/v1/answer/templates");
    c.groups = (r.templates ?? []).filter((/** @type {any} */ g) => typeof g?.template_id === "string");
    const groups = c.groups ?? [];
    if (!groups.some((g) => g.template_id === c.selected)) c.selected = groups[0]?.template_id ?? null;
    if (c.selected) loadItems(c.selected);
  } catch (e) {
    c.error = e;
  }
  update();
}

/** All of a group's replies, 50 a page (at most 1000, as the agents' picker reads). @param {string} group */
async function loadItems(group) {
  const entry = { rows: /** @type {Item[] | null} */ (null), error: /** @type {unknown} */ (null) };
  c.items.set(group, entry);
  update();
  try {
    /** @type {Item[]} */
    const rows = [];
    /** @type {string | undefined} */
    let cursor;
    for (let page = 0; page < 20; page++) {
      const r = await api("GET", `/v1/answer/template/${seg(group)}`, { query: { num: 50, sort: 1, item_id: cursor } });
      const got = (r.items ?? []).filter((/** @type {any} */ it) => typeof it?.item_id === "string");
      rows.push(...got);
      if (got.length < 50) break;
      cursor = got[got.length - 1].item_id;
    }
    entry.rows = rows;
  } catch (e) {
    entry.error = e;
  }
  update();
}

/** @param {string} group */
function select(group) {
  c.selected = group;
  if (!c.items.has(group)) loadItems(group);
  update();
}

/** After a change: the agents' `/` picker loads afresh. @param {string} message */
function changed(message) {
  forgetCanned();
  toast(message);
}

// ---- groups ----------------------------------------------------------------------

/** @param {Group} [group] */
function editGroup(group) {
  c.groupEditor = { id: group?.template_id ?? null, title: group?.title ?? "", busy: false, error: null };
  update();
}

/** @param {GroupEditor} ed */
async function saveGroup(ed) {
  const title = ed.title.trim();
  if (!title || [...title].length > 100) return refuse(ed, t("errTitle"));
  ed.busy = true;
  ed.error = null;
  update();
  try {
    if (ed.id === null) {
      const r = await api("POST", "/v1/answer/templates", { form: { title } });
      c.groups = [...(c.groups ?? []), { template_id: r.template_id, title: r.title ?? title }];
      c.items.set(r.template_id, { rows: [], error: null });
      c.selected = r.template_id;
    } else {
      await api("PUT", `/v1/answer/template/${seg(ed.id)}`, { form: { title } });
      const group = c.groups?.find((g) => g.template_id === ed.id);
      if (group) group.title = title;
    }
    c.groupEditor = null;
    changed(t("saved"));
  } catch (e) {
    ed.error = e;
  } finally {
    ed.busy = false;
    update();
  }
}

/** @param {GroupEditor} ed */
function groupEditorView(ed) {
  const close = () => { if (!ed.busy) { c.groupEditor = null; update(); } };
  return dialog({
    id: "canned-group-dialog",
    title: ed.id === null ? t("newGroupTitle") : t("renameTitle"),
    onClose: close,
    body: html`<form id="canned-group-form" class="admin-form" @submit=${(/** @type {Event} */ e) => { e.preventDefault(); saveGroup(ed); }}>
      ${field(t("groupTitle"), html`<input id="canned-group-title" maxlength="100" placeholder=${t("groupPlaceholder")} .value=${ed.title}
          @input=${(/** @type {Event} */ e) => { ed.title = valueOf(e); ed.error = null; update(); }}>`,
        { error: ed.error, wide: true })}
    </form>`,
    actions: editorActions("canned-group-form", "canned-group-save", ed.busy, close),
  });
}

// ---- replies ---------------------------------------------------------------------

/** @param {string} group @param {Item} [item] */
function editItem(group, item) {
  c.itemEditor = { group, id: item?.item_id ?? null, question: item?.question ?? "", content: item?.content ?? "", busy: false, error: null };
  update();
}

/** @param {ItemEditor} ed */
async function saveItem(ed) {
  const question = ed.question.trim();
  const content = ed.content.trim();
  if (!question || [...question].length > 500) return refuse(ed, t("errQuestion"));
  if (!content || [...content].length > 5000) return refuse(ed, t("errContent"));
  ed.busy = true;
  ed.error = null;
  update();
  try {
    const form = { question, content };
    const r = ed.id === null
      ? await api("POST", `/v1/answer/template/${seg(ed.group)}/items`, { form })
      : await api("PUT", `/v1/answer/item/${seg(ed.id)}`, { form });
    const entry = c.items.get(ed.group);
    const item = { item_id: String(r.item_id ?? ed.id), question: String(r.question ?? question), content: String(r.content ?? content) };
    if (entry?.rows) {
      const at = entry.rows.findIndex((x) => x.item_id === item.item_id);
      if (at >= 0) entry.rows[at] = item;
      else entry.rows.push(item);
    }
    c.itemEditor = null;
    changed(t("saved"));
  } catch (e) {
    ed.error = e;
  } finally {
    ed.busy = false;
    update();
  }
}

/** @param {ItemEditor} ed */
function itemEditorView(ed) {
  const close = () => { if (!ed.busy) { c.itemEditor = null; update(); } };
  const blame = (/** @type {string} */ key) => (ed.error && /** @type {any} */ (ed.error).field === key ? ed.error : null);
  const other = ed.error && !blame("question") && !blame("content") ? ed.error : null;
  return dialog({
    id: "canned-item-dialog",
    title: ed.id === null ? t("newItemTitle") : t("editItemTitle"),
    wide: true,
    onClose: close,
    body: html`<form id="canned-item-form" class="admin-form" @submit=${(/** @type {Event} */ e) => { e.preventDefault(); saveItem(ed); }}>
      ${field(t("question"), html`<input id="canned-item-question" maxlength="500" placeholder=${t("questionPlaceholder")} .value=${ed.question}
          @input=${(/** @type {Event} */ e) => { ed.question = valueOf(e); ed.error = null; update(); }}>`,
        { hint: t("questionHint"), error: blame("question"), wide: true })}
      ${field(t("content"), html`<textarea id="canned-item-content" rows="6" maxlength="5000" placeholder=${t("contentPlaceholder")} .value=${ed.content}
          @input=${(/** @type {Event} */ e) => { ed.content = valueOf(e); ed.error = null; update(); }}></textarea>`,
        { error: blame("content") ?? other, wide: true })}
    </form>`,
    actions: editorActions("canned-item-form", "canned-item-save", ed.busy, close),
  });
}

/** @param {string} form @param {string} id @param {boolean} busy @param {() => void} close */
function editorActions(form, id, busy, close) {
  return html`<button type="button" class="btn" ?disabled=${busy} @click=${close}>${t("cancel")}</button>
    <button type="submit" form=${form} id=${id} class="btn primary solid" ?disabled=${busy}>${busy ? t("saving") : t("save")}</button>`;
}

/** @param {{ error: unknown }} ed @param {string} message */
function refuse(ed, message) {
  ed.error = message;
  update();
}

// ---- deleting --------------------------------------------------------------------

/** @param {Group} group */
function askDeleteGroup(group) {
  const rows = c.items.get(group.template_id)?.rows;
  c.deleting = {
    kind: "group",
    id: group.template_id,
    title: t("deleteGroupTitle", { name: group.title }),
    text: rows ? t("deleteGroupText", { count: rows.length }) : t("deleteGroupTextUnknown"),
    busy: false,
    error: null,
  };
  update();
}

/** @param {Item} item */
function askDeleteItem(item) {
  c.deleting = { kind: "item", id: item.item_id, title: t("deleteItemTitle"), text: item.question, busy: false, error: null };
  update();
}

/** @param {Deleting} d */
async function confirmDelete(d) {
  d.busy = true;
  d.error = null;
  update();
  try {
    if (d.kind === "group") {
      await api("DELETE", `/v1/answer/template/${seg(d.id)}`);
      c.groups = (c.groups ?? []).filter((g) => g.template_id !== d.id);
      c.items.delete(d.id);
      if (c.selected === d.id) {
        c.selected = null;
        if (c.groups[0]) select(c.groups[0].template_id);
      }
    } else {
      await api("DELETE", `/v1/answer/item/${seg(d.id)}`);
      for (const entry of c.items.values()) {
        if (entry.rows) entry.rows = entry.rows.filter((x) => x.item_id !== d.id);
      }
    }
    c.deleting = null;
    changed(t("deleted"));
  } catch (e) {
    d.error = e;
  } finally {
    d.busy = false;
    update();
  }
}

/** @param {Deleting} d */
function deleteView(d) {
  const close = () => { if (!d.busy) { c.deleting = null; update(); } };
  return dialog({
    id: "canned-delete",
    title: d.title,
    onClose: close,
    body: html`<p class="cn-delete-text">${d.text}</p>${d.error ? html`<p class="error" role="alert">${errorView(d.error)}</p>` : nothing}`,
    actions: html`<button type="button" class="btn" ?disabled=${d.busy} @click=${close}>${t("cancel")}</button>
      <button type="button" id="canned-delete-confirm" class="btn danger solid" ?disabled=${d.busy} @click=${() => confirmDelete(d)}>
        ${d.busy ? t("deleting") : t("remove")}</button>`,
  });
}

// ---- the page --------------------------------------------------------------------

/** @param {Group[]} groups */
function groupsView(groups) {
  return html`<aside class="admin-card cn-groups" aria-label=${t("groups")}>
    <div class="admin-card-header">
      <h2 class="admin-card-title">${t("groups")}</h2>
      <button type="button" id="canned-group-add" class="btn small primary" @click=${() => editGroup()}>+ ${t("newGroup")}</button>
    </div>
    ${groups.length
      ? html`<ul class="cn-group-list">
          ${groups.map((g) => {
            const rows = c.items.get(g.template_id)?.rows;
            return html`<li><button type="button" class="cn-group ${g.template_id === c.selected ? "active" : ""}" data-template-id=${g.template_id}
              aria-current=${g.template_id === c.selected ? "true" : "false"} @click=${() => select(g.template_id)}>
              <span class="cn-group-title">${g.title}</span>
              ${rows ? html`<span class="cn-group-count">${t("count", { count: rows.length })}</span>` : nothing}
            </button></li>`;
          })}
        </ul>`
      : html`<p class="muted cn-pad">${t("noGroups")}</p>`}
  </aside>`;
}

/** @param {Group | undefined} group */
function itemsView(group) {
  if (!group && !c.groups?.length) {
    return html`<section class="admin-card cn-items cn-start">${emptyState(t("noGroupsHint"))}
      <button type="button" class="btn primary solid" @click=${() => editGroup()}>+ ${t("newGroup")}</button></section>`;
  }
  if (!group) return html`<section class="admin-card cn-items">${emptyState(t("pickGroup"))}</section>`;
  const entry = c.items.get(group.template_id);
  return html`<section class="admin-card cn-items" aria-labelledby="canned-group-name">
    <div class="admin-card-header">
      <h2 id="canned-group-name" class="admin-card-title">${group.title}</h2>
      <div class="admin-actions">
        <button type="button" id="canned-group-rename" class="btn ghost small" @click=${() => editGroup(group)}>${t("rename")}</button>
        <button type="button" id="canned-group-delete" class="btn ghost small danger" @click=${() => askDeleteGroup(group)}>${t("remove")}</button>
        <button type="button" id="canned-item-add" class="btn small primary solid" @click=${() => editItem(group.template_id)}>+ ${t("addItem")}</button>
      </div>
    </div>
    ${!entry || (!entry.rows && !entry.error)
      ? html`<p class="muted cn-pad">${t("loading")}</p>`
      : entry.error
        ? failedState(entry.error, () => loadItems(group.template_id), t("retry"))
        : entry.rows?.length
          ? html`<ul class="cn-item-list">
              ${entry.rows.map((it) => html`<li class="cn-item" data-item-id=${it.item_id}>
                <div class="cn-item-text">
                  <div class="cn-item-question">${it.question}</div>
                  <div class="cn-item-content">${it.content}</div>
                </div>
                <div class="cn-item-actions">
                  <button type="button" class="btn ghost small" @click=${() => editItem(group.template_id, it)}>${t("edit")}</button>
                  <button type="button" class="btn ghost small danger" @click=${() => askDeleteItem(it)}>${t("remove")}</button>
                </div>
              </li>`)}
            </ul>`
          : emptyState(t("noItems"), t("noItemsHint"))}
  </section>`;
}

function view() {
  const header = pageHeader(t("title"), nothing, t("subtitle"));
  if (!c.groups) {
    return html`${header}${c.error ? failedState(c.error, load, t("retry")) : html`<p class="muted svc-loading">${t("loading")}</p>`}`;
  }
  return html`${header}
    <div class="cn-layout">
      ${groupsView(c.groups)}
      ${itemsView(c.groups.find((g) => g.template_id === c.selected))}
    </div>
    ${c.groupEditor ? groupEditorView(c.groupEditor) : nothing}
    ${c.itemEditor ? itemEditorView(c.itemEditor) : nothing}
    ${c.deleting ? deleteView(c.deleting) : nothing}`;
}

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "canned",
  title: () => t("title"),
  view,
  open: load,
};
