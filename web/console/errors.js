// Errors as agents read them: a sentence in their language, and the
// server's own words beside it, small.
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { ApiError, NetworkError } from "../shared/http.js";
import { ImageRefused } from "../shared/image.js";
import { t } from "./i18n.js";

/** @type {Record<number, import("./i18n.js").Key>} */
const CODES = {
  1004: "errTooLarge",
  2003: "errNotAllowed",
  2006: "errTooFast",
  3001: "errNotFound",
  3006: "errNoAgent",
  4001: "claimTaken",
  4002: "errFinished",
  4003: "errNotServed",
  4004: "errOtherAgent",
  4007: "errNotAvailable",
  4008: "errNotAvailable",
};

/**
 * @param {unknown} e an Error, a catalog key, or a ready sentence
 * @returns {{ text: string, detail: string }}
 */
export function describe(e) {
  if (e instanceof ImageRefused) {
    return { text: t(e.reason === "too_large" ? "imageTooLarge" : "notImage"), detail: "" };
  }
  if (e instanceof NetworkError) return { text: t("networkError"), detail: "" };
  if (e instanceof ApiError) {
    const key = e.code !== null ? CODES[e.code] : undefined;
    if (key) return { text: t(key), detail: e.message };
    return { text: e.message || t("errGeneric"), detail: e.code !== null ? String(e.code) : "" };
  }
  if (e instanceof Error) return { text: e.message || t("errGeneric"), detail: "" };
  if (typeof e === "string") return { text: e, detail: "" };
  return { text: t("errGeneric"), detail: "" };
}

/** @param {unknown} e */
export function errorView(e) {
  if (e === null || e === undefined || e === "") return nothing;
  const { text, detail } = describe(e);
  return html`${text}${detail ? html`<span class="error-detail">${detail}</span>` : nothing}`;
}

/** @param {unknown} e */
export function errorText(e) {
  const { text, detail } = describe(e);
  return detail ? `${text} (${detail})` : text;
}
