// ember's client shim (protocol 3). ReactPy's own client renders and sends events; this
// module only adds what it lacks: it swaps the server-rendered first paint for the live
// view without a blank frame, marks the connection state on the root element, reloads the
// page when the server refuses the session token, applies navigation from the server, and
// applies ember-patch messages (small updates and stream operations, see ember-patch.js).
import { mountReactPy } from "./index.js";
import { slimFrame } from "./ember-events.js";
import { applyOps, setPointer } from "./ember-patch.js";

const root = document.querySelector("[data-ember-root]");
const config = JSON.parse(root.dataset.emberConfig);
const staticView = root.querySelector("[data-ember-static]");
const liveView = root.querySelector("[data-ember-live]");
const RELOAD_CODES = new Set([4401, 4404]);
// The wire protocol this shim speaks (ember.live.PROTOCOL_VERSION), sent with the socket so
// the server can refuse a page from before a deploy (the page then reloads).
const PROTOCOL = 3;
let socket = null;
// Whether the live view has replaced the first paint: "connected" is announced only then,
// so code (and tests) that wait for it never act on the static copy being replaced.
let live = false;
// The model ReactPy's client renders, as ember sees it. ReactPy's client assigns each root
// update onto its own root object, so below the root both share every object; patches
// change those shared objects in place, then a root update re-renders.
const model = { tagName: "" };

// ReactPy's client parses each frame itself (JSON.parse(event.data), synchronously).
// Handing it the object ember parsed keeps the two models sharing their objects.
function handOver(handler, message) {
  const parse = JSON.parse;
  JSON.parse = () => message;
  try {
    handler({ data: "" });
  } finally {
    JSON.parse = parse;
  }
}

function setState(state) {
  root.classList.remove("ember-connecting", "ember-connected", "ember-disconnected", "ember-error");
  root.classList.add(`ember-${state}`);
  root.dataset.emberState = state;
}

function navigate(message) {
  if (message.kind === "patch") {
    if (message.replace) history.replaceState({ ember: true }, "", message.to);
    else history.pushState({ ember: true }, "", message.to);
  } else {
    if (message.flash) {
      // Signed by the server; the next page shows it and clears the cookie.
      const secure = window.location.protocol === "https:" ? "; secure" : "";
      document.cookie = `ember_flash=${message.flash}; path=/; max-age=60; samesite=lax${secure}`;
    }
    window.location.assign(message.to);
  }
}

function withProtocol(url) {
  const target = new URL(url, window.location.href);
  target.searchParams.set("protocol", String(PROTOCOL));
  return target;
}

// ReactPy's client opens the socket itself; observe the one for this mount.
const NativeWebSocket = window.WebSocket;
class EmberWebSocket extends NativeWebSocket {
  constructor(url, protocols) {
    const ours = String(url).includes(config.socketPath);
    super(ours ? withProtocol(url) : url, protocols);
    if (!ours) return;
    socket = this;
    setState("connecting");
    this.addEventListener("open", () => {
      if (live) setState("connected");
    });
    this.addEventListener("close", (event) => {
      if (RELOAD_CODES.has(event.code)) {
        window.location.reload();
        return;
      }
      setState(event.code >= 4000 ? "error" : "disconnected");
    });
  }
  set onmessage(handler) {
    super.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "ember-patch") {
        applyOps(model, message.ops);
        handOver(handler, { type: "layout-update", path: "", model });
        return;
      }
      if (typeof message.type === "string" && message.type.startsWith("ember-")) {
        if (message.type === "ember-navigate") navigate(message);
        return;
      }
      if (message.type === "layout-update") setPointer(model, message.path, message.model);
      handOver(handler, message);
    };
  }
  get onmessage() {
    return super.onmessage;
  }
  send(data) {
    super.send(this === socket ? slimFrame(data) : data);
  }
}
window.WebSocket = EmberWebSocket;

window.addEventListener("popstate", () => {
  if (socket && socket.readyState === NativeWebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "ember-location", path: location.pathname, qs: location.search }));
  }
});

// The live view renders into an empty sibling; drop the first paint once it has content.
new MutationObserver((_, observer) => {
  if (liveView.childElementCount > 0) {
    staticView.remove();
    observer.disconnect();
    live = true;
    if (socket && socket.readyState === NativeWebSocket.OPEN) setState("connected");
  }
}).observe(liveView, { childList: true, subtree: true });

mountReactPy({
  mountElement: liveView,
  pathPrefix: config.pathPrefix,
  componentPath: config.componentPath,
  reconnectInterval: 750,
  reconnectMaxInterval: 15000,
  reconnectMaxRetries: 150,
  reconnectBackoffMultiplier: 1.5,
});
