// What the team pages (客服, 部门) share: the tenant's agents, departments
// and settings as seed 002 answers them, loaded together, and the agent
// object's few conversions (`groupId` "3,5", `isStat`, `maxChats`).
import { state, update } from "../../state.js";
import { loadAgents } from "../../transfer.js";
import { adminAllPages, adminApi } from "../api.js";

/**
 * An agent as `/api/v1/supports.json` answers it (docs/api/admin.md).
 * @typedef {{
 *   sId: number, sPassportName: string, groupId: string, sNum: string, name: string,
 *   gnder: string, email: string, fixnumber: string, mobile: string, QQ: string,
 *   isAdmin: string, isStat: string, createDT: string, updateDT: string,
 *   custom_fields: { key: string, value: unknown }[], maxChats: number | null,
 * }} SupportAgent
 *
 * @typedef {{ groupId: number, name: string, members: number, createDT: string, updateDT: string }} SupportGroup
 *
 * @typedef {{ key: string, name: string, type: string, required?: boolean, options?: string[], pattern?: string, tree?: CascadeNode[] }} CustomFieldDef
 * @typedef {{ name: string, children?: CascadeNode[] }} CascadeNode
 * @typedef {{ states: string[], accepting: string, initial: string }} PlateStates
 *
 * @typedef {{
 *   custom_fields: CustomFieldDef[], plate_states: Record<string, PlateStates>,
 *   max_chats: number, default_password_set: boolean,
 * }} TeamSettings
 */

export const team = {
  /** @type {SupportAgent[] | null} null until the first load */
  agents: /** @type {SupportAgent[] | null} */ (null),
  /** @type {SupportGroup[] | null} */
  groups: /** @type {SupportGroup[] | null} */ (null),
  /** @type {TeamSettings | null} */
  settings: /** @type {TeamSettings | null} */ (null),
  loading: false,
  /** @type {unknown} */
  error: null,
};

/** @type {Promise<void> | null} the load under way */
let loading = null;

/** Loads agents, departments and settings at once; the live statuses too. */
export function loadTeam() {
  loading ??= load().finally(() => {
    loading = null;
  });
  return loading;
}

async function load() {
  team.loading = true;
  team.error = null;
  update();
  // Statuses and how many each serves come from the console's own list
  // (and then live over the socket), keyed by account.
  loadAgents();
  try {
    const [agents, groups, settings] = await Promise.all([
      adminAllPages("/supports.json", "supports"),
      adminAllPages("/supportgroups.json", "supportgroups"),
      adminApi("GET", "/settings.json"),
    ]);
    team.agents = agents;
    team.groups = groups;
    team.settings = readSettings(settings?.settings);
  } catch (e) {
    team.error = e;
  } finally {
    team.loading = false;
    update();
  }
}

/** Reloads the agent list alone (after a change elsewhere). */
export async function reloadAgents() {
  try {
    team.agents = await adminAllPages("/supports.json", "supports");
    team.groups = await adminAllPages("/supportgroups.json", "supportgroups");
  } catch (e) {
    team.error = e;
  }
  loadAgents();
  update();
}

/** @param {any} s @returns {TeamSettings} */
function readSettings(s) {
  return {
    custom_fields: Array.isArray(s?.custom_fields) ? s.custom_fields : [],
    plate_states: s?.plate_states && typeof s.plate_states === "object" ? s.plate_states : {},
    max_chats: typeof s?.max_chats === "number" ? s.max_chats : 5,
    default_password_set: !!s?.default_password_set,
  };
}

/** Puts a changed agent in the list (or adds a new one). @param {SupportAgent} agent */
export function storeAgent(agent) {
  const list = team.agents ?? [];
  const at = list.findIndex((a) => a.sId === agent.sId);
  if (String(agent.isStat) === "2") team.agents = list.filter((a) => a.sId !== agent.sId);
  else if (at >= 0) team.agents = list.map((a) => (a.sId === agent.sId ? agent : a));
  else team.agents = [...list, agent];
  update();
}

/** @param {SupportAgent} a @returns {number[]} the departments' ids */
export function groupIdsOf(a) {
  return String(a.groupId ?? "")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** @param {SupportAgent} a */
export const isActive = (a) => String(a.isStat) === "1";
/** @param {SupportAgent} a */
export const isAdmin = (a) => String(a.isAdmin) === "1";
/** @param {SupportAgent} a */
export const isMe = (a) => a.sPassportName === state.session?.serv_id;
/** @param {SupportAgent} a */
export const displayName = (a) => a.name || a.sPassportName;

/** The department's name, or its id if it is gone. @param {number} id */
export function groupName(id) {
  return team.groups?.find((g) => g.groupId === id)?.name ?? `#${id}`;
}

/** The live status of the agent's online-chat module, when the console knows it. @param {SupportAgent} a */
export function liveStatus(a) {
  return state.agents.get(a.sPassportName) ?? null;
}

/** The tenant's module ids and names, in the seed's order. */
export const PLATES = /** @type {const} */ (["1", "2", "3"]);
