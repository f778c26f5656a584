// Nested views (protocol 6) in ember's client: the parent never touches what is inside a
// data-ember-view element, events inside it are the child's, and a render of the parent
// that builds the element again keeps the child's DOM (live/static/ember.js).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const ember = require("../../live/static/ember.js");
const { Document, h } = require("./fake_dom.js");

const fragment = (...children) => ({ tagName: "", children });
const el = (tagName, attributes, ...children) => ({ tagName, attributes, children });

function tab() {
  const doc = new Document();
  const host = h(doc, doc.body, ["div", { "data-ember-live": "" }, ["main", {}, ["p", {}, "parent"], ["div", { "data-ember-view": "chat" }, ["button", { id: "send" }, "send"]]]]);
  const views = {};
  const hostFor = (id) => (views[id] ? views[id].host : null);
  const parent = ember.createClient(doc, host, hostFor);
  const parentSent = [];
  parent.online((frame) => parentSent.push(frame));
  return { doc, host, views, hostFor, parent, parentSent };
}

const parentModel = (text) => fragment(el("main", {}, el("p", {}, text), el("div", { "data-ember-view": "chat" })));
const childModel = () => fragment({ tagName: "button", attributes: { id: "send" }, eventHandlers: { onClick: { target: "c1" } }, children: ["send"] });

test("the parent adopts the page without touching the child's markup, the child adopts its own", () => {
  const { doc, host, views, hostFor, parent, parentSent } = tab();
  const placeholder = host.firstChild.childNodes[1];
  const button = placeholder.firstChild;
  parent.adopt(parentModel("parent"));
  assert.equal(placeholder.firstChild, button); // kept, though the parent's model has no children
  const child = ember.createClient(doc, placeholder, hostFor);
  views.chat = { client: child, host: placeholder };
  const childSent = [];
  child.online((frame) => childSent.push(frame));
  child.adopt(childModel());
  assert.equal(placeholder.firstChild, button);
  doc.fire("click", button, { button: 0 });
  assert.deepEqual(childSent.map((f) => f.target), ["c1"]);
  assert.deepEqual(parentSent, []); // the parent never sends the child's events
});

test("a parent render that builds the placeholder again keeps the child's element and DOM", () => {
  const { doc, host, views, hostFor, parent } = tab();
  const placeholder = host.firstChild.childNodes[1];
  parent.adopt(parentModel("parent"));
  const child = ember.createClient(doc, placeholder, hostFor);
  views.chat = { client: child, host: placeholder };
  child.adopt(childModel());
  const button = placeholder.firstChild;
  parent.apply([["s", [0], ["main", 0, ["p", 0, "changed"], ["div", { a: { "data-ember-view": "chat" } }]]]]);
  const main = host.firstChild;
  assert.equal(main.firstChild.firstChild.data, "changed");
  assert.equal(main.childNodes[1], placeholder); // the same element ...
  assert.equal(placeholder.firstChild, button); // ... with the child's DOM in it
  child.apply([["s", [0, 0], "sent!"]]);
  assert.equal(button.firstChild.data, "sent!");
});
