// The settings card "客服自定义字段": the definitions of the extra fields
// every agent's profile carries (docs/api/admin.md, Custom fields). The
// card edits the whole list; a dialog adds or changes one definition.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { update } from "../../state.js";
import { catalog } from "../i18n.js";
import { checkedOf, dialog, emptyState, field, valueOf } from "../ui.js";
import { edit, errorFor } from "./card.js";
import { InputError, problemView } from "./errors.js";

const t = catalog(
  {
    title: "客服自定义字段",
    subtitle: "客服资料中除姓名、电话等之外需要记录的信息，如工号级别、所在地区。",
    empty: "还没有自定义字段",
    emptyHint: "添加后，可在客服资料里填写这些字段。",
    add: "添加字段",
    edit: "编辑",
    remove: "删除",
    name: "字段名称",
    type: "类型",
    required: "必填",
    requiredLabel: "必填（添加客服时必须填写，且不能清空）",
    detail: "选项 / 规则",
    key: "字段标识",
    yes: "是",
    no: "否",
    options: "选项",
    optionsHint: "每行一个选项，最多 200 个。",
    optionsHintMulti: "每行一个选项，最多 200 个，选项中不能有逗号。",
    pattern: "正则表达式",
    patternHint: "填写的内容需要整体匹配这个表达式，如 ^[A-Z]\\d{5}$。",
    tree: "级联选项",
    treeHint: "每行一项，行首每多两个空格表示下一级，最多 5 级。",
    newTitle: "添加自定义字段",
    editTitle: "编辑自定义字段",
    ok: "确定",
    cancel: "取消",
    removedHint: "删除字段后，客服资料里这个字段的内容将不再显示。",
    pending: "保存后生效",
    errName: "字段名称为 1 到 50 个字",
    errNameTaken: "已有同名字段",
    errOptions: "请填写 1 到 200 个不重复的选项",
    errComma: "多选的选项中不能有逗号",
    errPattern: "请填写正则表达式（最多 200 个字符）",
    errBadPattern: "这个正则表达式无法识别",
    errTree: "请按层级填写级联选项",
    errTreeDeep: "级联选项最多 5 级",
    errTreeTwice: "同一级下“{name}”重复了",
    dropdown: "下拉选择",
    text: "单行文本",
    textarea: "多行文本",
    integer: "整数",
    decimal: "小数",
    checkbox: "是/否",
    date: "日期",
    regex: "文本（按规则校验）",
    attachments: "附件",
    multi_checkbox: "多选",
    cascade: "级联选择",
  },
  {
    title: "Agent custom fields",
    subtitle: "Extra facts kept in every agent's profile, such as a level or a region.",
    empty: "No custom fields yet",
    emptyHint: "Once added, they can be filled in each agent's profile.",
    add: "Add a field",
    edit: "Edit",
    remove: "Remove",
    name: "Name",
    type: "Type",
    required: "Required",
    requiredLabel: "Required (must be given when adding an agent; cannot be cleared)",
    detail: "Options / rule",
    key: "Key",
    yes: "Yes",
    no: "No",
    options: "Options",
    optionsHint: "One option a line, at most 200.",
    optionsHintMulti: "One option a line, at most 200, no commas.",
    pattern: "Regular expression",
    patternHint: "The whole value must match it, e.g. ^[A-Z]\\d{5}$.",
    tree: "Cascade options",
    treeHint: "One a line; two more spaces at the start mean one level down, at most 5 levels.",
    newTitle: "Add a custom field",
    editTitle: "Edit the custom field",
    ok: "OK",
    cancel: "Cancel",
    removedHint: "Values of a removed field no longer show in profiles.",
    pending: "Applies when saved",
    errName: "A name of 1 to 50 characters",
    errNameTaken: "A field of this name exists",
    errOptions: "Enter 1 to 200 different options",
    errComma: "Options of a multiple choice cannot hold commas",
    errPattern: "Enter a regular expression (at most 200 characters)",
    errBadPattern: "This regular expression is not valid",
    errTree: "Enter the options level by level",
    errTreeDeep: "At most 5 levels",
    errTreeTwice: "“{name}” is listed twice on one level",
    dropdown: "Dropdown",
    text: "Text",
    textarea: "Long text",
    integer: "Whole number",
    decimal: "Decimal",
    checkbox: "Yes / no",
    date: "Date",
    regex: "Text (checked by a rule)",
    attachments: "Attachments",
    multi_checkbox: "Multiple choice",
    cascade: "Cascade",
  },
);

const TYPES = /** @type {const} */ ([
  "text", "textarea", "dropdown", "multi_checkbox", "checkbox", "integer", "decimal", "date", "regex", "cascade", "attachments",
]);

/**
 * @typedef {{ name: string, children?: TreeNode[] }} TreeNode
 * @typedef {{ key: string, name: string, type: string, required?: boolean, options?: string[], pattern?: string, tree?: TreeNode[] }} Definition
 * @typedef {{ list: Definition[] }} Draft
 * @typedef {{ index: number | null, name: string, type: string, required: boolean, options: string, pattern: string, tree: string, error: InputError | null }} Editing
 */

