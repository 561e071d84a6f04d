// The smaller settings cards: time zone, session lifetimes, website
// embedding, and the default password of new agents.
import { html, nothing } from "../../../vendor/lit-html/lit-html.js";
import { catalog } from "../i18n.js";
import { field, valueOf } from "../ui.js";
import { edit, errorFor, save, store } from "./card.js";
import { InputError } from "./errors.js";
import { UNITS, durationSeconds, toDuration, unitName } from "./numbers.js";

const t = catalog(
  {
    zoneTitle: "时区",
    zoneSubtitle: "后台显示的时间（签到、排班、客服资料、报表）按这个时区计算。",
    zone: "企业所在时区",
    zoneHint: "改时区只改变时间的显示方式，不会改动已有记录。",
    zoneBeijing: "北京时间",
    sessionTitle: "登录有效期",
    sessionSubtitle: "客服和客户的登录多久后失效。修改后对已登录的会话同样生效。",
    idle: "闲置多久后自动退出",
    idleHint: "在这段时间内没有任何操作的登录会失效（5 分钟到 365 天，且不超过最长有效期）。",
    lifetime: "登录最长有效期",
    lifetimeHint: "从登录起满这段时间即失效，无论是否在用（5 分钟到 365 天）。",
    ttl: "access_token 有效期",
    ttlHint: "企业后台用 api_key 和 secret_key 换取的 access_token 的有效期，最长 30 天，对之后签发的生效。",
    unit: "单位",
    errIdle: "闲置时间不能超过登录最长有效期",
    embedTitle: "网站嵌入",
    embedSubtitle: "在自己的网站上放置聊天插件时的访问限制，每行填写一个网址（只写协议和域名，不带路径）。",
    origins: "允许跨域调用接口的网站",
    originsHint: "这些网站的页面可以在浏览器里直接调用客户接口（CORS），最多 50 个，可写 https://*.example.com 表示所有子域名。只使用插件代码时不需要填写。",
    ancestors: "允许嵌入聊天窗口的网站",
    ancestorsHint: "留空表示任何网站都能嵌入聊天窗口；填写后只有这些网站可以，最多 50 个。",
    errOrigin: "“{origin}”不是网址：请以 https:// 或 http:// 开头，且不带路径",
    errTooMany: "最多 50 个网站",
    passwordTitle: "默认密码",
    passwordSubtitle: "添加客服时没有填写密码，就使用这个密码；客服首次登录后可以自己修改。",
    passwordSet: "已设置默认密码",
    passwordUnset: "未设置：添加客服时必须填写密码",
    newPassword: "新的默认密码",
    newPasswordHint: "1 到 20 个字符；出于安全考虑，已保存的密码不会显示。",
    clear: "清除默认密码",
    errPassword: "密码为 1 到 20 个字符",
  },
  {
    zoneTitle: "Time zone",
    zoneSubtitle: "Times in the admin pages (check-ins, schedules, profiles, reports) are shown in this zone.",
    zone: "The company's time zone",
    zoneHint: "Changing it changes how times are shown, not the records.",
    zoneBeijing: "Beijing",
    sessionTitle: "Sign-in lifetime",
    sessionSubtitle: "How long agents' and customers' sign-ins last. Changes apply to existing sign-ins too.",
    idle: "Sign out after being idle for",
    idleHint: "A sign-in not used this long ends (5 minutes to 365 days, at most the lifetime).",
    lifetime: "Longest sign-in",
    lifetimeHint: "A sign-in ends this long after it began, used or not (5 minutes to 365 days).",
    ttl: "access_token lifetime",
    ttlHint: "How long the access tokens your backend buys with api_key and secret_key last, at most 30 days; for tokens issued afterwards.",
    unit: "Unit",
    errIdle: "Cannot be longer than the longest sign-in",
    embedTitle: "Website embedding",
    embedSubtitle: "Limits for the chat widget on your own sites. One origin a line (scheme and host, no path).",
    origins: "Sites that may call the API from the browser",
    originsHint: "Pages there may call the customer APIs directly (CORS), at most 50; https://*.example.com means every subdomain. The widget snippet alone needs none.",
    ancestors: "Sites that may embed the chat window",
    ancestorsHint: "Empty: any site may embed it. Otherwise only these, at most 50.",
    errOrigin: "“{origin}” is not an origin: start with https:// or http://, no path",
    errTooMany: "At most 50 sites",
    passwordTitle: "Default password",
    passwordSubtitle: "Agents added without a password get this one; they can change it after signing in.",
    passwordSet: "A default password is set",
    passwordUnset: "Not set: new agents need a password",
    newPassword: "New default password",
    newPasswordHint: "1 to 20 characters. The saved password is never shown.",
    clear: "Remove the default password",
    errPassword: "1 to 20 characters",
  },
);

