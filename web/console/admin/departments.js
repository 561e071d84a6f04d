// The admin page "部门": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "部门" }, { title: "Departments" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "departments",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
