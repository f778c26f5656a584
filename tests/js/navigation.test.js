// Unit tests of the client's live-navigation rules (which clicks switch views over the
// socket, and how app paths sit under the app's root_path); Chromium tests the rest
// (tests/browser/test_navigation_browser.py).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const ember = require("../../live/static/ember.js");

const loc = { href: "http://site.test/app/inbox?x=1", origin: "http://site.test", pathname: "/app/inbox", search: "?x=1" };
const config = { root: "/app", live: ["/", "/inbox", "/outbox"] };

function link(attributes) {
  const a = {
    getAttribute: (name) => (name in attributes ? attributes[name] : null),
    hasAttribute: (name) => name in attributes,
    closest: (selector) => (selector === "a[href]" && "href" in attributes ? a : null),
  };
  return a;
}
function click(attributes, event = {}) {
  return Object.assign({ target: link(attributes), button: 0, defaultPrevented: false }, event);
}

test("a plain click on a link to a view of the live_session goes live", () => {
  assert.deepEqual(ember.liveLink(click({ href: "/app/outbox?y=2" }), loc, config), { path: "/outbox", qs: "?y=2", patch: false });
  assert.deepEqual(ember.liveLink(click({ href: "outbox" }), loc, config).path, "/outbox"); // relative
  assert.deepEqual(ember.liveLink(click({ href: "/app" }), loc, config).path, "/");
  assert.equal(ember.liveLink(click({ href: "?x=2", "data-ember-patch": "" }), loc, config).patch, true);
});

test("modifier clicks, other buttons, targets, downloads and prevented clicks load pages", () => {
  for (const event of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }, { defaultPrevented: true }]) {
    assert.equal(ember.liveLink(click({ href: "/app/outbox" }, event), loc, config), null, JSON.stringify(event));
  }
  assert.equal(ember.liveLink(click({ href: "/app/outbox", target: "_blank" }), loc, config), null);
  assert.equal(ember.liveLink(click({ href: "/app/outbox", target: "_self" }), loc, config).path, "/outbox");
  assert.equal(ember.liveLink(click({ href: "/app/outbox", download: "" }), loc, config), null);
});

test("links outside the live_session, the app or the site, and anchors here, load pages", () => {
  assert.equal(ember.liveLink(click({ href: "/app/storybook/" }), loc, config), null);
  assert.equal(ember.liveLink(click({ href: "/outbox" }), loc, config), null); // outside root_path
  assert.equal(ember.liveLink(click({ href: "http://other.test/app/outbox" }), loc, config), null);
  assert.equal(ember.liveLink(click({ href: "#top" }), loc, config), null);
  assert.equal(ember.liveLink(click({ href: "http://[" }), loc, config), null); // not a URL
  assert.equal(ember.liveLink(click({ href: "javascript:void(0)" }), loc, config), null);
  assert.equal(ember.liveLink(click({ href: "/app/outbox" }), loc, { root: "/app" }), null); // no group
  assert.equal(ember.liveLink({ target: { closest: () => null }, button: 0 }, loc, config), null);
});

test("app paths are the browser's paths without the app's root_path", () => {
  assert.equal(ember.appPath("/app/inbox", "/app"), "/inbox");
  assert.equal(ember.appPath("/app", "/app"), "/");
  assert.equal(ember.appPath("/apple", "/app"), null);
  assert.equal(ember.appPath("/", "/app"), null);
  assert.equal(ember.appPath("/inbox", ""), "/inbox");
});
