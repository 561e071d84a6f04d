// Seed 002's refusals as sentences a team lead reads, placed by the field
// the server names (`field`). The server's words are English; where the
// page knows what went wrong, it says so in the page's language instead.
import { adminCode, adminField } from "../api.js";
import { catalog } from "../i18n.js";

const t = catalog(
  {
    accountTaken: "该账号已被使用（账号在整个系统内唯一，已彻底删除的账号也不能再用）",
    groupTaken: "已有同名部门",
    required: "此项必填",
    notFound: "该客服已不存在，请刷新列表",
    groupGone: "部门不存在或已删除，请刷新",
    notAllowed: "没有权限执行此操作",
    sPassportName: "1–20 个字符，不能含冒号或首尾空格",
    password: "1–20 个字符",
    passwordNeeded: "请设置密码（团队未设置默认密码）",
    sNum: "1–20 个字符",
    name: "最多 50 个字符",
    email: "请输入正确的邮箱地址",
    phone: "只能包含数字、+、-、括号和空格，最多 30 位",
    QQ: "只能是数字，最多 20 位",
    maxChats: "请输入 0–1000 之间的整数",
    groupName: "1–30 个字符",
  },
  {
    accountTaken: "This account is taken (accounts are unique on the whole server, purged ones included)",
    groupTaken: "A department with this name exists",
    required: "Required",
    notFound: "This agent no longer exists; reload the list",
    groupGone: "This department no longer exists; reload",
    notAllowed: "You are not allowed to do this",
    sPassportName: "1–20 characters, no colon or surrounding spaces",
    password: "1–20 characters",
    passwordNeeded: "Set a password (the team has no default password)",
    sNum: "1–20 characters",
    name: "At most 50 characters",
    email: "Enter a valid e-mail address",
    phone: "Digits, +, -, brackets and spaces, at most 30",
    QQ: "Digits only, at most 20",
    maxChats: "A whole number from 0 to 1000",
    groupName: "1–30 characters",
  },
);

/** What a malformed value (10002) of each field should look like. */
const SHAPES = /** @type {Record<string, Parameters<typeof t>[0]>} */ ({
  sPassportName: "sPassportName",
  password: "password",
  sNum: "sNum",
  name: "name",
  email: "email",
  mobile: "phone",
  fixnumber: "phone",
  QQ: "QQ",
  maxChats: "maxChats",
  groupId: "groupGone",
});

/**
 * Where an error belongs: the field it names (`custom:field_8` for one
 * custom field, whose key the server's message starts with), or "" for
 * the form as a whole.
 * @param {unknown} e
 */
export function errorPlace(e) {
  const field = adminField(e);
  if (!field) return "";
  if (field === "custom_fields" && e instanceof Error) {
    const m = /^(field_\d+)\b/.exec(e.message);
    return m ? `custom:${m[1]}` : field;
  }
  return field;
}

/**
 * The error as `errorView` shows it: a sentence for the codes the page
 * understands, else the error itself (the server's message).
 * @param {unknown} e
 * @param {"agent" | "account" | "group"} [subject] what a conflict (409) is about
 * @returns {unknown}
 */
export function teamError(e, subject = "agent") {
  const code = adminCode(e);
  const field = adminField(e);
  switch (code) {
    case "10050":
      if (subject === "account") return t("accountTaken");
      if (subject === "group") return t("groupTaken");
      return e;
    case "10001":
      return t("required");
    case "10002":
      if (field === "password" && e instanceof Error && /default/.test(e.message)) return t("passwordNeeded");
      if (subject === "group" && field === "name") return t("groupName");
      return field && SHAPES[field] ? t(SHAPES[field]) : e;
    case "10011":
      return t("notFound");
    case "10040":
      return t("groupGone");
    case "10030":
      return t("notAllowed");
    default:
      return e;
  }
}
