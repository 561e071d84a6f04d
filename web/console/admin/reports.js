// The admin page "报表": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "报表" }, { title: "Reports" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "reports",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
