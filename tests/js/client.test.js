// Unit tests of ember's client (live/static/ember.js) on a small fake DOM; run by
// `node --test tests/js/` (tests/test_js.py runs them under pytest).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const ember = require("../../live/static/ember.js");
const { Document, h } = require("./fake_dom.js");

function page(html) {
  const doc = new Document();
  const host = h(doc, doc.body, ["div", { "data-ember-live": "" }, ...html]);
  const client = ember.createClient(doc, host);
  const sent = [];
  client.online((frame) => sent.push(frame));
  return { doc, host, client, sent };
}

const fragment = (...children) => ({ tagName: "", children });
const el = (tagName, attributes, ...children) => ({ tagName, attributes, children });

test("adoption reuses the server-rendered nodes instead of drawing them again", () => {
  const { host, client } = page([["main", { id: "m" }, ["p", {}, "Count: 0"]]]);
  const main = host.firstChild;
  const text = main.firstChild.firstChild;
  client.adopt(fragment(fragment(el("main", { id: "m" }, el("p", {}, "Count: 0")))));
  assert.equal(host.firstChild, main);
  assert.equal(main.firstChild.firstChild, text);
  assert.equal(host.innerHTML, '<main id="m"><p>Count: 0</p></main>');
});

test("adoption splits texts the HTML parser merged, and fixes what differs", () => {
  const { host, client } = page([["p", { class: "old", title: "x" }, "ab"], ["span", {}, "gone"]]);
  client.adopt(fragment(el("p", { className: "new" }, "a", "b"), el("b", {}, "new")));
  const p = host.firstChild;
  assert.deepEqual(p.childNodes.map((n) => n.data), ["a", "b"]);
  assert.equal(host.innerHTML, '<p class="new">ab</p><b>new</b>');
});

test("ops touch only the nodes they name, through fragments", () => {
  const { host, client } = page([["ul", {}, ["li", {}, "a"], ["li", {}, "c"]]]);
  const ul = host.firstChild;
  const [a, c] = ul.childNodes;
  client.adopt(fragment(el("ul", {}, fragment(el("li", {}, "a")), el("li", {}, "c"))));
  client.apply([["i", [0, 0], 1, [["li", 0, "b"]]]]); // into the fragment, before c
  assert.equal(ul.innerHTML, "<li>a</li><li>b</li><li>c</li>");
  client.apply([["m", [0], 1, 0]]); // c first
  assert.equal(ul.innerHTML, "<li>c</li><li>a</li><li>b</li>");
  assert.equal(ul.childNodes[0], c);
  assert.equal(ul.childNodes[1], a);
  client.apply([["s", [0, 1, 0, 0], "A"], ["s", [0, 1, 0, "attributes", "id"], "x"]]);
  assert.equal(ul.innerHTML, '<li>c</li><li id="x">A</li><li>b</li>');
  client.apply([["d", [0, 1], 0, 2]]); // the fragment's two items
  assert.equal(ul.innerHTML, "<li>c</li>");
  client.apply([["c", [0], [["li", { a: { className: "n" } }, "z"]]]]);
  assert.equal(ul.innerHTML, '<li class="n">z</li>');
});

test("a click sends the handler's target with a few fields, in order, and marks loading", () => {
  const { doc, host, client, sent } = page([["button", { id: "b", "data-row": "7" }, "go"]]);
  client.adopt(fragment({ tagName: "button", attributes: { id: "b", "data-row": "7" }, eventHandlers: { onClick: { target: "t1" } }, children: ["go"] }));
  const button = host.firstChild;
  doc.fire("click", button.firstChild, { button: 0, clientX: 3 });
  doc.fire("click", button, { button: 0, clientX: 4 });
  assert.deepEqual(sent.map((f) => [f.target, f.seq, f.data[0].clientX]), [["t1", 1, 3], ["t1", 2, 4]]);
  assert.deepEqual(sent[1].data[0].target, { tagName: "BUTTON", id: "b", dataset: { row: "7" } });
  assert.ok(button.classList.contains("ember-click-loading"));
  client.acknowledge(1);
  assert.ok(button.classList.contains("ember-click-loading")); // the second is not answered
  client.acknowledge(2);
  assert.equal(button.getAttribute("class"), null);
});

