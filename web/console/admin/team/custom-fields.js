// The tenant's custom fields (settings `custom_fields`) in the agent form:
// one control per type, values held as the form needs them and sent as
// seed 002 takes them (docs/api/admin.md, "Custom fields").
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { live } from "../../../vendor/lit-html/directives/live.js";
import { catalog } from "../i18n.js";
import { field, valueOf, checkedOf } from "../ui.js";

/** @typedef {import("./data.js").CustomFieldDef} CustomFieldDef */
/** @typedef {import("./data.js").CascadeNode} CascadeNode */
/** @typedef {{ fileName: string, fileUrl: string }} Attachment */
/** A value as the form holds it: text, a list of names (multi_checkbox, cascade) or attachments. */
/** @typedef {string | string[] | Attachment[]} CustomValue */

const t = catalog(
  {
    none: "未填写",
    yes: "是",
    no: "否",
    pick: "请选择",
    pattern: "格式：{pattern}",
    fileName: "文件名（含扩展名）",
    fileUrl: "https:// 链接",
    addFile: "添加附件",
    removeFile: "移除",
    required: "此项必填",
    leaf: "请选到最后一级",
    integer: "请输入正整数",
    decimal: "请输入数字，如 12.00",
    noMatch: "格式不符合要求",
  },
  {
    none: "Not set",
    yes: "Yes",
    no: "No",
    pick: "Choose",
    pattern: "Format: {pattern}",
    fileName: "File name (with extension)",
    fileUrl: "https:// link",
    addFile: "Add attachment",
    removeFile: "Remove",
    required: "Required",
    leaf: "Choose down to the last level",
    integer: "A positive whole number",
    decimal: "A number, e.g. 12.00",
    noMatch: "Does not match the format",
  },
);

const LIST_TYPES = new Set(["multi_checkbox", "cascade", "attachments"]);

/** The form's value for a field, from the agent's stored one. @param {CustomFieldDef} def @param {unknown} raw @returns {CustomValue} */
export function formValue(def, raw) {
  if (def.type === "multi_checkbox") {
    return typeof raw === "string" && raw ? raw.split(",") : Array.isArray(raw) ? raw.map(String) : [];
  }
  if (def.type === "cascade") return Array.isArray(raw) ? raw.map(String) : [];
  if (def.type === "attachments") {
    return Array.isArray(raw)
      ? raw.map((a) => ({ fileName: String(a?.fileName ?? ""), fileUrl: String(a?.fileUrl ?? "") }))
      : [];
  }
  return raw === null || raw === undefined ? "" : String(raw);
}

/** @param {CustomFieldDef} def @returns {CustomValue} */
export function emptyValue(def) {
  return LIST_TYPES.has(def.type) ? [] : "";
}

/** @param {CustomValue} v */
export function isEmpty(v) {
  return Array.isArray(v) ? v.length === 0 : v.trim() === "";
}

/** The value as seed 002 takes it. @param {CustomFieldDef} def @param {CustomValue} v */
export function requestValue(def, v) {
  if (def.type === "multi_checkbox") {
    // In the order the options are defined, as the seed's example shows.
    const picked = new Set(/** @type {string[]} */ (v));
    return (def.options ?? []).filter((o) => picked.has(o)).join(",");
  }
  if (def.type === "attachments") {
    return /** @type {Attachment[]} */ (v)
      .map((a) => ({ fileName: a.fileName.trim(), fileUrl: a.fileUrl.trim() }))
      .filter((a) => a.fileName || a.fileUrl);
  }
  if (Array.isArray(v)) return v;
  return v.trim();
}

/**
 * What the browser can tell before sending (the server checks it all again).
 * @param {CustomFieldDef} def
 * @param {CustomValue} v
 * @returns {string} a sentence, or "" when it looks right
 */
export function checkValue(def, v) {
  if (isEmpty(v)) return def.required ? t("required") : "";
  if (def.type === "integer" && !/^[1-9]\d*$/.test(String(v).trim())) return t("integer");
  if (def.type === "decimal" && !/^-?\d+(\.\d+)?$/.test(String(v).trim())) return t("decimal");
  if (def.type === "cascade") {
    const node = nodeAt(def.tree ?? [], /** @type {string[]} */ (v));
    if (node?.children?.length) return t("leaf");
  }
  if (def.type === "regex" && def.pattern) {
    try {
      if (!new RegExp(`^(?:${def.pattern})$`, "u").test(String(v))) return t("noMatch");
    } catch {
      // a pattern the browser reads differently: the server decides
    }
  }
  return "";
}

/** @param {CascadeNode[]} tree @param {string[]} path */
function nodeAt(tree, path) {
  /** @type {CascadeNode | undefined} */
  let node;
  let level = tree;
  for (const name of path) {
    node = level.find((n) => n.name === name);
    if (!node) return undefined;
    level = node.children ?? [];
  }
  return node;
}

/**
 * A field with several controls, which a `<label>` cannot hold.
 * @param {string} label @param {unknown} control @param {unknown} error
 */
function groupField(label, control, error) {
  return html`<div class="admin-field wide" role="group" aria-label=${label}>
    <span class="admin-label">${label}</span>
    ${control}
    ${error ? html`<span class="admin-field-error">${error}</span>` : nothing}
  </div>`;
}

/**
 * @param {CustomFieldDef} def
 * @param {CustomValue} value
 * @param {(v: CustomValue) => void} set
 * @param {unknown} error
 */