/** The definition being added or changed, or null. @type {Editing | null} */
let editing = null;

/** @type {import("./card.js").CardDef<Draft>} */
export const fieldsCard = {
  id: "fields",
  title: () => t("title"),
  subtitle: () => t("subtitle"),
  fields: ["custom_fields"],
  read: (s) => ({ list: Array.isArray(s.custom_fields) ? s.custom_fields : [] }),
  write: (d) => ({ custom_fields: d.list }),
  body: (card) => html`
    ${card.draft.list.length ? tableView(card) : emptyState(t("empty"), t("emptyHint"))}
    ${errorFor(card, "custom_fields") ? html`<p class="admin-field-error">${problemView(card.error)}</p>` : nothing}
    <div class="svc-fields-actions">
      <button type="button" id="settings-field-add" class="btn small primary" ?disabled=${card.draft.list.length >= 100}
        @click=${() => openEditor(null)}>+ ${t("add")}</button>
      ${card.draft.list.length ? html`<span class="admin-hint">${t("removedHint")}</span>` : nothing}
    </div>
    ${editing ? editorView(card, editing) : nothing}`,
};

/** @param {import("./card.js").Card<Draft>} card */
function tableView(card) {
  const saved = new Set(JSON.parse(card.base).list.map((/** @type {Definition} */ d) => JSON.stringify(d)));
  return html`<table class="admin-table svc-fields-table">
    <thead><tr><th>${t("name")}</th><th>${t("type")}</th><th>${t("required")}</th><th>${t("detail")}</th><th>${t("key")}</th><th></th></tr></thead>
    <tbody>
      ${card.draft.list.map((d, i) => html`<tr data-key=${d.key}>
        <td>${d.name}${saved.has(JSON.stringify(d)) ? nothing : html` <span class="admin-pill accent">${t("pending")}</span>`}</td>
        <td>${typeName(d.type)}</td>
        <td>${d.required ? t("yes") : t("no")}</td>
        <td class="svc-fields-detail">${detailText(d)}</td>
        <td class="mono small muted">${d.key}</td>
        <td class="row-actions">
          <button type="button" class="btn ghost small" @click=${() => openEditor(i, d)}>${t("edit")}</button>
          <button type="button" class="btn ghost small danger" @click=${() => edit(card, (x) => { x.list.splice(i, 1); })}>${t("remove")}</button>
        </td>
      </tr>`)}
    </tbody>
  </table>`;
}

/** @param {string} type */
function typeName(type) {
  return /** @type {readonly string[]} */ (TYPES).includes(type) ? t(/** @type {typeof TYPES[number]} */ (type)) : type;
}

/** @param {Definition} d */
function detailText(d) {
  if (d.options) return d.options.join("、");
  if (d.pattern) return d.pattern;
  if (d.tree) return d.tree.map((n) => n.name).join("、") + (d.tree.some((n) => n.children?.length) ? " …" : "");
  return "";
}

/** @param {number | null} index @param {Definition} [d] */
function openEditor(index, d) {
  editing = {
    index,
    name: d?.name ?? "",
    type: d?.type ?? "text",
    required: !!d?.required,
    options: (d?.options ?? []).join("\n"),
    pattern: d?.pattern ?? "",
    tree: treeText(d?.tree ?? []),
    error: null,
  };
  update();
}

function closeEditor() {
  editing = null;
  update();
}

/** @param {import("./card.js").Card<Draft>} card @param {Editing} e */
function editorView(card, e) {
  const set = (/** @type {(e: Editing) => void} */ change) => { change(e); e.error = null; update(); };
  const error = (/** @type {string} */ key) => (e.error?.field === key ? e.error : null);
  const multi = e.type === "multi_checkbox";
  return dialog({
    id: "settings-field-dialog",
    title: e.index === null ? t("newTitle") : t("editTitle"),
    onClose: closeEditor,
    body: html`<form class="admin-form" id="settings-field-form" @submit=${(/** @type {Event} */ ev) => { ev.preventDefault(); apply(card, e); }}>
      ${field(t("name"), html`<input id="settings-field-name" maxlength="50" .value=${e.name}
          @input=${(/** @type {Event} */ ev) => set((x) => { x.name = valueOf(ev); })}>`, { error: error("name") })}
      ${field(t("type"), html`<select id="settings-field-type" .value=${e.type}
          @change=${(/** @type {Event} */ ev) => set((x) => { x.type = valueOf(ev); })}>
          ${TYPES.map((type) => html`<option value=${type} ?selected=${type === e.type}>${t(type)}</option>`)}
        </select>`)}
      <label class="admin-check wide svc-wide"><input type="checkbox" .checked=${e.required}
        @change=${(/** @type {Event} */ ev) => set((x) => { x.required = checkedOf(ev); })}> ${t("requiredLabel")}</label>
      ${e.type === "dropdown" || multi
        ? field(t("options"), html`<textarea id="settings-field-options" rows="5" .value=${e.options}
            @input=${(/** @type {Event} */ ev) => set((x) => { x.options = valueOf(ev); })}></textarea>`,
          { hint: multi ? t("optionsHintMulti") : t("optionsHint"), error: error("options"), wide: true })
        : nothing}
      ${e.type === "regex"
        ? field(t("pattern"), html`<input id="settings-field-pattern" class="mono" maxlength="200" .value=${e.pattern}
            @input=${(/** @type {Event} */ ev) => set((x) => { x.pattern = valueOf(ev); })}>`,
          { hint: t("patternHint"), error: error("pattern"), wide: true })
        : nothing}
      ${e.type === "cascade"
        ? field(t("tree"), html`<textarea id="settings-field-tree" rows="7" class="mono" spellcheck="false"
            placeholder=${"北京市\n  朝阳区\n  海淀区\n上海市\n  浦东新区"} .value=${e.tree}
            @input=${(/** @type {Event} */ ev) => set((x) => { x.tree = valueOf(ev); })}></textarea>`,
          { hint: t("treeHint"), error: error("tree"), wide: true })
        : nothing}
    </form>`,
    actions: html`<button type="button" class="btn" @click=${closeEditor}>${t("cancel")}</button>
      <button type="submit" form="settings-field-form" id="settings-field-ok" class="btn primary solid">${t("ok")}</button>`,
  });
}

