// Seed 002's refusals as an admin reads them: a Chinese (or English)
// sentence for the code, the server's own words small beside it.
import { html } from "../../../vendor/lit-html/lit-html.js";
import { ApiError } from "../../../shared/http.js";
import { errorView } from "../../errors.js";
import { adminCode } from "../api.js";
import { catalog } from "../i18n.js";

const t = catalog(
  {
    c10001: "请填写必填项",
    c10002: "填写的内容不符合要求",
    c10003: "请求格式不正确",
    c10004: "内容太大",
    c10030: "只有管理员可以进行此操作",
    c10040: "该项目不存在或已被删除",
    c10050: "已达到数量上限",
  },
  {
    c10001: "A required value is missing",
    c10002: "This value is not accepted",
    c10003: "The request is malformed",
    c10004: "Too large",
    c10030: "Only administrators can do this",
    c10040: "Not found, or already deleted",
    c10050: "The limit is reached",
  },
);

/** A mistake found before sending: which key, and why (a ready sentence). */
export class InputError extends Error {
  /** @param {string} field @param {string} message */
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

/** @type {Record<string, Parameters<typeof t>[0]>} */
const SENTENCES = {
  10001: "c10001",
  10002: "c10002",
  10003: "c10003",
  10004: "c10004",
  10030: "c10030",
  10040: "c10040",
  10050: "c10050",
};

/** @param {unknown} e an ApiError of seed 002, an InputError, or anything errorView shows */
export function problemView(e) {
  const key = SENTENCES[adminCode(e) ?? ""];
  if (key && e instanceof ApiError) return html`${t(key)}<span class="error-detail">${e.message}</span>`;
  return errorView(e);
}

/**
 * The same as one sentence, for `field()`'s error (which shows text).
 * @param {unknown} e
 * @returns {unknown} a string for a seed 002 refusal, else `e` as it was
 */
export function problemText(e) {
  const key = SENTENCES[adminCode(e) ?? ""];
  return key && e instanceof ApiError ? `${t(key)}（${e.message}）` : e;
}