export function customFieldControl(def, value, set, error) {
  const label = def.required ? `${def.name} *` : def.name;
  const id = `cf-${def.key}`;
  const invalid = error ? "true" : "false";
  const text = /** @type {string} */ (typeof value === "string" ? value : "");
  /** @param {Event} e */
  const onText = (e) => set(valueOf(e));
  switch (def.type) {
    case "dropdown":
      return field(label, html`<select id=${id} name=${def.key} aria-invalid=${invalid} @change=${onText}>
          <option value="" .selected=${live(text === "")}>${def.required ? t("pick") : t("none")}</option>
          ${(def.options ?? []).map((o) => html`<option .value=${o} .selected=${live(o === text)}>${o}</option>`)}
        </select>`, { error });
    case "checkbox":
      return field(label, html`<select id=${id} name=${def.key} aria-invalid=${invalid} @change=${onText}>
          <option value="" .selected=${live(text === "")}>${def.required ? t("pick") : t("none")}</option>
          <option value="是" .selected=${live(text === "是")}>${t("yes")}</option>
          <option value="否" .selected=${live(text === "否")}>${t("no")}</option>
        </select>`, { error });
    case "textarea":
      return field(label, html`<textarea id=${id} name=${def.key} maxlength="5000" aria-invalid=${invalid}
          .value=${live(text)} @input=${onText}></textarea>`, { error, wide: true });
    case "date":
      return field(label, html`<input id=${id} name=${def.key} type="date" aria-invalid=${invalid} .value=${live(text)} @input=${onText}>`, { error });
    case "integer":
      return field(label, html`<input id=${id} name=${def.key} inputmode="numeric" aria-invalid=${invalid} .value=${live(text)} @input=${onText}>`, { error });
    case "decimal":
      return field(label, html`<input id=${id} name=${def.key} inputmode="decimal" aria-invalid=${invalid} .value=${live(text)} @input=${onText}>`, { error });
    case "regex":
      return field(label, html`<input id=${id} name=${def.key} maxlength="1000" aria-invalid=${invalid} .value=${live(text)} @input=${onText}>`,
        { error, hint: def.pattern ? t("pattern", { pattern: def.pattern }) : "" });
    case "multi_checkbox":
      return groupField(label, multiCheckbox(def, /** @type {string[]} */ (value), set), error);
    case "cascade":
      return groupField(label, cascade(def, /** @type {string[]} */ (value), set), error);
    case "attachments":
      return groupField(label, attachments(/** @type {Attachment[]} */ (value), set), error);
    default:
      return field(label, html`<input id=${id} name=${def.key} maxlength="255" aria-invalid=${invalid} .value=${live(text)} @input=${onText}>`, { error });
  }
}

/** @param {CustomFieldDef} def @param {string[]} picked @param {(v: CustomValue) => void} set */
function multiCheckbox(def, picked, set) {
  return html`<div class="team-choices">
    ${(def.options ?? []).map(
      (o) => html`<label class="team-choice">
        <input type="checkbox" .checked=${live(picked.includes(o))}
          @change=${(/** @type {Event} */ e) => set(checkedOf(e) ? [...picked, o] : picked.filter((x) => x !== o))}>
        <span>${o}</span>
      </label>`,
    )}
  </div>`;
}

/** One select per level, each under the one picked above. @param {CustomFieldDef} def @param {string[]} path @param {(v: CustomValue) => void} set */
function cascade(def, path, set) {
  /** @type {{ level: number, nodes: CascadeNode[] }[]} */
  const levels = [];
  let nodes = def.tree ?? [];
  for (let level = 0; nodes.length && level <= path.length; level++) {
    levels.push({ level, nodes });
    const picked = nodes.find((n) => n.name === path[level]);
    nodes = picked?.children ?? [];
  }
  return html`<div class="team-cascade">
    ${levels.map(
      ({ level, nodes }) => html`<select aria-label="${def.name} ${level + 1}"
          @change=${(/** @type {Event} */ e) => { const v = valueOf(e); set(v ? [...path.slice(0, level), v] : path.slice(0, level)); }}>
        <option value="" .selected=${live(!path[level])}>${t("pick")}</option>
        ${nodes.map((n) => html`<option .value=${n.name} .selected=${live(n.name === path[level])}>${n.name}</option>`)}
      </select>`,
    )}
  </div>`;
}

/** @param {Attachment[]} files @param {(v: CustomValue) => void} set */
function attachments(files, set) {
  /** @param {number} i @param {Partial<Attachment>} patch */
  const change = (i, patch) => set(files.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return html`<div class="team-files">
    ${files.map(
      (f, i) => html`<div class="team-file">
        <input aria-label=${t("fileName")} placeholder=${t("fileName")} .value=${live(f.fileName)}
          @input=${(/** @type {Event} */ e) => change(i, { fileName: valueOf(e) })}>
        <input aria-label=${t("fileUrl")} placeholder=${t("fileUrl")} type="url" .value=${live(f.fileUrl)}
          @input=${(/** @type {Event} */ e) => change(i, { fileUrl: valueOf(e) })}>
        <button type="button" class="btn ghost small" @click=${() => set(files.filter((_, j) => j !== i))}>${t("removeFile")}</button>
      </div>`,
    )}
    ${files.length < 20
      ? html`<button type="button" class="btn small team-add-file" @click=${() => set([...files, { fileName: "", fileUrl: "" }])}>＋ ${t("addFile")}</button>`
      : nothing}
  </div>`;
}
