// The widget's few icons, inline SVG (no files to fetch, no fonts).
import { html } from "../vendor/lit-html/lit-html.js";

export const chatIcon = html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
  <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z"/>
  <path d="M8.5 8.5h7M8.5 11.5h4.5"/></svg>`;

export const agentIcon = html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
  <path d="M4.5 13v-1.5a7.5 7.5 0 0 1 15 0V13"/>
  <rect x="3.5" y="12.5" width="3.5" height="5.5" rx="1.5"/>
  <rect x="17" y="12.5" width="3.5" height="5.5" rx="1.5"/>
  <path d="M19 18v.5a2.5 2.5 0 0 1-2.5 2.5H13"/></svg>`;

export const closeIcon = html`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
  <path d="M6 6l12 12M18 6L6 18"/></svg>`;

export const imageIcon = html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round">
  <rect x="3" y="4.5" width="18" height="15" rx="2.5"/>
  <circle cx="8.5" cy="9.5" r="1.6"/>
  <path d="M20.5 15.5l-4.8-4.6a1 1 0 0 0-1.4 0L6 19"/></svg>`;

export const sendIcon = html`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"
  fill="currentColor"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z"/></svg>`;

export const downIcon = html`<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
  <path d="M6 9l6 6 6-6"/></svg>`;

export const starIcon = html`<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"
  fill="currentColor" stroke="currentColor" stroke-width="1.2" stroke-linejoin="round">
  <path d="M12 2.8l2.8 5.8 6.3.9-4.6 4.4 1.1 6.3L12 17.2l-5.6 3 1.1-6.3L2.9 9.5l6.3-.9z"/></svg>`;
