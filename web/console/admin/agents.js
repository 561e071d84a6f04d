// The admin page "客服": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "客服" }, { title: "Agents" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "agents",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
