// The tenant's agents, departments and time zone, as both the schedules and
// the check-ins pages need them (seed 002 lists, read page by page).
import { adminAllPages, adminApi } from "../api.js";

/**
 * An agent as these pages use it.
 * @typedef {{ sId: number, name: string, account: string, sNum: string, groups: string[], active: boolean }} Person
 * @typedef {{ groupId: string, name: string }} Department
 */

/** Every agent of the tenant but the purged, in the API's order (by sId). @returns {Promise<Person[]>} */
export async function loadPeople() {
  const agents = await adminAllPages("/supports.json", "supports");
  return agents.map(person).filter((p) => p.sId > 0);
}

/** @param {any} a an agent object of seed 002 @returns {Person} */
function person(a) {
  const sId = Number(a?.sId);
  const account = typeof a?.sPassportName === "string" ? a.sPassportName : "";
  return {
    sId: Number.isFinite(sId) ? sId : 0,
    name: typeof a?.name === "string" && a.name ? a.name : account,
    account,
    sNum: typeof a?.sNum === "string" ? a.sNum : "",
    groups: String(a?.groupId ?? "").split(",").map((g) => g.trim()).filter(Boolean),
    active: String(a?.isStat ?? "1") === "1",
  };
}

/** @returns {Promise<Department[]>} */
export async function loadDepartments() {
  const groups = await adminAllPages("/supportgroups.json", "supportgroups");
  return groups.map((g) => ({ groupId: String(g?.groupId ?? ""), name: String(g?.name ?? "") }));
}

/** The tenant's `utc_offset` in hours; the documented default 8 if unreadable. @returns {Promise<number>} */
export async function loadOffset() {
  try {
    const r = await adminApi("GET", "/settings.json");
    const offset = Number(r?.settings?.utc_offset);
    return Number.isFinite(offset) ? offset : 8;
  } catch {
    return 8;
  }
}

/** "张三（001）" or the name alone. @param {Person} p */
export function personLabel(p) {
  return p.sNum ? `${p.name}（${p.sNum}）` : p.name;
}
