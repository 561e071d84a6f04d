// Dates and times in the tenant's time zone (setting `utc_offset`, hours
// east of UTC), never the browser's: the server dates shifts, decides
// whether one has started, and routes by the tenant's clock. Dates are
// "YYYY-MM-DD" and times "HH:MM", as the API writes them; day arithmetic
// runs on UTC midnights so that no browser zone or DST leaks in.

/** The tenant's current local date and time. @typedef {{ date: string, seconds: number }} LocalNow */

/**
 * @param {number} offsetHours hours east of UTC (5.5 for India)
 * @param {number} unixSeconds
 * @returns {LocalNow}
 */
export function tenantNow(offsetHours, unixSeconds) {
  const local = new Date(Math.floor(unixSeconds + offsetHours * 3600) * 1000);
  return {
    date: local.toISOString().slice(0, 10),
    seconds: local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds(),
  };
}

/** @param {string} date @param {number} days @returns {string} */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 0 for Monday … 6 for Sunday. @param {string} date */
export function weekday(date) {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the week holding `date`. @param {string} date */
export function mondayOf(date) {
  return addDays(date, -weekday(date));
}

/** Whether `s` is a date the API takes. @param {string} s */
export function isDate(s) {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && addDays(s, 0) === s;
}

/** Minutes since midnight of "HH:MM", or null. @param {string} hm */
export function minutesOf(hm) {
  const m = /^(\d{2}):(\d{2})$/.exec(hm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/**
 * The server's rule (domain/schedule.rs `has_started`): a shift has begun
 * once its date and start time have come, so it can no longer be deleted.
 * @param {string} date @param {string} start @param {LocalNow} now
 */
export function hasStarted(date, start, now) {
  if (date !== now.date) return date < now.date;
  return (minutesOf(start) ?? 0) * 60 <= now.seconds;
}

/**
 * Where a shift stands now: "upcoming", "live" (start ≤ now < end, the
 * minutes routing counts) or "over".
 * @param {string} date @param {string} start @param {string} end @param {LocalNow} now
 * @returns {"upcoming" | "live" | "over"}
 */
export function phaseOf(date, start, end, now) {
  if (!hasStarted(date, start, now)) return "upcoming";
  if (date !== now.date) return "over";
  return Math.floor(now.seconds / 60) < (minutesOf(end) ?? 0) ? "live" : "over";
}

/**
 * Routing's duty rule (domain/schedule.rs `on_duty`): with shifts today an
 * agent takes new chats only inside one of them (start included, end not);
 * with none today it is not restricted.
 * @param {{ start_time: string, end_time: string }[]} todays
 * @param {LocalNow} now
 * @returns {"free" | "on" | "off"} free: no shifts today
 */
export function dutyNow(todays, now) {
  if (todays.length === 0) return "free";
  const minute = Math.floor(now.seconds / 60);
  const inside = todays.some((s) => (minutesOf(s.start_time) ?? 0) <= minute && minute < (minutesOf(s.end_time) ?? 0));
  return inside ? "on" : "off";
}

/** "UTC+8", "UTC+5:30", "UTC−3". @param {number} offsetHours */
export function zoneLabel(offsetHours) {
  const sign = offsetHours < 0 ? "−" : "+";
  const total = Math.round(Math.abs(offsetHours) * 60);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

/** "HH:MM" of minutes since midnight. @param {number} minutes */
export function hhmm(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
