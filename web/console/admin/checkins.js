// The admin page "签到记录": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "签到记录" }, { title: "Check-ins" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "checkins",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
