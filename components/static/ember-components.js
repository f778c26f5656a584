// ember.components' client behaviour: the few things a server cannot do from a distance.
// - An element whose data-ember-focus appears or changes value takes the focus (tabs,
//   dropdown menus, the modal's first button): keys are handled on the server, which
//   marks the element that should hold focus next.
// - A <dialog data-ember-modal> opens with showModal(), so the browser makes the rest of
//   the page inert (the focus trap); Escape is left to the server, which closes it; when
//   the dialog goes away, focus returns to the element that had it before. In a frame (the
//   storybook's canvas) Tab wraps at the dialog's edges, which the browser leaves open.
const opener = new WeakMap();

function focusMarked(element) {
  if (element instanceof HTMLElement && element.isConnected) element.focus({ preventScroll: false });
}

function openDialog(dialog) {
  if (dialog.dataset.emberModalReady) return;
  dialog.dataset.emberModalReady = "true";
  opener.set(dialog, document.activeElement);
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  if (dialog.open) dialog.close();
  dialog.showModal();
  const first = dialog.querySelector("[data-ember-focus], [autofocus]");
  if (first) focusMarked(first);
}

function closedDialog(dialog) {
  const previous = opener.get(dialog);
  if (previous && previous.isConnected) previous.focus();
}

function scan(node) {
  if (!(node instanceof Element)) return;
  const found = node.matches("dialog[data-ember-modal]") ? [node] : [];
  found.push(...node.querySelectorAll("dialog[data-ember-modal]"));
  found.forEach(openDialog);
  const marked = node.hasAttribute("data-ember-focus") ? node : node.querySelector("[data-ember-focus]");
  if (marked && !marked.closest("dialog[data-ember-modal]")) focusMarked(marked);
}

// The page arrives rendered on the server and ember's client adopts it as it is: what is
// already there is scanned once, what the server adds later as it arrives.
scan(document.body);

new MutationObserver((records) => {
  for (const record of records) {
    if (record.type === "attributes") {
      if (record.target.getAttribute("data-ember-focus") !== record.oldValue) focusMarked(record.target);
      continue;
    }
    record.addedNodes.forEach(scan);
    record.removedNodes.forEach((node) => {
      if (!(node instanceof Element)) return;
      const dialogs = node.matches("dialog[data-ember-modal]") ? [node] : [...node.querySelectorAll("dialog[data-ember-modal]")];
      dialogs.forEach(closedDialog);
    });
  }
}).observe(document.body, {
  subtree: true,
  childList: true,
  attributes: true,
  attributeFilter: ["data-ember-focus"],
  attributeOldValue: true,
});

// In a form's textarea, where Enter starts a new line, Ctrl+Enter (Cmd+Enter) submits the
// form (Enter in an input submits it natively).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing || event.defaultPrevented) return;
  const area = event.target;
  if (!(area instanceof HTMLTextAreaElement) || !area.dataset.emberSubmit || !area.form) return;
  if (!(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  area.form.requestSubmit();
});

// A button with data-ember-copy="id" copies that element's text to the clipboard and says
// so for a moment (a server cannot reach the clipboard).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-ember-copy]") : null;
  if (!(button instanceof HTMLElement)) return;
  const source = document.getElementById(button.dataset.emberCopy || "");
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent || "").then(() => {
    button.dataset.emberCopied = "true";
    setTimeout(() => delete button.dataset.emberCopied, 1500);
  });
});

// Client hooks of the kit (docs/js.md). EmberBarChart draws data-values as bars on its
// canvas and tells the server which bar was clicked.
window.emberHooks = Object.assign(window.emberHooks || {}, {
  EmberBarChart: {
    mounted() {
      this.draw();
      this.el.addEventListener("click", (event) => {
        const values = this.values();
        const index = Math.floor((event.offsetX / this.el.clientWidth) * values.length);
        if (index >= 0 && index < values.length) this.pushEvent("select", { index });
      });
    },
    updated() {
      this.draw();
    },
    values() {
      return (this.el.dataset.values || "").split(",").filter(Boolean).map(Number);
    },
    draw() {
      const values = this.values();
      const canvas = this.el;
      const context = canvas.getContext("2d");
      const top = Math.max(1, ...values);
      const width = canvas.width / Math.max(1, values.length);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.fillStyle = getComputedStyle(canvas).color || "#2563eb";
      values.forEach((value, i) => {
        const height = (value / top) * (canvas.height - 4);
        context.fillRect(i * width + 2, canvas.height - height, width - 4, height);
      });
      canvas.dataset.drawn = String(values.length);
    },
  },
});

// Tabs switched in the browser (tabs(client=True)): arrow keys, Home and End move to a tab
// and click it, which runs its JS commands.
document.addEventListener("keydown", (event) => {
  const tab = event.target instanceof HTMLElement ? event.target.closest("[data-ember-tabs=client] [role=tab]") : null;
  if (!tab) return;
  const tabs = Array.from(tab.parentElement.querySelectorAll("[role=tab]:not([disabled])"));
  const at = tabs.indexOf(tab);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (to === undefined || !tabs.length) return;
  event.preventDefault();
  const next = tabs[(to + tabs.length) % tabs.length];
  next.focus();
  next.click();
});

// A modal dialog in a frame: the browser makes the rest of the frame's page inert, but Tab
// from the dialog's last control (Shift+Tab from its first) goes on to the page around the
// frame, which a modal cannot make inert: on a page of its own it goes to the browser's
// toolbar and then back to the dialog. So in a frame, Tab at an edge wraps to the other.
const FOCUSABLE = "a[href], area[href], button, input:not([type=hidden]), select, textarea, iframe, summary, [tabindex], [contenteditable=true]";

function tabStops(dialog) {
  return Array.from(dialog.querySelectorAll(FOCUSABLE)).filter(
    (element) => element.tabIndex >= 0 && !element.disabled && element.checkVisibility()
  );
}

if (window.parent !== window) {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const dialogs = document.querySelectorAll("dialog:modal");
    const dialog = dialogs[dialogs.length - 1];
    if (!dialog) return;
    const stops = tabStops(dialog);
    const active = document.activeElement;
    const edge = event.shiftKey ? stops[0] : stops[stops.length - 1];
    if (stops.length && active !== edge && dialog.contains(active)) return;
    event.preventDefault();
    const next = event.shiftKey ? stops[stops.length - 1] : stops[0];
    if (next) next.focus();
  });
}

// Modals opened and closed in the browser (modal(client=True), show_modal / hide_modal: JS
// commands that dispatch these events on the dialog). A click on the backdrop closes it;
// Escape closes it natively; focus goes back to where it was.
document.addEventListener("ember:show-modal", (event) => {
  const dialog = event.target;
  if (!(dialog instanceof HTMLDialogElement) || dialog.open) return;
  opener.set(dialog, document.activeElement);
  dialog.showModal();
});
document.addEventListener("ember:hide-modal", (event) => {
  if (event.target instanceof HTMLDialogElement && event.target.open) event.target.close();
});
document.addEventListener("click", (event) => {
  const dialog = event.target;
  if (dialog instanceof HTMLDialogElement && dialog.dataset.emberModalClient && dialog.open) dialog.close();
});
document.addEventListener("close", (event) => {
  if (event.target instanceof HTMLDialogElement && event.target.dataset.emberModalClient) closedDialog(event.target);
}, true);