// ---- time zone --------------------------------------------------------------

/** The offsets in use around the world, in hours. */
const OFFSETS = [
  -12, -11, -10, -9.5, -9, -8, -7, -6, -5, -4, -3.5, -3, -2, -1, 0, 1, 2, 3, 3.5, 4, 4.5, 5, 5.5,
  5.75, 6, 6.5, 7, 8, 8.75, 9, 9.5, 10, 10.5, 11, 12, 12.75, 13, 13.75, 14,
];

/** "UTC+5:30" @param {number} hours */
function offsetName(hours) {
  const sign = hours < 0 ? "−" : "+";
  const minutes = Math.round(Math.abs(hours) * 60);
  const mm = minutes % 60;
  return `UTC${sign}${Math.floor(minutes / 60)}${mm ? `:${String(mm).padStart(2, "0")}` : ""}`;
}

/** @type {import("./card.js").CardDef<{ utc_offset: string }>} */
export const zoneCard = {
  id: "zone",
  title: () => t("zoneTitle"),
  subtitle: () => t("zoneSubtitle"),
  fields: ["utc_offset"],
  read: (s) => ({ utc_offset: String(s.utc_offset ?? 8) }),
  write: (d) => ({ utc_offset: Number(d.utc_offset) }),
  body: (card) => {
    const current = Number(card.draft.utc_offset);
    const offsets = OFFSETS.includes(current) ? OFFSETS : [...OFFSETS, current].sort((a, b) => a - b);
    return html`<div class="admin-form">
      ${field(t("zone"), html`<select id="settings-utc-offset" .value=${card.draft.utc_offset}
          @change=${(/** @type {Event} */ e) => edit(card, (x) => { x.utc_offset = valueOf(e); })}>
          ${offsets.map((h) => html`<option value=${String(h)} ?selected=${h === current}>${offsetName(h)}${h === 8 ? `（${t("zoneBeijing")}）` : ""}</option>`)}
        </select>`, { hint: t("zoneHint"), error: errorFor(card, "utc_offset") })}
    </div>`;
  },
};

// ---- session lifetimes ------------------------------------------------------

const DAY = 86400;

/**
 * @typedef {import("./numbers.js").Duration} Duration
 * @typedef {{ session_idle_timeout: Duration, session_lifetime: Duration, access_token_ttl: Duration }} SessionDraft
 */

/** @type {import("./card.js").CardDef<SessionDraft>} */
export const sessionCard = {
  id: "sessions",
  title: () => t("sessionTitle"),
  subtitle: () => t("sessionSubtitle"),
  fields: ["session_idle_timeout", "session_lifetime", "access_token_ttl"],
  read: (s) => ({
    session_idle_timeout: toDuration(Number(s.session_idle_timeout ?? 7 * DAY)),
    session_lifetime: toDuration(Number(s.session_lifetime ?? 30 * DAY)),
    access_token_ttl: toDuration(Number(s.access_token_ttl ?? 7200)),
  }),
  write: (d) => {
    const idle = durationSeconds("session_idle_timeout", d.session_idle_timeout, 300, 365 * DAY);
    const lifetime = durationSeconds("session_lifetime", d.session_lifetime, 300, 365 * DAY);
    if (idle > lifetime) throw new InputError("session_idle_timeout", t("errIdle"));
    return {
      session_idle_timeout: idle,
      session_lifetime: lifetime,
      access_token_ttl: durationSeconds("access_token_ttl", d.access_token_ttl, 1, 30 * DAY),
    };
  },
  body: (card) => html`<div class="admin-form svc-durations">
    ${durationField(card, "session_idle_timeout", t("idle"), t("idleHint"))}
    ${durationField(card, "session_lifetime", t("lifetime"), t("lifetimeHint"))}
    ${durationField(card, "access_token_ttl", t("ttl"), t("ttlHint"))}
  </div>`,
};

/**
 * A number and its unit side by side.
 * @param {import("./card.js").Card<SessionDraft>} card
 * @param {keyof SessionDraft} key
 * @param {string} label
 * @param {string} hint
 */
