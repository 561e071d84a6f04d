// Copying a value (a key, a snippet) to the clipboard. The async clipboard
// API needs a secure context and a focused page; where it refuses, the
// value is copied through a hidden text area, the way browsers always allowed.
import { toast } from "../../state.js";
import { catalog } from "../i18n.js";

const t = catalog(
  { copied: "已复制", copyFailed: "无法自动复制，请手动选中后复制" },
  { copied: "Copied", copyFailed: "Could not copy: select it and copy by hand" },
);

/** Copies and says so in a toast. @param {string} text @returns {Promise<boolean>} */
export async function copyWithToast(text) {
  const ok = await copyText(text);
  toast(ok ? t("copied") : t("copyFailed"), ok ? "info" : "error");
  return ok;
}

/**
 * @param {string} text
 * @returns {Promise<boolean>} whether the text is on the clipboard
 */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyThroughTextArea(text);
  }
}

/** @param {string} text */
function copyThroughTextArea(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}
