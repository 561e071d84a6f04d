// The admin page "会话导出": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "会话导出" }, { title: "Transcripts" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "transcripts",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