function durationField(card, key, label, hint) {
  const d = card.draft[key];
  const error = errorFor(card, key);
  const id = `settings-${key.replaceAll("_", "-")}`;
  return field(label, html`<span class="svc-duration">
      <input id=${id} type="number" min="0" step="any" inputmode="decimal" .value=${d.value}
        aria-invalid=${error ? "true" : "false"}
        @input=${(/** @type {Event} */ e) => edit(card, (x) => { x[key].value = valueOf(e); })}>
      <select id="${id}-unit" aria-label=${t("unit")} .value=${String(d.unit)}
        @change=${(/** @type {Event} */ e) => edit(card, (x) => { x[key].unit = Number(valueOf(e)); })}>
        ${UNITS.map((u) => html`<option value=${String(u.seconds)} ?selected=${u.seconds === d.unit}>${unitName(u.seconds)}</option>`)}
      </select>
    </span>`, { hint, error });
}

// ---- website embedding ------------------------------------------------------

/** @typedef {{ allowed_origins: string, frame_ancestors: string }} EmbedDraft */

/** One origin a line; blank lines dropped. @param {string} field @param {string} text */
function origins(field, text) {
  const list = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (list.length > 50) throw new InputError(field, t("errTooMany"));
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin.replace(/\/+$/, ""))) throw new InputError(field, t("errOrigin", { origin }));
  }
  return list.map((o) => o.replace(/\/+$/, ""));
}

/** @type {import("./card.js").CardDef<EmbedDraft>} */
export const embedCard = {
  id: "embed",
  title: () => t("embedTitle"),
  subtitle: () => t("embedSubtitle"),
  fields: ["allowed_origins", "frame_ancestors"],
  read: (s) => ({
    allowed_origins: (s.allowed_origins ?? []).join("\n"),
    frame_ancestors: (s.frame_ancestors ?? []).join("\n"),
  }),
  write: (d) => ({
    allowed_origins: origins("allowed_origins", d.allowed_origins),
    frame_ancestors: origins("frame_ancestors", d.frame_ancestors),
  }),
  body: (card) => html`<div class="admin-form">
    ${originsField(card, "frame_ancestors", t("ancestors"), t("ancestorsHint"))}
    ${originsField(card, "allowed_origins", t("origins"), t("originsHint"))}
  </div>`,
};

/** @param {import("./card.js").Card<EmbedDraft>} card @param {keyof EmbedDraft} key @param {string} label @param {string} hint */
function originsField(card, key, label, hint) {
  const error = errorFor(card, key);
  return field(label, html`<textarea id="settings-${key.replaceAll("_", "-")}" rows="4" class="mono" spellcheck="false"
      placeholder="https://www.example.com" .value=${card.draft[key]} aria-invalid=${error ? "true" : "false"}
      @input=${(/** @type {Event} */ e) => edit(card, (x) => { x[key] = valueOf(e); })}></textarea>`, { hint, error });
}

// ---- default password -------------------------------------------------------

/** @type {import("./card.js").CardDef<{ password: string }>} */
export const passwordCard = {
  id: "password",
  title: () => t("passwordTitle"),
  subtitle: () => t("passwordSubtitle"),
  fields: ["default_password"],
  // The password itself is never answered: the draft starts empty.
  read: () => ({ password: "" }),
  write: (d) => {
    if (!d.password || [...d.password].length > 20) throw new InputError("default_password", t("errPassword"));
    return { default_password: d.password };
  },
  body: (card) => {
    const set = !!store.settings?.default_password_set;
    return html`<form class="admin-form" @submit=${(/** @type {Event} */ e) => { e.preventDefault(); save(card); }}>
      ${field(t("newPassword"), html`<input id="settings-default-password" type="password" autocomplete="new-password" maxlength="20"
          .value=${card.draft.password} aria-invalid=${errorFor(card, "default_password") ? "true" : "false"}
          @input=${(/** @type {Event} */ e) => edit(card, (x) => { x.password = valueOf(e); })}>`,
        { hint: t("newPasswordHint"), error: errorFor(card, "default_password") })}
      <div class="admin-field svc-password-state">
        <span class="admin-pill ${set ? "ok" : "warn"}">${set ? t("passwordSet") : t("passwordUnset")}</span>
      </div>
    </form>`;
  },
};

/** The "remove" button beside the password card's save, while one is set. @param {import("./card.js").Card<{ password: string }>} card */
export function clearPasswordButton(card) {
  if (!store.settings?.default_password_set) return nothing;
  return html`<button type="button" id="settings-password-clear" class="btn small danger" ?disabled=${card.busy}
    @click=${() => save(card, { default_password: "" })}>${t("clear")}</button>`;
}
