// The schedules page's state: the agents as rows, the shown week's shifts,
// and today's (for who routing lets take chats now). Loads ignore answers
// that a later navigation made stale.
import { update, state } from "../../state.js";
import { adminApi } from "../api.js";
import { loadDepartments, loadOffset, loadPeople } from "./people.js";
import { addDays, mondayOf, tenantNow } from "./time.js";

/**
 * One shift as the list answers it, with its agent-day.
 * @typedef {{ dutyId: string, sid: number, date: string, name: string, remark: string, start_time: string, end_time: string, url: string }} Shift
 * @typedef {import("./people.js").Person} Person
 * @typedef {import("./people.js").Department} Department
 */

export const sched = {
  /** the tenant's hours east of UTC */
  offset: 8,
  /** the Monday shown, "" until the time zone is known */
  week: "",
  /** @type {Person[] | null} */
  people: null,
  /** @type {Department[]} */
  departments: [],
  /** the department filter, "" for all */
  department: "",
  /** @type {Shift[] | null} the shown week's (kept while the next load runs), null before the first */
  shifts: null,
  loading: false,
  /** @type {Shift[]} today's, whatever week is shown */
  today: [],
  /** @type {unknown} */
  error: null,
};

/** The tenant's "now", moved by the console's 15-second clock. */
export function now() {
  return tenantNow(sched.offset, state.now);
}

let generation = 0;

/** Loads the agents, departments and time zone, then the week. */
export async function loadAll() {
  const g = ++generation;
  sched.error = null;
  update();
  try {
    const [offset, people, departments] = await Promise.all([loadOffset(), loadPeople(), loadDepartments()]);
    if (g !== generation) return;
    sched.offset = offset;
    sched.people = people;
    sched.departments = departments;
    if (sched.department && !departments.some((d) => d.groupId === sched.department)) sched.department = "";
    if (!sched.week) sched.week = mondayOf(tenantNow(offset, Date.now() / 1000).date);
  } catch (e) {
    if (g === generation) fail(e);
    return;
  }
  await loadWeek();
}

/** Loads the shown week's shifts and today's. */
export async function loadWeek() {
  const g = ++generation;
  sched.loading = true;
  sched.error = null;
  update();
  const today = tenantNow(sched.offset, Date.now() / 1000).date;
  try {
    const [week, todays] = await Promise.all([
      listShifts(sched.week, addDays(sched.week, 6)),
      listShifts(today, today),
    ]);
    if (g !== generation) return;
    sched.shifts = week;
    sched.today = todays;
    sched.loading = false;
    update();
  } catch (e) {
    if (g === generation) fail(e);
  }
}

/** @param {unknown} e */
function fail(e) {
  sched.error = e;
  sched.loading = false;
  update();
}

/** @param {number} weeks how far to move the shown week (0: this week) */
export function moveWeek(weeks) {
  sched.week = weeks === 0 ? mondayOf(now().date) : addDays(sched.week, 7 * weeks);
  void loadWeek();
}

/**
 * The shifts dated `start..=end`, flattened from the agent-days.
 * @param {string} start @param {string} end @returns {Promise<Shift[]>}
 */
async function listShifts(start, end) {
  const r = await adminApi("GET", "/schedules.json", { query: { startDT: start, endDT: end } });
  /** @type {Shift[]} */
  const shifts = [];
  for (const day of r?.data?.duty ?? []) {
    for (const s of day?.schedules ?? []) shifts.push(shiftOf(day, s));
  }
  return shifts;
}

/** @param {any} day an agent-day `{sid, date, schedules}` @param {any} s one of its shifts @returns {Shift} */
export function shiftOf(day, s) {
  return {
    dutyId: String(s?.dutyId ?? ""),
    sid: Number(day?.sid),
    date: String(day?.date ?? ""),
    name: String(s?.name ?? ""),
    remark: String(s?.remark ?? ""),
    start_time: String(s?.start_time ?? ""),
    end_time: String(s?.end_time ?? ""),
    url: String(s?.url ?? ""),
  };
}

/** @param {number} sid @param {string} date @returns {Shift[]} in start order */
export function shiftsOf(sid, date) {
  return (sched.shifts ?? [])
    .filter((s) => s.sid === sid && s.date === date)
    .sort((a, b) => a.start_time.localeCompare(b.start_time));
}

/**
 * The rows: active agents and any agent with a shift this week (one in the
 * recycle bin keeps its shifts), in the department chosen.
 * @returns {Person[]}
 */
export function rows() {
  const withShifts = new Set((sched.shifts ?? []).map((s) => s.sid));
  return (sched.people ?? []).filter(
    (p) => (p.active || withShifts.has(p.sId)) && (!sched.department || p.groups.includes(sched.department)),
  );
}

/** @param {number} sid */
export function personOf(sid) {
  return sched.people?.find((p) => p.sId === sid) ?? null;
}
