// A customer's picture, or the first letter of the name on a calm color
// (also behind a picture that fails to load).
import { html, nothing } from "../vendor/lit-html/lit-html.js";
import { hue, initial, safeUrl } from "./util.js";

/** @param {Event} e */
function broken(e) {
  /** @type {HTMLImageElement} */ (e.target).hidden = true;
}

/**
 * @param {string} name
 * @param {string} url
 * @param {string} key what picks the color (the user id)
 * @param {"small" | "large"} [size]
 */
export function avatar(name, url, key, size = "small") {
  const src = safeUrl(url);
  return html`<span class="avatar ${size} ${hue(key || name)}" aria-hidden="true">${initial(name)}${src
    ? html`<img src=${src} alt="" loading="lazy" referrerpolicy="no-referrer" @error=${broken}>`
    : nothing}</span>`;
}
