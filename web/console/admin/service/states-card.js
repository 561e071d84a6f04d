// The settings card "接待状态": each module's status names, which one
// means the agent accepts work, and which one agents start in. Module 2
// (online chat) is what routing reads, so it comes first and open; the
// other two modules fold away.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { update } from "../../state.js";
import { catalog } from "../i18n.js";
import { valueOf } from "../ui.js";
import { edit, errorFor } from "./card.js";
import { InputError, problemView } from "./errors.js";

const t = catalog(
  {
    title: "接待状态",
    subtitle: "客服在工作台顶部切换的状态。只有处于“可接待”状态的客服才会被分配新会话。",
    module1: "工单",
    module2: "在线客服",
    module3: "呼叫中心",
    others: "其他模块（工单、呼叫中心）",
    name: "状态名称",
    accepting: "可接待",
    initial: "默认状态",
    remove: "删除",
    add: "添加状态",
    legend: "“默认状态”是新客服和从未切换过状态的客服所处的状态。改名或删除后，正处于旧状态的客服需要重新选择一次。",
    errEmpty: "状态名称不能为空",
    errLong: "状态名称最多 20 个字",
    errTwice: "“{name}”重复了",
    errCount: "每个模块需要 1 到 20 个状态",
    placeholder: "如：小休",
  },
  {
    title: "Statuses",
    subtitle: "The statuses agents pick in the console's header. Only agents in the accepting status get new conversations.",
    module1: "Tickets",
    module2: "Online chat",
    module3: "Call center",
    others: "Other modules (tickets, call center)",
    name: "Name",
    accepting: "Accepting",
    initial: "Default",
    remove: "Remove",
    add: "Add a status",
    legend: "New agents, and agents who never picked one, are in the default status. Agents in a renamed or removed status pick again.",
    errEmpty: "A status needs a name",
    errLong: "At most 20 characters",
    errTwice: "“{name}” is listed twice",
    errCount: "Each module needs 1 to 20 statuses",
    placeholder: "e.g. Break",
  },
);

/** The modules as shown: online chat first. */
const MODULES = /** @type {const} */ (["2", "1", "3"]);
/** @typedef {typeof MODULES[number]} Module */

/** The names every tenant starts with. */
export const DEFAULT_STATES = ["在线", "忙碌", "离开", "离线"];

/**
 * A module's statuses as the form holds them: the two marks are indexes,
 * so that renaming a status keeps its marks.
 * @typedef {{ names: string[], accepting: number, initial: number }} ModuleDraft
 * @typedef {Record<Module, ModuleDraft>} Draft
 */

let othersOpen = false;

/** @param {any} plate @returns {ModuleDraft} */
function readModule(plate) {
  const names = Array.isArray(plate?.states) ? plate.states.map(String) : [...DEFAULT_STATES];
  const at = (/** @type {unknown} */ name) => Math.max(0, names.indexOf(String(name)));
  return { names, accepting: at(plate?.accepting), initial: at(plate?.initial) };
}

/** @param {Module} m @param {ModuleDraft} d */
function writeModule(m, d) {
  const names = d.names.map((n) => n.trim());
  if (names.length < 1 || names.length > 20) throw new InputError(`states.${m}`, t("errCount"));
  const seen = new Set();
  for (const name of names) {
    if (!name) throw new InputError(`states.${m}`, t("errEmpty"));
    if ([...name].length > 20) throw new InputError(`states.${m}`, t("errLong"));
    if (seen.has(name)) throw new InputError(`states.${m}`, t("errTwice", { name }));
    seen.add(name);
  }
  return { states: names, accepting: names[d.accepting], initial: names[d.initial] };
}

/** @type {import("./card.js").CardDef<Draft>} */
export const statesCard = {
  id: "states",
  title: () => t("title"),
  subtitle: () => t("subtitle"),
  fields: ["states.1", "states.2", "states.3"],
  read: (s) => ({
    1: readModule(s.plate_states?.["1"]),
    2: readModule(s.plate_states?.["2"]),
    3: readModule(s.plate_states?.["3"]),
  }),
  // Only the modules that changed, so an error names the one edited.
  write: (draft, before) => {
    /** @type {Record<string, unknown>} */
    const plates = {};
    for (const m of MODULES) {
      if (JSON.stringify(draft[m]) !== JSON.stringify(before[m])) plates[m] = writeModule(m, draft[m]);
    }
    return { plate_states: plates };
  },
  body: (card) => html`
    ${moduleView(card, "2")}
    <button type="button" class="btn ghost small svc-fold" aria-expanded=${othersOpen ? "true" : "false"}
      @click=${() => { othersOpen = !othersOpen; update(); }}>${othersOpen ? "▾" : "▸"} ${t("others")}</button>
    ${othersOpen || errorFor(card, "states.1", "states.3") ? html`${moduleView(card, "1")}${moduleView(card, "3")}` : nothing}
    <p class="admin-hint svc-legend">${t("legend")}</p>`,
};

/** @param {import("./card.js").Card<Draft>} card @param {Module} m */
function moduleView(card, m) {
  const d = card.draft[m];
  const error = errorFor(card, `states.${m}`);
  const label = t(/** @type {const} */ (`module${m}`));
  return html`<fieldset class="svc-states" data-module=${m}>
    <legend class="svc-states-title">${label}</legend>
    <table class="admin-table svc-states-table">
      <thead><tr><th>${t("name")}</th><th class="svc-mark">${t("accepting")}</th><th class="svc-mark">${t("initial")}</th><th></th></tr></thead>
      <tbody>
        ${d.names.map((name, i) => html`<tr>
          <td><input class="svc-state-name" maxlength="20" placeholder=${t("placeholder")} aria-label="${label} ${t("name")} ${i + 1}"
            .value=${name} @input=${(/** @type {Event} */ e) => edit(card, (x) => { x[m].names[i] = valueOf(e); })}></td>
          <td class="svc-mark"><input type="radio" name="accepting-${m}" aria-label="${t("accepting")}: ${name}"
            .checked=${d.accepting === i} @change=${() => edit(card, (x) => { x[m].accepting = i; })}></td>
          <td class="svc-mark"><input type="radio" name="initial-${m}" aria-label="${t("initial")}: ${name}"
            .checked=${d.initial === i} @change=${() => edit(card, (x) => { x[m].initial = i; })}></td>
          <td class="row-actions"><button type="button" class="btn ghost small" ?disabled=${d.names.length <= 1}
            @click=${() => edit(card, (x) => removeAt(x[m], i))}>${t("remove")}</button></td>
        </tr>`)}
      </tbody>
    </table>
    ${error ? html`<p class="admin-field-error">${problemView(error)}</p>` : nothing}
    <button type="button" class="btn small svc-add-state" ?disabled=${d.names.length >= 20}
      @click=${() => edit(card, (x) => { x[m].names.push(""); })}>+ ${t("add")}</button>
  </fieldset>`;
}

/** Removes a status; the marks stay on the statuses they were on. @param {ModuleDraft} d @param {number} i */
function removeAt(d, i) {
  d.names.splice(i, 1);
  const shift = (/** @type {number} */ mark) => (mark === i ? 0 : mark > i ? mark - 1 : mark);
  d.accepting = shift(d.accepting);
  d.initial = shift(d.initial);
}
