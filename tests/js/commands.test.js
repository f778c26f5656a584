// Unit tests of JS commands and client hooks in ember's client (live/static/ember.js) on the
// small fake DOM; the Chromium suites (tests/browser/test_js_browser.py) run them for real.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const ember = require("../../live/static/ember.js");
const { Document, h } = require("./fake_dom.js");

// What these tests need beyond the shared fake DOM, added here only: inline styles and
// whether a node is in the document.
function page(html) {
  const doc = new Document();
  const host = h(doc, doc.body, ["div", { "data-ember-live": "" }, ...html]);
  const proto = Object.getPrototypeOf(host);
  if (!Object.getOwnPropertyDescriptor(proto, "style")) {
    Object.defineProperty(proto, "style", {
      get() {
        return (this._style = this._style || {});
      },
    });
    Object.defineProperty(proto, "isConnected", {
      get() {
        let node = this;
        while (node.parentNode) node = node.parentNode;
        return node === this.ownerDocument.body;
      },
    });
  }
  doc.querySelectorAll = (selector) => doc.body.querySelectorAll(selector);
  const client = ember.createClient(doc, host);
  const sent = [];
  client.online((frame) => sent.push(frame));
  return { doc, host, client, sent };
}
const fragment = (...children) => ({ tagName: "", children });

test("a chain of commands runs in the page and sends nothing without a push", () => {
  const { doc, host, client, sent } = page([["button", {}, "b"], ["ul", { "data-menu": "" }]]);
  const js = [["toggle", { to: "[data-menu]", display: "block" }], ["add_class", { names: ["open"] }]];
  client.adopt(fragment({ tagName: "button", eventHandlers: { onClick: { target: "t", js } }, children: ["b"] }, { tagName: "ul", attributes: { "data-menu": "" } }));
  const [button, menu] = host.childNodes;
  doc.fire("click", button);
  assert.equal(menu.style.display, "none"); // it was shown: toggle hides it
  assert.ok(button.classList.contains("open"));
  doc.fire("click", button);
  assert.equal(menu.style.display, "block");
  assert.deepEqual(sent, []);
});

test("what a command set is put back when the server patches the element", () => {
  const { doc, host, client } = page([["button", {}, "b"], ["ul", { class: "a", "data-menu": "" }]]);
  const js = [["hide", { to: "[data-menu]" }], ["add_class", { to: "[data-menu]", names: ["shut"] }], ["set_attribute", { to: "[data-menu]", name: "aria-hidden", value: "true" }]];
  client.adopt(fragment({ tagName: "button", eventHandlers: { onClick: { target: "t", js } }, children: ["b"] }, { tagName: "ul", attributes: { className: "a", "data-menu": "" } }));
  doc.fire("click", host.firstChild);
  const menu = host.childNodes[1];
  client.apply([["s", [1, "attributes"], { className: "b", "data-menu": "", style: { color: "red" } }]]);
  assert.equal(menu.getAttribute("class"), "b shut");
  assert.equal(menu.getAttribute("aria-hidden"), "true");
  assert.equal(menu.style.display, "none");
});

test("a push sends the event once, with its value, after the commands before it", () => {
  const { doc, host, client, sent } = page([["button", {}, "b"]]);
  const js = [["add_class", { names: ["busy"] }], ["push", { value: { id: 7 } }]];
  client.adopt(fragment({ tagName: "button", eventHandlers: { onClick: { target: "t", js } }, children: ["b"] }));
  doc.fire("click", host.firstChild);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].target, "t");
  assert.equal(sent[0].data[0].id, 7);
  assert.ok(host.firstChild.classList.contains("busy"));
});

test("commands never set an event attribute or a script URL", () => {
  const { doc, host, client } = page([["a", {}, "x"]]);
  const js = [["set_attribute", { name: "onclick", value: "alert(1)" }], ["set_attribute", { name: "href", value: " javascript:alert(1)" }], ["set_attribute", { name: "title", value: "ok" }], ["eval", { code: "x" }]];
  client.adopt(fragment({ tagName: "a", eventHandlers: { onClick: { target: "t", js } }, children: ["x"] }));
  doc.fire("click", host.firstChild);
  assert.equal(host.firstChild.getAttribute("onclick"), null);
  assert.equal(host.firstChild.getAttribute("href"), null);
  assert.equal(host.firstChild.getAttribute("title"), "ok");
});

test("a hook mounts, hears of patches inside it, pushes events, handles server events, and goes", () => {
  const log = [];
  ember.hooks.Log = {
    mounted() {
      log.push(`mounted ${this.el.tagName}`);
      this.handleEvent("ping", (payload) => log.push(`ping ${payload.n}`));
    },
    updated() {
      log.push("updated");
    },
    destroyed() {
      log.push("destroyed");
    },
    disconnected() {
      log.push("disconnected");
    },
    reconnected() {
      log.push("reconnected");
    },
  };
  const { host, client, sent } = page([["div", { "data-ember-hook": "Log" }, ["span", {}, "0"]]]);
  client.adopt(fragment({ tagName: "div", attributes: { "data-ember-hook": "Log" }, eventHandlers: { onHookEvent: { target: "h" } }, children: [{ tagName: "span", children: ["0"] }] }));
  assert.deepEqual(log, ["mounted DIV"]);
  client.apply([["s", [0, 0, 0], "1"]]);
  assert.deepEqual(log.slice(1), ["updated"]);
  host.firstChild.__emberHook.pushEvent("clicked", { bar: 2 });
  assert.deepEqual([sent[0].target, sent[0].data[0].event, sent[0].data[0].value], ["h", "clicked", { bar: 2 }]);
  client.serverEvent({ event: "ping", payload: { n: 3 } });
  client.offline();
  client.online(() => {});
  client.apply([["d", [], 0, 1]]);
  assert.deepEqual(log.slice(2), ["ping 3", "disconnected", "reconnected", "destroyed"]);
});

test("a hook that throws is reported on its element and the others still mount", () => {
  ember.hooks.Throws = {
    mounted() {
      throw new Error("boom");
    },
  };
  let fine = 0;
  ember.hooks.Fine = {
    mounted() {
      fine++;
    },
  };
  const errors = console.error;
  console.error = () => {};
  try {
    const { host, client } = page([["i", { "data-ember-hook": "Throws" }], ["b", { "data-ember-hook": "Fine" }], ["u", { "data-ember-hook": "constructor" }]]);
    client.adopt(fragment({ tagName: "i", attributes: { "data-ember-hook": "Throws" } }, { tagName: "b", attributes: { "data-ember-hook": "Fine" } }, { tagName: "u", attributes: { "data-ember-hook": "constructor" } }));
    assert.equal(host.firstChild.getAttribute("data-ember-hook-failed"), "mounted");
    assert.equal(host.childNodes[2].getAttribute("data-ember-hook-failed"), "mounted"); // no such hook
    assert.equal(fine, 1);
  } finally {
    console.error = errors;
  }
});