/** Puts the edited definition into the card's list (saved with the card). @param {import("./card.js").Card<Draft>} card @param {Editing} e */
function apply(card, e) {
  let definition;
  try {
    definition = definitionOf(card.draft.list, e);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    e.error = err;
    update();
    return;
  }
  edit(card, (x) => {
    if (e.index === null) x.list.push(definition);
    else x.list[e.index] = definition;
  });
  closeEditor();
}

/** @param {Definition[]} list @param {Editing} e @returns {Definition} */
function definitionOf(list, e) {
  const name = e.name.trim();
  if (!name || [...name].length > 50) throw new InputError("name", t("errName"));
  if (list.some((d, i) => i !== e.index && d.name === name)) throw new InputError("name", t("errNameTaken"));
  const key = e.index === null ? nextKey(list) : list[e.index].key;
  /** @type {Definition} */
  const d = { key, name, type: e.type, required: e.required };
  if (e.type === "dropdown" || e.type === "multi_checkbox") d.options = optionsOf(e);
  if (e.type === "regex") d.pattern = patternOf(e.pattern);
  if (e.type === "cascade") d.tree = parseTree(e.tree);
  return d;
}

/**
 * `field_` and one more than the highest number in use. (A key removed
 * and saved earlier may come back: the API keeps no record of old keys.)
 * @param {Definition[]} list
 */
function nextKey(list) {
  const numbers = list.map((d) => Number(/^field_(\d+)$/.exec(d.key)?.[1] ?? 0));
  return `field_${Math.max(0, ...numbers) + 1}`;
}

/** @param {Editing} e */
function optionsOf(e) {
  const options = e.options.split("\n").map((o) => o.trim()).filter(Boolean);
  if (!options.length || options.length > 200 || new Set(options).size !== options.length || options.some((o) => [...o].length > 100)) {
    throw new InputError("options", t("errOptions"));
  }
  if (e.type === "multi_checkbox" && options.some((o) => o.includes(",") || o.includes("，"))) {
    throw new InputError("options", t("errComma"));
  }
  return options;
}

/** @param {string} text */
function patternOf(text) {
  const pattern = text.trim();
  if (!pattern || pattern.length > 200) throw new InputError("pattern", t("errPattern"));
  try {
    new RegExp(pattern);
  } catch {
    throw new InputError("pattern", t("errBadPattern"));
  }
  return pattern;
}

/**
 * Indented lines to a tree: a line indented deeper than the one before is
 * its child; as deep as an earlier line, its sibling.
 * @param {string} text
 * @returns {TreeNode[]}
 */
export function parseTree(text) {
  /** @type {TreeNode[]} */
  const roots = [];
  /** @type {{ indent: number, node: TreeNode }[]} */
  const path = [];
  for (const line of text.split("\n")) {
    const name = line.trim();
    if (!name) continue;
    const indent = line.replace(/\t/g, "  ").search(/\S/);
    while (path.length && path[path.length - 1].indent >= indent) path.pop();
    if (path.length >= 5) throw new InputError("tree", t("errTreeDeep"));
    const siblings = path.length ? (path[path.length - 1].node.children ??= []) : roots;
    if (siblings.some((n) => n.name === name)) throw new InputError("tree", t("errTreeTwice", { name }));
    /** @type {TreeNode} */
    const node = { name };
    siblings.push(node);
    path.push({ indent, node });
  }
  if (!roots.length) throw new InputError("tree", t("errTree"));
  return roots;
}

/** @param {TreeNode[]} nodes @param {number} [depth] @returns {string} */
function treeText(nodes, depth = 0) {
  return nodes.map((n) => `${"  ".repeat(depth)}${n.name}${n.children?.length ? `\n${treeText(n.children, depth + 1)}` : ""}`).join("\n");
}
