// The admin page "快捷回复": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "快捷回复" }, { title: "Canned replies" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "canned",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
