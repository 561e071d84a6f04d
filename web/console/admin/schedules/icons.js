// The lock drawn inline (an emoji lock depends on the fonts installed).
import { html, svg } from "../../../vendor/lit-html/lit-html.js";

export const lockIcon = () =>
  html`<svg class="sched-lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">${svg`<rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor"/><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" fill="none" stroke="currentColor" stroke-width="1.6"/>`}</svg>`;
