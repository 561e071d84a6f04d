// The admin page "Webhook": not built yet.
import { html } from "../../vendor/lit-html/lit-html.js";
import { catalog } from "./i18n.js";
import { pageHeader } from "./ui.js";

const t = catalog({ title: "Webhook" }, { title: "Webhooks" });

/** @type {import("./shell.js").AdminPage} */
export const page = {
  id: "webhooks",
  title: () => t("title"),
  view: () => html`${pageHeader(t("title"))}`,
};
