// The admin page "设置": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "设置" }, { title: "Settings" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "settings",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
