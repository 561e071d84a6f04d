// Getting the agent's attention: a short beep (WebAudio, once the agent
// has touched the page: browsers allow sound only then), a count in the
// tab title, and a desktop notification while the tab is hidden.
import { state, update } from "./state.js";
import { t } from "./i18n.js";

/** @type {AudioContext | null} */
let audio = null;
let lastBeep = 0;

function unlock() {
  if (!audio) {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    try {
      audio = new Ctx();
    } catch {
      return;
    }
  }
  if (audio.state === "suspended") audio.resume().catch(() => {});
}

export function installAlerts() {
  for (const type of ["pointerdown", "keydown"]) {
    window.addEventListener(type, unlock, { capture: true, passive: true });
  }
}

/** Two short soft tones. */
export function beep() {
  if (!state.sound || !audio || audio.state !== "running") return;
  const now = performance.now();
  if (now - lastBeep < 1200) return;
  lastBeep = now;
  const start = audio.currentTime + 0.01;
  tone(audio, 880, start, 0.09);
  tone(audio, 1320, start + 0.11, 0.12);
}

/** @param {AudioContext} ctx @param {number} freq @param {number} at @param {number} length */
function tone(ctx, freq, at, length) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = "sine";
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.18, at + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + length + 0.02);
}

export function toggleSound() {
  state.sound = !state.sound;
  localStorage.setItem("kefu.console.sound", state.sound ? "on" : "off");
  if (state.sound) {
    unlock();
    lastBeep = 0;
    beep();
  }
  update();
}

export async function askNotifications() {
  if (typeof Notification === "undefined") return;
  try {
    state.notifyPermission = await Notification.requestPermission();
  } catch {
    state.notifyPermission = Notification.permission;
  }
  update();
}

/**
 * A desktop notification, only while the tab is hidden.
 * @param {string} title
 * @param {string} body
 * @param {string} tag one per conversation, so they replace each other
 * @param {() => void} onClick
 */
export function notify(title, body, tag, onClick) {
  if (state.visible || typeof Notification === "undefined") return;
  if (Notification.permission !== "granted") return;
  try {
    const n = new Notification(title, { body: body.slice(0, 140), tag, silent: true });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // some browsers only allow notifications from a service worker
  }
}

/** What needs the agent: unread customer messages plus customers waiting. */
export function attentionCount() {
  if (!state.session) return 0;
  let n = state.pending.size;
  for (const s of state.mine.values()) n += s.unread;
  return n;
}

export function updateTitle() {
  const n = attentionCount();
  const title = n > 0 ? `(${n > 99 ? "99+" : n}) ${t("appTitle")}` : t("appTitle");
  if (document.title !== title) document.title = title;
}
