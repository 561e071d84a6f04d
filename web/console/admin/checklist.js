// The admin page "开始使用": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "开始使用" }, { title: "Get started" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "checklist",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