test("a submit sends the form's elements once; a second one waits for the answer", () => {
  const { doc, host, client, sent } = page([["form", {}, ["input", { name: "email" }], ["button", { type: "submit", "data-disable-with": "Saving" }, "Save"]]]);
  client.adopt(fragment({ tagName: "form", eventHandlers: { onSubmit: { target: "s" } }, children: [el("input", { name: "email" }), el("button", { type: "submit", "data-disable-with": "Saving" }, "Save")] }));
  const form = host.firstChild;
  form.firstChild.value = "a@b.c";
  const first = doc.fire("submit", form);
  const second = doc.fire("submit", form);
  assert.ok(first.defaultPrevented && second.defaultPrevented);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].data[0].target.filter((e) => e.name).map((e) => [e.name, e.value]), [["email", "a@b.c"]]);
  const button = form.childNodes[1];
  assert.ok(button.disabled && button.classList.contains("ember-disabled-with"));
  client.acknowledge(1);
  assert.ok(!button.disabled);
  doc.fire("submit", form);
  assert.equal(sent.length, 2);
});

test("the focused input keeps what the user typed; a submit's answer may clear it", () => {
  const { doc, host, client } = page([["form", {}, ["input", { name: "q", value: "" }]]]);
  client.adopt(fragment({ tagName: "form", eventHandlers: { onSubmit: { target: "s" } }, children: [el("input", { name: "q", value: "" })] }));
  const input = host.firstChild.firstChild;
  doc.activeElement = input;
  input.value = "ab";
  doc.fire("input", input);
  client.apply([["s", [0, 0, "attributes", "value"], "a"]]); // a stale render
  assert.equal(input.value, "ab");
  doc.fire("submit", host.firstChild);
  client.apply([["s", [0, 0, "attributes", "value"], ""]]); // the answer to the submit
  assert.equal(input.value, "");
});

test("events made while offline are queued, marked, and sent once online", () => {
  const doc = new Document();
  const host = h(doc, doc.body, ["div", {}, ["button", {}, "go"]]);
  const client = ember.createClient(doc, host);
  client.adopt(fragment({ tagName: "button", eventHandlers: { onClick: { target: "t" } }, children: ["go"] }));
  doc.fire("click", host.firstChild);
  assert.ok(host.firstChild.classList.contains("ember-click-loading"));
  const sent = [];
  client.online((frame) => sent.push(frame));
  assert.deepEqual(sent.map((f) => f.target), ["t"]);
  client.offline(); // sent to a socket that closed: its answer will not come
  assert.ok(!host.firstChild.classList.contains("ember-click-loading"));
});

test("attribute values are written as ember.live._html writes them", () => {
  assert.equal(ember.htmlName("className"), "class");
  assert.equal(ember.htmlName("onClick"), null);
  assert.equal(ember.htmlName("data-X"), "data-X");
  assert.equal(ember.htmlValue("style", { fontSize: "2px", color: "red" }), "font-size:2px;color:red");
  assert.equal(ember.htmlValue("data-list", [1, ["a"]]), '[1,["a"]]');
  assert.equal(ember.htmlValue("hidden", true), "");
  assert.equal(ember.htmlValue("hidden", false), null);
});

test("data-ember-key lets through only the keys it names; other keys send nothing", () => {
  const attrs = { id: "row", "data-ember-key": "Escape space" };
  const { doc, host, client, sent } = page([["li", attrs, ["input", { id: "i" }]]]);
  client.adopt(fragment({ tagName: "li", attributes: attrs, eventHandlers: { onKeyDown: { target: "k" } }, children: [el("input", { id: "i" })] }));
  const input = host.firstChild.firstChild;
  for (const key of ["a", "b", "Enter", "Shift"]) doc.fire("keydown", input, { key });
  assert.equal(sent.length, 0);
  doc.fire("keydown", input, { key: "escape" });
  doc.fire("keydown", input, { key: " " });
  assert.deepEqual(sent.map((f) => [f.target, f.data[0].key]), [["k", "escape"], ["k", " "]]);
});

test("a key handler without data-ember-key hears every key", () => {
  const { doc, host, client, sent } = page([["input", { id: "i" }]]);
  client.adopt(fragment({ tagName: "input", attributes: { id: "i" }, eventHandlers: { onKeyDown: { target: "k" } }, children: [] }));
  doc.fire("keydown", host.firstChild, { key: "a" });
  assert.equal(sent.length, 1);
});
