// kefu's one-line embed (served at /widget.js):
//
//   <script src="https://KEFU/widget.js" data-api-key="API_KEY" async></script>
//
// Adds a round chat button to the page; the chat itself opens in an iframe
// of KEFU/chat, so the host page's styles and scripts stay out of it. A
// classic script on purpose (no modules): it runs on any site. Everything
// is styled through element.style, so no <style> tag meets the host's CSP.
// Optional attributes: data-lang="zh|en", data-department-id="3",
// data-position="right|left".
(() => {
  "use strict";

  const LAUNCHER_ID = "kefu-launcher";
  const FRAME_ID = "kefu-frame";
  const ACCENT = "#2563eb";
  const SVG = "http://www.w3.org/2000/svg";
  const Z = "2147483000";

  if (document.getElementById(LAUNCHER_ID)) return;

  /** @returns {HTMLScriptElement | null} */
  function ownScript() {
    const current = document.currentScript;
    if (current instanceof HTMLScriptElement && current.src) return current;
    const scripts = document.querySelectorAll("script[src]");
    for (let i = scripts.length - 1; i >= 0; i--) {
      const s = /** @type {HTMLScriptElement} */ (scripts[i]);
      try {
        if (new URL(s.src, location.href).pathname.endsWith("/widget.js")) return s;
      } catch {
        // not a URL: not ours
      }
    }
    return null;
  }

  const script = ownScript();
  if (!script) return;
  const apiKey = script.dataset.apiKey || "";
  if (!apiKey) {
    console.warn("kefu widget: data-api-key is missing");
    return;
  }
  const origin = new URL(script.src, location.href).origin;
  const left = script.dataset.position === "left";
  const lang = script.dataset.lang === "en" || script.dataset.lang === "zh" ? script.dataset.lang : "";
  const department = /^\d+$/.test(script.dataset.departmentId || "") ? script.dataset.departmentId || "" : "";

  /** @param {HTMLElement | SVGElement} el @param {Record<string, string>} styles */
  function css(el, styles) {
    for (const [k, v] of Object.entries(styles)) el.style.setProperty(k, v);
  }

  /** @param {string} name @param {Record<string, string>} attrs @param {Element} [parent] */
  function svgEl(name, attrs, parent) {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (parent) parent.appendChild(el);
    return el;
  }

  /** A speech bubble with two lines of text. */
  function chatIcon() {
    const svg = svgEl("svg", {
      viewBox: "0 0 24 24",
      width: "28",
      height: "28",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "1.8",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
      "aria-hidden": "true",
    });
    svgEl(
      "path",
      {
        d: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z",
        fill: "currentColor",
        "fill-opacity": "0.12",
      },
      svg,
    );
    svgEl("path", { d: "M8.5 8.5h7M8.5 11.5h4.5" }, svg);
    return svg;
  }

  function closeIcon() {
    const svg = svgEl("svg", {
      viewBox: "0 0 24 24",
      width: "26",
      height: "26",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "2",
      "stroke-linecap": "round",
      "aria-hidden": "true",
    });
    svgEl("path", { d: "M6 6l12 12M18 6L6 18" }, svg);
    return svg;
  }

  const chinese = (lang || navigator.language || "zh").toLowerCase().startsWith("zh");
  const label = chinese ? "在线客服" : "Chat with us";
  const closeLabel = chinese ? "关闭客服" : "Close the chat";

  // ---- the launcher ----

  const launcher = document.createElement("button");
  launcher.id = LAUNCHER_ID;
  launcher.type = "button";
  launcher.setAttribute("aria-label", label);
  launcher.setAttribute("aria-expanded", "false");
  launcher.title = label;
  css(launcher, {
    position: "fixed",
    bottom: "20px",
    [left ? "left" : "right"]: "20px",
    width: "56px",
    height: "56px",
    margin: "0",
    padding: "0",
    border: "0",
    "border-radius": "50%",
    background: ACCENT,
    color: "#fff",
    cursor: "pointer",
    display: "flex",
    "align-items": "center",
    "justify-content": "center",
    "box-shadow": "0 6px 20px rgba(37, 99, 235, 0.35), 0 2px 6px rgba(15, 23, 42, 0.15)",
    "z-index": Z,
    transition: "transform 0.15s ease, box-shadow 0.15s ease",
    "-webkit-tap-highlight-color": "transparent",
    "box-sizing": "border-box",
  });
  const openGlyph = chatIcon();
  const closeGlyph = closeIcon();
  css(closeGlyph, { display: "none" });
  launcher.append(openGlyph, closeGlyph);

  const badge = document.createElement("span");
  badge.setAttribute("aria-hidden", "true");
  css(badge, {
    position: "absolute",
    top: "-2px",
    right: "-2px",
    "min-width": "20px",
    height: "20px",
    padding: "0 6px",
    "border-radius": "10px",
    background: "#ef4444",
    color: "#fff",
    font: "600 12px/20px -apple-system, BlinkMacSystemFont, 'PingFang SC', 'Microsoft YaHei', sans-serif",
    "text-align": "center",
    "box-shadow": "0 0 0 2px #fff",
    display: "none",
    "box-sizing": "border-box",
  });
  launcher.appendChild(badge);

  launcher.addEventListener("mouseenter", () => css(launcher, { transform: "scale(1.06)" }));
  launcher.addEventListener("mouseleave", () => css(launcher, { transform: "scale(1)" }));

  // ---- the panel ----

  /** @type {HTMLIFrameElement | null} */
  let frame = null;
  let open = false;
  /** Whether the chat page is in the frame (before that, it cannot be told anything). */
  let loaded = false;
  const narrow = window.matchMedia("(max-width: 479px)");

  function chatUrl() {
    const url = new URL("/chat", origin);
    url.searchParams.set("api_key", apiKey);
    url.searchParams.set("embed", "1");
    if (lang) url.searchParams.set("lang", lang);
    if (department) url.searchParams.set("department_id", department);
    return url.href;
  }

  function makeFrame() {
    const f = document.createElement("iframe");
    f.id = FRAME_ID;
    f.src = chatUrl();
    f.title = label;
    f.setAttribute("allow", "clipboard-read; clipboard-write");
    f.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    css(f, {
      position: "fixed",
      border: "0",
      margin: "0",
      padding: "0",
      background: "#fff",
      "z-index": Z,
      "color-scheme": "light",
      "box-sizing": "border-box",
      opacity: "0",
      transform: "translateY(12px)",
      transition: "opacity 0.18s ease, transform 0.18s ease",
    });
    // Tell the chat whether it is shown (it counts unread messages while not).
    f.addEventListener("load", () => {
      loaded = true;
      tell();
    });
    document.body.appendChild(f);
    return f;
  }

  function place() {
    if (!frame) return;
    if (narrow.matches) {
      css(frame, {
        inset: "0",
        top: "0",
        bottom: "0",
        left: "0",
        right: "0",
        width: "100%",
        height: "100%",
        "max-height": "none",
        "border-radius": "0",
        "box-shadow": "none",
      });
    } else {
      css(frame, {
        inset: "auto",
        top: "auto",
        bottom: "88px",
        [left ? "left" : "right"]: "20px",
        [left ? "right" : "left"]: "auto",
        width: "380px",
        height: "600px",
        "max-height": "calc(100vh - 108px)",
        "border-radius": "14px",
        "box-shadow": "0 12px 48px rgba(15, 23, 42, 0.22), 0 2px 8px rgba(15, 23, 42, 0.08)",
      });
    }
    // On a phone the chat covers the page and has its own close button.
    css(launcher, { display: open && narrow.matches ? "none" : "flex" });
  }

  /** @param {boolean} next */
  function setOpen(next) {
    open = next;
    if (open && !frame) frame = makeFrame();
    if (frame) {
      place();
      if (open) {
        css(frame, { display: "block", visibility: "visible" });
        requestAnimationFrame(() => frame && css(frame, { opacity: "1", transform: "none" }));
      } else {
        css(frame, { opacity: "0", transform: "translateY(12px)" });
        const f = frame;
        setTimeout(() => {
          if (!open) css(f, { visibility: "hidden" });
        }, 180);
      }
      tell();
    }
    css(openGlyph, { display: open ? "none" : "block" });
    css(closeGlyph, { display: open ? "block" : "none" });
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? closeLabel : label);
    launcher.title = open ? closeLabel : label;
    if (open) setBadge(0);
  }

  function tell() {
    if (loaded && frame) frame.contentWindow?.postMessage({ kefu: "open", open }, origin);
  }

  /** @param {number} n */
  function setBadge(n) {
    if (n > 0 && !open) {
      badge.textContent = n > 99 ? "99+" : String(n);
      css(badge, { display: "block" });
    } else {
      css(badge, { display: "none" });
    }
  }

  launcher.addEventListener("click", () => setOpen(!open));
  narrow.addEventListener("change", place);

  window.addEventListener("message", (e) => {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    const data = e.data;
    if (!data || typeof data !== "object") return;
    if (data.kefu === "close") {
      setOpen(false);
      launcher.focus();
    } else if (data.kefu === "unread" && typeof data.count === "number") {
      setBadge(data.count);
    }
  });

  function mount() {
    document.body.appendChild(launcher);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
