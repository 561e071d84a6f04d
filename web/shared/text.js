// Message text as lit-html parts: always text nodes (lit-html escapes
// every interpolated value), with http(s) links made clickable. No HTML
// from a message is ever parsed.
import { html } from "../vendor/lit-html/lit-html.js";

const LINK = /\bhttps?:\/\/[^\s<>"'，。！？）】]+/gi;

/**
 * @param {string} text
 * @returns {unknown[]}
 */
export function linkified(text) {
  /** @type {unknown[]} */
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index ?? 0;
    let href = match[0];
    // A sentence's closing punctuation is not part of the link.
    const trail = /[.,;:!?)\]]+$/.exec(href);
    if (trail) href = href.slice(0, -trail[0].length);
    if (start > last) parts.push(text.slice(last, start));
    parts.push(safeLink(href));
    last = start + href.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** @param {string} href */
function safeLink(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return href;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return href;
  return html`<a href=${url.href} target="_blank" rel="noopener noreferrer nofollow">${href}</a>`;
}
