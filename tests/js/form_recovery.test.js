// Unit tests of the client's form recovery (live/static/ember.js, "form recovery"): after a
// reconnect, what live forms held is put back and their change handlers fire. The
// Chromium test with a killed worker is tests/browser/test_form_recovery_browser.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const ember = require("../../live/static/ember.js");
const { Document, h } = require("./fake_dom.js");

// What recovery reads beyond the shared fake DOM: forms by tag, containment, defaults.
const Element = Object.getPrototypeOf(new Document().createElement("p")).constructor;
const bySelector = Element.prototype.querySelectorAll;
Object.assign(Element.prototype, {
  querySelectorAll(selector) {
    if (selector !== "form") return bySelector.call(this, selector);
    const found = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType !== 1) continue;
        if (child.tagName === "FORM") found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  },
  contains(node) {
    for (let at = node; at; at = at.parentNode) if (at === this) return true;
    return false;
  },
});
Object.defineProperty(Element.prototype, "defaultValue", { get() { return this.getAttribute("value") || ""; } });
Object.defineProperty(Element.prototype, "defaultChecked", { get() { return this.getAttribute("checked") !== null; } });

const fragment = (...children) => ({ tagName: "", children });
const el = (tagName, attributes, eventHandlers, ...children) => ({ tagName, attributes, eventHandlers, children });

function reconnect(spec, model, typing) {
  const doc = new Document();
  const host = h(doc, doc.body, ["div", {}, spec]);
  const client = ember.createClient(doc, host);
  client.adopt(model);
  typing(host.firstChild);
  client.offline(); // the socket closed
  const held = client.formsHeld();
  client.adopt(model); // the new session's first render: what it knows, nothing typed
  const sent = [];
  client.online((frame) => sent.push(frame));
  client.restoreForms(held);
  return { form: host.firstChild, sent };
}

test("each field that differs from the new render gets its value back and its onChange fires", () => {
  const { form, sent } = reconnect(
    ["form", { id: "f" }, ["input", { name: "title" }], ["input", { name: "same" }], ["input", { name: "token", type: "hidden", value: "server" }]],
    fragment(el("form", { id: "f" }, null,
      el("input", { name: "title", value: "" }, { onChange: { target: "title-change" } }),
      el("input", { name: "same", value: "kept" }, { onChange: { target: "same-change" } }),
      el("input", { name: "token", type: "hidden", value: "server" }, null))),
    (f) => {
      f.childNodes[0].value = "half typed";
      f.childNodes[2].value = "forged";
    },
  );
  assert.equal(form.childNodes[0].value, "half typed");
  assert.equal(form.childNodes[1].value, "kept");
  assert.equal(form.childNodes[2].value, "server"); // hidden inputs are the server's
  assert.deepEqual(sent.map((f) => [f.target, f.data[0].type, f.data[0].target.value]), [["title-change", "change", "half typed"]]);
});

test("a form-level onChange fires once, with every field of the form", () => {
  const { sent } = reconnect(
    ["form", {}, ["input", { name: "a" }], ["input", { name: "b" }]],
    fragment(el("form", {}, { onChange: { target: "form-change" } }, el("input", { name: "a" }, null), el("input", { name: "b" }, null))),
    (f) => {
      f.childNodes[0].value = "1";
      f.childNodes[1].value = "2";
    },
  );
  assert.deepEqual(sent.map((f) => f.target), ["form-change"]);
  assert.deepEqual(sent[0].data[0].currentTarget.map((e) => [e.name, e.value]), [["a", "1"], ["b", "2"]]);
});

test("a form marked data-ember-auto-recover=ignore is left as the new session renders it", () => {
  const { form, sent } = reconnect(
    ["form", { "data-ember-auto-recover": "ignore" }, ["input", { name: "code" }]],
    fragment(el("form", { "data-ember-auto-recover": "ignore" }, null, el("input", { name: "code", value: "" }, { onChange: { target: "c" } }))),
    (f) => {
      f.childNodes[0].value = "123456";
    },
  );
  assert.equal(form.childNodes[0].value, "");
  assert.deepEqual(sent, []);
});
