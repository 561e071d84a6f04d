// The admin page "排班": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "排班" }, { title: "Schedules" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "schedules",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
